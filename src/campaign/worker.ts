// A campaign worker process. Its jobs: one cell (from a mode on) — it runs the cell's trials in
// order (with the golden runs it kept from the cells before: golden-cache.ts), saying which trial it starts (and its plan) before running it and sending each result as
// soon as it is judged, with its failure signature when the keep policy keeps it; one kept trial to shrink into a crash
// seed (signed already), with a sign of life at every run; one trial to replay; the demo; or an exploration's golden run under one mode. So the pool always knows which
// trial a worker is in, and can name it (and keep its seed) if the host stops this process
// (memory, wall-clock budget). It never writes the store (lowdb is single-writer: only the main
// process writes). It runs the servers of the main process's config file, named in its argv.
import { cellTrials, type CampaignConfig, type Cell, type TrialSpec } from './campaign.ts';
import { GoldenCache } from './golden-cache.ts';
import { isExplore, type ExploreConfig } from './explore/config.ts';
import { exploreTrials, goldenOf, type ExploreGolden } from './explore/trials.ts';
import type { Mode } from '../ssr/modes.ts';
import { failureSignature, shrunkSeed, type CrashSeed } from './crash-seeds.ts';
import { keeps, type KeepPolicy } from './keep.ts';
import { useWorkerCatalog } from './worker-process.ts';
import { runDemo, type DemoResult } from './demo.ts';
import type { Replayed, TrialData } from './replay.ts';
import { replayWithStory } from './story.ts';
import type { TrialResult } from './result-types.ts';

export type ToWorker =
  | { kind: 'cell'; config: CampaignConfig | ExploreConfig; cell: Cell; from_arm: number; keep: KeepPolicy | null }
  | { kind: 'shrink'; found: TrialResult; spec: TrialSpec; signature: string }
  | { kind: 'replay'; trial: TrialData }
  | { kind: 'demo'; seed: number }
  | { kind: 'golden'; config: ExploreConfig; mode: Mode };

export type FromWorker =
  | { kind: 'ready' }
  | { kind: 'trial-start'; index: number; spec: TrialSpec }
  /** `signature`: the failure signature of a trial the keep policy keeps, null for any other */
  | { kind: 'trial'; result: TrialResult; signature: string | null }
  | { kind: 'alive' }
  | { kind: 'seed'; seed: CrashSeed }
  | { kind: 'job-done' }
  | { kind: 'replayed'; replayed: Replayed }
  | { kind: 'demo'; result: DemoResult }
  | { kind: 'golden'; golden: ExploreGolden }
  | { kind: 'error'; error: string };

const send = process.send?.bind(process);
if (send === undefined) throw new Error('campaign worker started without an IPC channel (the pool forks it)');
const post = (m: FromWorker): void => void send(m);
// Golden runs kept from cell to cell: the pool sends a group's cells (one workload) one after the other.
const goldens = new GoldenCache();

function run(job: ToWorker): void {
  switch (job.kind) {
    case 'replay':
      return post({ kind: 'replayed', replayed: replayWithStory(job.trial) });
    case 'demo':
      return post({ kind: 'demo', result: runDemo(job.seed) });
    case 'golden':
      return post({ kind: 'golden', golden: goldenOf(job.config, job.mode) });
    case 'shrink':
      post({ kind: 'seed', seed: shrunkSeed(job.found, job.spec, job.signature, () => post({ kind: 'alive' }), goldens) });
      return post({ kind: 'job-done' });
    case 'cell': {
      const { keep, config } = job;
      // An exploration's cell: one point under one mode; its seeds are made per class afterwards (explore/seeds.ts).
      if (isExplore(config)) {
        for (const result of exploreTrials(config, job.cell, job.from_arm)) post({ kind: 'trial', result, signature: null });
        return post({ kind: 'job-done' });
      }
      for (const { result, spec, golden, run } of cellTrials(config, job.cell, job.from_arm, (index, s) => post({ kind: 'trial-start', index, spec: s }), goldens)) {
        const kept = keep !== null && keeps(keep, result.mode, spec.plan, result.outcome);
        post({ kind: 'trial', result, signature: kept ? failureSignature(spec.config, spec.plan, result.outcome, { golden, run }) : null });
      }
      return post({ kind: 'job-done' });
    }
  }
}

process.on('message', (job: ToWorker) => {
  try {
    run(job);
  } catch (e) {
    post({ kind: 'error', error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
// The pool's end of the channel closing is this worker's end.
process.on('disconnect', () => process.exit(0));
// The same servers as the main process: its config file, loaded before the first cell.
await useWorkerCatalog();
post({ kind: 'ready' });
