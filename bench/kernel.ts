// Kernel benchmarks: what the simulation costs in host time.
// - null IPC: call + reply between two tasks through kernel.run (bench/null-ipc.ts), against a
//   plain function call that copies the same words, measured in turns;
// - MMU-checked memory: ctx.mem.load32/store32 in a thread, against a DataView on an ArrayBuffer
//   doing the same accesses (bench/mmu-access.ts), measured in turns.
import { dataViewLoop, mmuLoop } from './mmu-access.ts';
import { nullIpcLoop, plainCallLoop } from './null-ipc.ts';
import { measurePairOpsPerSecond, type Bench, type Row } from './run.ts';

const ROUND_TRIPS_PER_BATCH = 1_000;

async function nullIpc(): Promise<Row> {
  const loop = nullIpcLoop();
  const plain = plainCallLoop();
  // In turns with the plain call, as the MMU row is: the host's speed swings by up to 2× between
  // one minute and the next on a shared machine (docs/testing.md), and then moves both alike.
  const { ops_per_s, baseline_ops_per_s } = await measurePairOpsPerSecond(
    () => (loop.batch(ROUND_TRIPS_PER_BATCH), ROUND_TRIPS_PER_BATCH),
    () => plain.batch(ROUND_TRIPS_PER_BATCH),
  );
  return { name: 'null IPC round trip', ops_per_s, baseline_ops_per_s, target: { ops_per_s: 2_000_000, ratio: 0.02 } };
}

async function mmuAccess(): Promise<Row> {
  // In turns with its baseline, both loops written alike (bench/mmu-access.ts says why).
  const { ops_per_s, baseline_ops_per_s } = await measurePairOpsPerSecond(mmuLoop(), dataViewLoop());
  return { name: 'MMU-checked load/store', ops_per_s, baseline_ops_per_s, target: { ratio: 0.2 } };
}

export const kernelBench: Bench = {
  name: 'kernel',
  run: async () => [await nullIpc(), await mmuAccess()],
};
