// Campaign benchmarks, run as a user runs them: the `curios` command in a child process.
// - the standard campaign (every server × every fault kind × every mode, --trials 40, seed 77)
//   with --no-store on one worker and on two: trials/s of each and the speed-up;
// - the same campaign storing its crash seeds (a fresh store), against --no-store on two workers:
//   the ratio of wall times;
// - the replay of one of those stored seeds from the command line, beside the time the command
//   takes to start and do nothing (`curios --version`);
// - with --memory: the resident set after 10,000 and after 100,000 trials of one thread (the
//   simulator's memory must stay flat; the campaign's own list of results is left out).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CAMPAIGN_DEFAULTS, cellsOf, runCell, type CampaignConfig } from '../src/campaign/campaign.ts';
import { FAULT_KINDS } from '../src/faults/model.ts';
import { targets } from '../src/servers/catalog.ts';
import { MODES } from '../src/ssr/modes.ts';
import type { Target } from './run.ts';

/** The command as a user runs it (bin/curios.mjs: from its cached bundle, built on first use). */
const CLI = [new URL('../bin/curios.mjs', import.meta.url).pathname];
const SEED = 77;

interface Timed<T> {
  value: T;
  seconds: number;
}

function curios(args: string[]): Timed<string> {
  const start = performance.now();
  const value = execFileSync(process.execPath, [...CLI, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 });
  return { value, seconds: (performance.now() - start) / 1000 };
}

function campaign(trials: number, workers: number, db: string | null): { trials: number; trials_per_s: number; seconds: number; digest: string } {
  const store = db === null ? ['--no-store'] : ['--db', db];
  const run = curios(['campaign', '--trials', String(trials), '--seed', String(SEED), '--workers', String(workers), '--format', 'json', ...store]);
  const file = JSON.parse(run.value) as { trials: number; trialsPerSecond: number; digest: string };
  return { trials: file.trials, trials_per_s: file.trialsPerSecond, seconds: run.seconds, digest: file.digest };
}

export function campaignTargets(trials: number, emit: (t: Target) => void): void {
  const one = campaign(trials, 1, null);
  emit({ name: `campaign --no-store, 1 worker (${one.trials} trials), trials/s`, measured: one.trials_per_s, target: null });
  const two = campaign(trials, 2, null);
  emit({ name: 'campaign --no-store, 2 workers, trials/s', measured: two.trials_per_s, target: { at_least: 560 } });
  emit({ name: 'speed-up, 2 workers ÷ 1', measured: two.trials_per_s / one.trials_per_s, target: { at_least: 1.8 } });
  if (one.digest !== two.digest) throw new Error(`the campaign's digest depends on the worker count: ${one.digest} vs ${two.digest}`);
  const dir = mkdtempSync(join(tmpdir(), 'curios-bench-'));
  try {
    const db = join(dir, 'db.json');
    const stored = campaign(trials, 2, db);
    if (stored.digest !== two.digest) throw new Error('the stored campaign has another digest');
    const seeds = JSON.parse(curios(['seeds', 'list', '--db', db, '--json']).value) as { id: string }[];
    emit({ name: `storing seeds (${seeds.length}) ÷ --no-store, wall time`, measured: stored.seconds / two.seconds, target: { at_most: 1.1 } });
    emit({ name: 'curios --version (start-up alone), s', measured: curios(['--version']).seconds, target: null });
    if (seeds.length > 0) emit({ name: 'curios replay ID of a stored seed, s', measured: curios(['replay', seeds[0].id, '--db', db]).seconds, target: { at_most: 0.5 } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The resident set after 10,000 and after 100,000 trials run one cell after another in this
 * thread (the target), with the points between and, when `trials` asks for more, after. Each
 * point is taken after a full garbage collection and also prints the heap in use, so that a leak
 * (the heap growing) can be told from the allocator's slack (the heap flat, the resident set not).
 */
export function memoryTargets(emit: (t: Target) => void, trials = 100_000): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const config: CampaignConfig = { seed: SEED, servers: targets(), faults: FAULT_KINDS, modes: [...MODES], trials: 600, ...CAMPAIGN_DEFAULTS };
  const cells = cellsOf(config);
  let done = 0;
  let cell = 0;
  const MiB = 2 ** 20;
  const rss = new Map<number, number>();
  for (const point of [10_000, 25_000, 50_000, 100_000, 150_000, 200_000, 300_000, 400_000, 500_000].filter((p) => p <= Math.max(trials, 100_000))) {
    // Cells in an order that visits every server and fault kind early.
    while (done < point) done += runCell(config, cells[(cell++ * 1_009) % cells.length]).length;
    gc();
    const m = process.memoryUsage();
    rss.set(point, m.rss);
    emit({ name: `RSS after ${point.toLocaleString('en')} trials, MiB`, measured: m.rss / MiB, target: null });
    emit({ name: `heap used after ${point.toLocaleString('en')} trials, MiB`, measured: m.heapUsed / MiB, target: null });
    if (point === 100_000) emit({ name: 'RSS after 100,000 ÷ after 10,000', measured: rss.get(100_000)! / rss.get(10_000)!, target: { at_most: 1.1 } });
  }
  if (trials > 100_000) emit({ name: `RSS after ${done.toLocaleString('en')} ÷ after 100,000`, measured: rss.get(done)! / rss.get(100_000)!, target: null });
}
