// Kernel benchmarks: what the simulation costs in host time.
// - null IPC: call + reply between two tasks through kernel.run (bench/null-ipc.ts), against a
//   plain function call that copies the same words;
// - MMU-checked memory: ctx.mem.load32/store32 in a thread, against a DataView on an ArrayBuffer
//   doing the same accesses (bench/mmu-access.ts), measured in turns.
import type { Message } from '../src/kernel/objects.ts';
import { dataViewLoop, mmuLoop } from './mmu-access.ts';
import { nullIpcLoop, WORDS } from './null-ipc.ts';
import { measureOpsPerSecond, measurePairOpsPerSecond, type Bench, type Row } from './run.ts';

const ROUND_TRIPS_PER_BATCH = 1_000;

async function nullIpc(): Promise<Row> {
  const loop = nullIpcLoop();
  const ops_per_s = await measureOpsPerSecond(() => {
    loop.batch(ROUND_TRIPS_PER_BATCH);
    return ROUND_TRIPS_PER_BATCH;
  });

  // The same work without the simulation: a call that copies the words there and back.
  const echo = (m: Message): Message => ({ label: m.label, words: m.words.slice() });
  let sink = 0;
  const baseline = await measureOpsPerSecond(() => {
    for (let i = 0; i < ROUND_TRIPS_PER_BATCH; i++) {
      const request: Message = { label: i, words: WORDS.slice() };
      sink += echo(request).words.length;
    }
    return ROUND_TRIPS_PER_BATCH;
  });
  if (sink === 0) throw new Error('baseline did no work');
  return { name: 'null IPC round trip', ops_per_s, baseline_ops_per_s: baseline, target: { ops_per_s: 2_000_000, ratio: 0.02 } };
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
