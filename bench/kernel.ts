// Kernel benchmarks: what the simulation costs in host time.
// - null IPC: call + reply between two tasks through kernel.run (bench/null-ipc.ts), against a
//   plain function call that copies the same words;
// - MMU-checked memory: ctx.mem.load32/store32 in a thread, against a DataView on an ArrayBuffer
//   doing the same accesses.
import { Machine } from '../src/hw/machine.ts';
import { Kernel } from '../src/kernel/kernel.ts';
import type { Message } from '../src/kernel/objects.ts';
import * as sys from '../src/kernel/sys.ts';
import { nullIpcLoop, WORDS } from './null-ipc.ts';
import { measureOpsPerSecond, type Bench, type Row } from './run.ts';

const ROUND_TRIPS_PER_BATCH = 1_000;
const PAGE_BYTES = 4096;
/** accesses between two system calls: well under the watchdog's limit */
const ACCESSES_PER_SLICE = 8_192;

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
  const k = new Kernel(new Machine());
  const task = k.createTask('mem');
  k.allocPages(task, 0x1000, 1, true);
  let accesses = 0;
  k.spawnThread(task, 'main', function* (ctx) {
    for (;;) {
      // Half stores, half loads, walking one page a word at a time.
      for (let i = 0; i < ACCESSES_PER_SLICE / 2; i++) {
        const vaddr = 0x1000 + ((i * 4) % PAGE_BYTES);
        ctx.mem.store32(vaddr, ctx.mem.load32(vaddr) + 1);
      }
      accesses += ACCESSES_PER_SLICE;
      yield* sys.yieldCpu();
    }
  });
  const ops_per_s = await measureOpsPerSecond(() => {
    const target = accesses + 16 * ACCESSES_PER_SLICE;
    const stop = k.run({ until: () => accesses >= target });
    if (stop !== 'until') throw new Error(`MMU benchmark stopped: ${stop} ${k.panic_reason ?? ''}`);
    return 16 * ACCESSES_PER_SLICE;
  });

  const view = new DataView(new ArrayBuffer(PAGE_BYTES));
  const baseline = await measureOpsPerSecond(() => {
    for (let slice = 0; slice < 16; slice++) {
      for (let i = 0; i < ACCESSES_PER_SLICE / 2; i++) {
        const offset = (i * 4) % PAGE_BYTES;
        view.setUint32(offset, view.getUint32(offset, true) + 1, true);
      }
    }
    return 16 * ACCESSES_PER_SLICE;
  });
  return { name: 'MMU-checked load/store', ops_per_s, baseline_ops_per_s: baseline, target: { ratio: 0.2 } };
}

export const kernelBench: Bench = {
  name: 'kernel',
  run: async () => [await nullIpc(), await mmuAccess()],
};
