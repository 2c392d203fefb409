// Campaign benchmarks, run as a user runs them: the `curios` command in a child process.
// - the standard campaign (every server × every fault kind × every mode, --trials 40, seed 77)
//   with --no-store on one worker and on two: trials/s of each and the speed-up, and from the
//   workers' threads (cpu-split.mjs) the speed-up their CPU allows on two cores: one worker's run
//   lasts as long as its JavaScript thread, two workers' share two cores with their helper threads
//   (V8's compiler and GC) and the main process;
// - the same campaign storing its crash seeds (a fresh store each time), against --no-store on
//   two workers: the ratio of wall times, and of CPU times (the command and its workers);
// - the replay of one of those stored seeds from the command line, beside the time the command
//   takes to start and do nothing (`curios --version`);
// - with --memory: the resident set after 10,000 and after 100,000 trials of one thread (the
//   simulator's memory must stay flat; the campaign's own list of results is left out).
// A campaign's wall time moves by ±15% from one run to the next on a shared machine, so the three
// campaign runs are made `repeats` times, one after the other in turn (1 worker, 2 workers, 2
// workers storing), and each figure is the best of its runs — the least disturbed, the same rule
// for both sides of a ratio — printed with the spread of the alternated pairs, and beside the
// ratio of CPU times, which the machine's load moves less: a real cost of storing shows in both.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { armsOf, CAMPAIGN_DEFAULTS, cellsOf, runCell, type CampaignConfig } from '../src/campaign/campaign.ts';
import { FAULT_KINDS } from '../src/faults/model.ts';
import { targets } from '../src/servers/catalog.ts';
import { MODES } from '../src/ssr/modes.ts';
import type { Target } from './run.ts';

/** The command as a user runs it (bin/curios.mjs: from its cached bundle, built on first use). */
const CLI = [new URL('../bin/curios.mjs', import.meta.url).pathname];
/** Preloaded into the command: prints its own CPU and its workers' at its exit (cpu-split.mjs). */
const CPU_SPLIT = new URL('./cpu-split.mjs', import.meta.url).pathname;
const SEED = 77;

interface Timed<T> {
  value: T;
  seconds: number;
  /** CPU seconds of the command's own process and of its children (its workers), null when not printed; of the children, their JavaScript threads' and their other threads' (V8's helpers) */
  cpu: { main_s: number; children_s: number; js_s: number; helpers_s: number } | null;
}

