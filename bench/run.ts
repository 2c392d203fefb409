// `npm run bench`: throughput of the simulator, each figure printed as a ratio against a plain-JS
// baseline measured in the same run (so the numbers compare across machines and days), then the
// targets of the simulator (issue 10) with what this run measured. Speed is never asserted in a
// test; it is read here.
//
//   npm run bench                      everything but the memory check
//   npm run bench -- --trials 10       a shorter campaign (the targets are for --trials 40)
//   npm run bench -- --repeat 5        each campaign run 5 times, alternated (default 3; figures are the best)
//   npm run bench -- --memory          also RSS after 10,000 and 100,000 trials (several minutes)
//   npm run bench -- --memory --memory-trials 200000   and points up to 200,000 trials
//   npm run bench -- --only kernel     one group: kernel, servers or campaign
//
// A benchmark module exports a `Bench`: a name and a `run()` that returns rows. To add one, write
// bench/<name>.ts and append it to BENCHES below.
import { parseArgs } from 'node:util';
import { campaignTargets, memoryTargets } from './campaign.ts';
import { rateFor, runFor } from './cpu-time.ts';
import { kernelBench } from './kernel.ts';
import { serversBench } from './servers.ts';

export interface Row {
  name: string;
  ops_per_s: number;
  baseline_ops_per_s: number;
  /** what the issue asks of this row's throughput and of its ratio, when it asks something */
  target?: { ops_per_s?: number; ratio?: number };
}

export interface Bench {
  name: string;
  run(): Promise<Row[]>;
}

/** A figure with what it should be (null: printed for reference). */
export interface Target {
  name: string;
  measured: number;
  target: { at_least: number } | { at_most: number } | null;
}

// The optimising compiler works on a background thread: on a loaded machine a hot loop can run
// unoptimised for a few hundred milliseconds of CPU, so the warm-up is a full second.
const WARMUP_S = 1;
const MEASURE_S = 1;
/** the slices a paired measurement alternates */
const PAIR_SLICE_MS = 100;

/**
 * Operations per second of `batch`, which does some work and returns how many operations it did.
 * Runs it for WARMUP_S first (to let the JIT settle), then for about MEASURE_S of this process's
 * CPU time — not wall time, so that other processes on a shared machine count less.
 */
export async function measureOpsPerSecond(batch: () => number): Promise<number> {
  runFor(batch, WARMUP_S * 1000);
  // Let pending I/O (the previous row's output) go out before the clock starts.
  await new Promise((resolve) => setImmediate(resolve));
  const { ops, ms } = runFor(batch, MEASURE_S * 1000);
  return (ops * 1000) / ms;
}

/**
 * Operations per second of a row's batch and of its baseline's, measured in turns: PAIR_SLICE_MS of
 * CPU time of one, then of the other, WARMUP_S of each first, then MEASURE_S of each; each figure
 * is the median of its slices. Taking turns puts both under the same load on a shared machine (two
 * figures taken one after the other see different loads, and their ratio swings with it), and the
 * median leaves out a slice that a collection or a compile happened to hit, on either side alike.
 */
export async function measurePairOpsPerSecond(batch: () => number, baseline: () => number): Promise<{ ops_per_s: number; baseline_ops_per_s: number }> {
  const slice = (run: () => number): number => rateFor(run, PAIR_SLICE_MS);
  const turns = (seconds: number): [number[], number[]] => {
    const rates: [number[], number[]] = [[], []];
    for (let i = 0; i < (seconds * 1000) / PAIR_SLICE_MS; i++) {
      rates[0].push(slice(batch));
      rates[1].push(slice(baseline));
    }
    return rates;
  };
  const median = (xs: number[]): number => xs.sort((a, b) => a - b)[xs.length >> 1];
  turns(WARMUP_S);
  // Let pending I/O (the previous row's output) go out before the clock starts.
  await new Promise((resolve) => setImmediate(resolve));
  const [rates, baseline_rates] = turns(MEASURE_S);
  return { ops_per_s: median(rates), baseline_ops_per_s: median(baseline_rates) };
}

const BENCHES: Bench[] = [kernelBench, serversBench];

function formatRate(n: number): string {
  return Math.round(n).toLocaleString('en-US').padStart(15);
}

function formatFigure(n: number): string {
  return (Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(3)).padStart(12);
}

function printTargetHeader(): void {
  console.log(`\n${'target'.padEnd(58)} ${'measured'.padStart(12)} ${'target'.padStart(14)}  met`);
}

/** One target line, printed as soon as it is measured (the campaign rows take minutes). */
function printTarget(t: Target): void {
  const goal = t.target === null ? '' : 'at_least' in t.target ? `≥ ${formatFigure(t.target.at_least).trim()}` : `≤ ${formatFigure(t.target.at_most).trim()}`;
  const met = t.target === null ? '' : ('at_least' in t.target ? t.measured >= t.target.at_least : t.measured <= t.target.at_most) ? 'yes' : 'NO';
  console.log(`${t.name.padEnd(58)} ${formatFigure(t.measured)} ${goal.padStart(14)}  ${met}`);
}

/** The targets a row carries, as Target lines. */
function rowTargets(row: Row): Target[] {
  const out: Target[] = [];
  if (row.target?.ops_per_s !== undefined) out.push({ name: `${row.name}, per second`, measured: row.ops_per_s, target: { at_least: row.target.ops_per_s } });
  if (row.target?.ratio !== undefined) out.push({ name: `${row.name} ÷ baseline`, measured: row.ops_per_s / row.baseline_ops_per_s, target: { at_least: row.target.ratio } });
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { trials: { type: 'string', default: '40' }, repeat: { type: 'string', default: '3' }, memory: { type: 'boolean', default: false }, 'memory-trials': { type: 'string', default: '100000' }, only: { type: 'string' } } });
  const trials = Number(values.trials);
  if (!Number.isInteger(trials) || trials < 1) throw new Error(`--trials must be a positive integer, got ${values.trials}`);
  const repeats = Number(values.repeat);
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`--repeat must be a positive integer, got ${values.repeat}`);
  const only = values.only;
  if (only !== undefined && !['kernel', 'servers', 'campaign'].includes(only)) throw new Error(`--only takes kernel, servers or campaign, got ${only}`);
  const targets: Target[] = [];
  console.log(`${'benchmark'.padEnd(40)} ${'ops/s'.padStart(15)} ${'baseline ops/s'.padStart(15)} ${'ratio'.padStart(9)}`);
  for (const bench of BENCHES) {
    if (only !== undefined && only !== bench.name) continue;
    for (const row of await bench.run()) {
      const ratio = row.ops_per_s / row.baseline_ops_per_s;
      console.log(`${`${bench.name}: ${row.name}`.padEnd(40)} ${formatRate(row.ops_per_s)} ${formatRate(row.baseline_ops_per_s)} ${ratio.toFixed(4).padStart(9)}`);
      targets.push(...rowTargets(row));
    }
  }
  console.log('\nratio = ops/s ÷ baseline ops/s (the baseline does the same work in plain JS, no simulation; both in CPU time)');
  printTargetHeader();
  for (const t of targets) printTarget(t);
  if (only === undefined || only === 'campaign') campaignTargets(trials, printTarget, repeats);
  const memory_trials = Number(values['memory-trials']);
  if (!Number.isInteger(memory_trials) || memory_trials < 100_000) throw new Error(`--memory-trials must be an integer of at least 100000, got ${values['memory-trials']}`);
  if (values.memory) memoryTargets(printTarget, memory_trials);
}

await main();
