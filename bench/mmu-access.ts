// The MMU-checked access loop of `npm run bench` (bench/kernel.ts) and its DataView baseline, on
// their own so that they can be profiled and compared without the rest: a thread walks one page a
// word at a time, loading each word and storing it back plus one; the baseline does the same on a
// DataView over an ArrayBuffer.
//
//   node --import tsx bench/mmu-access.ts [seconds]      both rates and their ratio, in turns of 100 ms of CPU
//   node --cpu-prof --cpu-prof-dir=/tmp/mmuprof --import tsx bench/mmu-access.ts   and a profile
//
// The two loops are written alike, their bounds as literals: a module constant read in a loop is,
// in optimised code, a context load and a check that it is initialised at every use, and it cost
// the two loops unequally (the generator's about a third of its speed, the closure's a fifth).
import { Machine } from '../src/hw/machine.ts';
import { Kernel } from '../src/kernel/kernel.ts';
import * as sys from '../src/kernel/sys.ts';
import { cpuMs, rateFor, runFor } from './cpu-time.ts';

/** accesses between two system calls (well under the watchdog's limit), and per batch */
export const ACCESSES_PER_SLICE = 8_192;
const SLICES_PER_BATCH = 16;
const ACCESSES_PER_BATCH = SLICES_PER_BATCH * ACCESSES_PER_SLICE;

/** A thread doing ctx.mem.load32/store32 on one page; each call runs SLICES_PER_BATCH more slices and returns the accesses made. */
export function mmuLoop(): () => number {
  const k = new Kernel(new Machine());
  const task = k.createTask('mem');
  k.allocPages(task, 0x1000, 1, true);
  let accesses = 0;
  k.spawnThread(task, 'main', function* mmuThread(ctx) {
    for (;;) {
      // ACCESSES_PER_SLICE / 2 rounds of a load and a store, over the 4,096-byte page.
      for (let i = 0; i < 4096; i++) {
        const vaddr = 0x1000 + ((i * 4) % 4096);
        ctx.mem.store32(vaddr, ctx.mem.load32(vaddr) + 1);
      }
      accesses += ACCESSES_PER_SLICE;
      yield* sys.yieldCpu();
    }
  });
  return () => {
    const target = accesses + ACCESSES_PER_BATCH;
    const stop = k.run({ until: () => accesses >= target });
    if (stop !== 'until') throw new Error(`MMU benchmark stopped: ${stop} ${k.panic_reason ?? ''}`);
    return ACCESSES_PER_BATCH;
  };
}

/** The same accesses on a DataView over a plain ArrayBuffer, as many per call. */
export function dataViewLoop(): () => number {
  const view = new DataView(new ArrayBuffer(4096));
  return () => {
    for (let slice = 0; slice < 16; slice++) {
      for (let i = 0; i < 4096; i++) {
        const offset = (i * 4) % 4096;
        view.setUint32(offset, view.getUint32(offset, true) + 1, true);
      }
    }
    return ACCESSES_PER_BATCH;
  };
}

/** Both loops in turns of 100 ms of CPU for `seconds` after a 1 s warm-up each: the best and median slice of each, and their ratios. */
function main(seconds: number): void {
  const loops = [mmuLoop(), dataViewLoop()];
  const rates: number[][] = [[], []];
  for (const loop of loops) runFor(loop, 1000);
  const end = cpuMs() + seconds * 1000;
  while (cpuMs() < end) loops.forEach((loop, i) => rates[i].push(rateFor(loop, 100)));
  const fmt = (x: number): string => `${(x / 1e6).toFixed(1)} M/s`;
  for (const r of rates) r.sort((a, b) => a - b);
  const best = (r: number[]): number => r[r.length - 1];
  const median = (r: number[]): number => r[r.length >> 1];
  ['MMU-checked', 'DataView'].forEach((name, i) => console.log(`${name.padEnd(12)} over ${rates[i].length} slices of 100 ms: best ${fmt(best(rates[i]))}, median ${fmt(median(rates[i]))}`));
  console.log(`ratio: best ${(best(rates[0]) / best(rates[1])).toFixed(3)}, median ${(median(rates[0]) / median(rates[1])).toFixed(3)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) main(Number(process.argv[2] ?? 5));
