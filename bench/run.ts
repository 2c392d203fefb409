// `npm run bench`: throughput of the simulator, each figure printed as a ratio against a plain-JS
// baseline measured in the same run (so the numbers compare across machines and days). Speed is
// never asserted in a test; it is read here.
//
// A benchmark module exports a `Bench`: a name and a `run()` that returns rows. To add one, write
// bench/<name>.ts and append it to BENCHES below.
import { kernelBench } from './kernel.ts';
import { serversBench } from './servers.ts';

export interface Row {
  name: string;
  ops_per_s: number;
  baseline_ops_per_s: number;
}

export interface Bench {
  name: string;
  run(): Promise<Row[]>;
}

const WARMUP_S = 0.2;
const MEASURE_S = 1;

/**
 * Operations per second of `batch`, which does some work and returns how many operations it did.
 * Runs it for WARMUP_S first (to let the JIT settle), then for about MEASURE_S.
 */
export async function measureOpsPerSecond(batch: () => number): Promise<number> {
  const spin = (seconds: number): { ops: number; ms: number } => {
    const start = performance.now();
    let ops = 0;
    while (performance.now() - start < seconds * 1000) ops += batch();
    return { ops, ms: performance.now() - start };
  };
  spin(WARMUP_S);
  // Let pending I/O (the previous row's output) go out before the clock starts.
  await new Promise((resolve) => setImmediate(resolve));
  const { ops, ms } = spin(MEASURE_S);
  return (ops * 1000) / ms;
}

const BENCHES: Bench[] = [kernelBench, serversBench];

function formatRate(n: number): string {
  return Math.round(n).toLocaleString('en-US').padStart(15);
}

async function main(): Promise<void> {
  console.log(`${'benchmark'.padEnd(40)} ${'ops/s'.padStart(15)} ${'baseline ops/s'.padStart(15)} ${'ratio'.padStart(9)}`);
  for (const bench of BENCHES) {
    for (const row of await bench.run()) {
      const ratio = row.ops_per_s / row.baseline_ops_per_s;
      console.log(`${`${bench.name}: ${row.name}`.padEnd(40)} ${formatRate(row.ops_per_s)} ${formatRate(row.baseline_ops_per_s)} ${ratio.toFixed(4).padStart(9)}`);
    }
  }
  console.log('\nratio = ops/s ÷ baseline ops/s (the baseline does the same work in plain JS, no simulation)');
}

await main();