/** Runs the command; with `cpu_split`, preloads cpu-split.mjs to learn its CPU times (the other timings without it). */
function curios(args: string[], cpu_split = false): Timed<string> {
  const start = performance.now();
  const r = spawnSync(process.execPath, [...(cpu_split ? ['--import', CPU_SPLIT] : []), ...CLI, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  const seconds = (performance.now() - start) / 1000;
  if (r.status !== 0) throw new Error(`curios ${args.join(' ')} failed (exit ${r.status ?? r.signal}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const printed = /cpu-split: main ([0-9.]+) s, children ([0-9.]+) s/.exec(r.stderr);
  const threads = [...r.stderr.matchAll(/\d+: JS ([0-9.]+) s \+ helpers ([0-9.]+) s/g)];
  const sum = (i: number) => threads.reduce((s, m) => s + Number(m[i]), 0);
  return { value: r.stdout, seconds, cpu: printed === null ? null : { main_s: Number(printed[1]), children_s: Number(printed[2]), js_s: sum(1), helpers_s: sum(2) } };
}

interface CampaignRun {
  trials_per_s: number;
  /** wall seconds of the whole command */
  seconds: number;
  /** CPU seconds of the command and its workers */
  cpu_s: number;
  /** CPU seconds of the command's own process (the pool's main side, the store, the report) */
  main_cpu_s: number;
  /** CPU seconds of the workers' JavaScript threads, and of their other threads (V8's compiler and GC helpers) */
  js_cpu_s: number;
  helpers_cpu_s: number;
  digest: string;
}

function campaign(trials: number, workers: number, db: string | null): CampaignRun {
  const store = db === null ? ['--no-store'] : ['--db', db];
  const run = curios(['campaign', '--trials', String(trials), '--seed', String(SEED), '--workers', String(workers), '--format', 'json', ...store], true);
  const file = JSON.parse(run.value) as { trialsPerSecond: number; digest: string };
  if (run.cpu === null) throw new Error('the campaign command did not print its CPU time (bench/cpu-split.mjs)');
  return { trials_per_s: file.trialsPerSecond, seconds: run.seconds, cpu_s: run.cpu.main_s + run.cpu.children_s, main_cpu_s: run.cpu.main_s, js_cpu_s: run.cpu.js_s, helpers_cpu_s: run.cpu.helpers_s, digest: file.digest };
}

const best = (xs: readonly number[], most: boolean): number => (most ? Math.max(...xs) : Math.min(...xs));
const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const range = (xs: readonly number[]): string => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;

export function campaignTargets(trials: number, emit: (t: Target) => void, repeats = 3): void {
  const config = standardConfig(trials);
  const trials_run = cellsOf(config).length * armsOf(config).length;
  const one: CampaignRun[] = [];
  const two: CampaignRun[] = [];
  const stored: CampaignRun[] = [];
  const seeds: number[] = [];
  // The command's bundle built (or found) first, so that no timed run builds it.
  curios(['--version']);
  const dir = mkdtempSync(join(tmpdir(), 'curios-bench-'));
  try {
    let db = '';
    for (let r = 0; r < repeats; r++) {
      one.push(campaign(trials, 1, null));
      two.push(campaign(trials, 2, null));
      // A fresh store every time: seeds already stored are not shrunk again.
      db = join(dir, `db-${r}.json`);
      stored.push(campaign(trials, 2, db));
      seeds.push((JSON.parse(curios(['seeds', 'list', '--db', db, '--json']).value) as unknown[]).length);
    }
    const digests = new Set([...one, ...two, ...stored].map((c) => c.digest));
    if (digests.size !== 1) throw new Error(`the campaign's digest depends on the worker count or the store: ${[...digests].join(', ')}`);
    const rate1 = best(one.map((c) => c.trials_per_s), true);
    const rate2 = best(two.map((c) => c.trials_per_s), true);
    emit({ name: `campaign --no-store, 1 worker (${trials_run} trials), best trials/s`, measured: rate1, target: null });
    emit({ name: `campaign --no-store, 2 workers, best trials/s`, measured: rate2, target: { at_least: 560 } });
    emit({ name: 'speed-up, 2 workers ÷ 1 (best ÷ best)', measured: rate2 / rate1, target: { at_least: 1.8 } });
    // One worker's wall time is its JavaScript thread's (its helpers and the main process have the
    // other core); two workers share two cores for everything: the speed-up their CPU allows (medians).
    emit({ name: '  1 worker: CPU of helper threads ÷ JS thread (median)', measured: median(one.map((c) => c.helpers_cpu_s / c.js_cpu_s)), target: null });
    emit({ name: '  speed-up CPU allows: 2 × JS thread of 1 ÷ CPU of 2', measured: (2 * median(one.map((c) => c.js_cpu_s))) / median(two.map((c) => c.cpu_s)), target: null });
    const pairs = stored.map((s, i) => s.seconds / two[i].seconds);
    emit({ name: `storing seeds (${seeds.join('/')}) ÷ --no-store, best wall times`, measured: best(stored.map((c) => c.seconds), false) / best(two.map((c) => c.seconds), false), target: { at_most: 1.1 } });
    emit({ name: `  ${repeats} alternated pairs ${range(pairs)}, median`, measured: median(pairs), target: null });
    emit({ name: '  CPU, command and workers, median ÷ median', measured: median(stored.map((c) => c.cpu_s)) / median(two.map((c) => c.cpu_s)), target: null });
    emit({ name: 'main process CPU per trial, µs, --no-store (median)', measured: (median(two.map((c) => c.main_cpu_s)) * 1e6) / trials_run, target: null });
    emit({ name: 'main process CPU per trial, µs, storing (median)', measured: (median(stored.map((c) => c.main_cpu_s)) * 1e6) / trials_run, target: null });
    emit({ name: 'curios --version (start-up alone), s', measured: curios(['--version']).seconds, target: null });
    const list = JSON.parse(curios(['seeds', 'list', '--db', db, '--json']).value) as { id: string }[];
    if (list.length > 0) emit({ name: 'curios replay ID of a stored seed, s', measured: curios(['replay', list[0].id, '--db', db]).seconds, target: { at_most: 0.5 } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The standard campaign: every built-in server × every fault kind × every mode. */
function standardConfig(trials: number): CampaignConfig {
  return { seed: SEED, servers: targets(), faults: FAULT_KINDS, modes: [...MODES], trials, ...CAMPAIGN_DEFAULTS };
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
  const config = standardConfig(600);
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
