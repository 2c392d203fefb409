// A campaign worker process. Its jobs: one cell (from a mode on) — it runs the cell's trials in
// order (with the golden runs it kept from the cells before: golden-cache.ts) and sends each
// result as soon as it is judged, with its failure signature when the keep policy keeps it, the
// last one marked as the end of the job; one kept trial to shrink into a crash seed (signed
// already), with a sign of life at every run; one trial to replay; the demo; or an exploration's
// golden run under one mode. One message per trial: the trial a worker is in is always the one
// after the last result it sent, so the pool can name it if the host stops this process (memory,
// wall-clock budget). When the campaign keeps crash seeds, the worker also sends each cell's fault
// plan once it is drawn (before the cell's first trial runs): with it the pool knows every trial's
// spec (trialSpecAt), and keeps the stopped trial as a seed. It never writes the store (lowdb is
// single-writer: only the main process writes). It runs the servers of the main process's config
// file, named in its argv.
import { cellTrials, trialIndex, trialsPerCell, type CampaignConfig, type Cell, type TrialSpec } from './campaign.ts';
import type { FaultPlan } from '../faults/model.ts';
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
  /** a campaign cell's fault plan, before its first trial runs (sent only when the campaign keeps seeds) */
  | { kind: 'plan'; plan: FaultPlan }
  /** `signature`: the failure signature of a trial the keep policy keeps, null for any other; `last`: the cell's last trial, which ends the job (no job-done follows) */
  | { kind: 'trial'; result: TrialResult; signature: string | null; last: boolean }
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
      const { keep, config, cell } = job;
      const last_index = trialIndex(config, cell, trialsPerCell(config) - 1);
      let ended = false;
      const trial = (result: TrialResult, signature: string | null) => {
        ended = result.index === last_index;
        post({ kind: 'trial', result, signature, last: ended });
      };
      // An exploration's cell: one point under one mode; its seeds are made per class afterwards (explore/seeds.ts).
      if (isExplore(config)) for (const result of exploreTrials(config, cell, job.from_arm)) trial(result, null);
      else {
        const planned = keep === null ? undefined : (plan: FaultPlan) => post({ kind: 'plan', plan });
        for (const { result, spec, golden, run } of cellTrials(config, cell, job.from_arm, planned, goldens)) {
          const kept = keep !== null && keeps(keep, result.mode, spec.plan, result.outcome);
          trial(result, kept ? failureSignature(spec.config, spec.plan, result.outcome, { golden, run }) : null);
        }
      }
      // A cell whose last trial did not come (none left from its arm on): its end said on its own.
      if (!ended) post({ kind: 'job-done' });
      return;
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
