// ctx.mem.loadBytesInto(vaddr, into) is loadBytes(vaddr, into.length) without the fresh array:
// for any range (across pages, into unmapped ones, past the address space), any contents, with or
// without a memory hook that may redirect the access, it reads the same bytes, charges the same
// cycles, counts the same accesses, shows the hook the same access and stops the thread with the
// same fault — two kernels run side by side, one per method, end in the same state.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MemAccess } from '../../src/kernel/memory-view.ts';
import * as sys from '../../src/kernel/sys.ts';
import { FaultRecorder, makeKernel } from '../helpers/kernel-fixtures.ts';

const PAGE = 4096;
const BASE = 0x10000;

interface Seen {
  bytes: number[][];
  cycles: number;
  accesses: number;
  hooked: string[];
  faults: number[];
}

function run(method: 'loadBytes' | 'into', contents: number[], reads: [number, number][], redirect: number | null): Seen {
  const k = makeKernel();
  const recorder = new FaultRecorder(k);
  const task = k.createTask('t');
  k.setFaultHandler(task, recorder.endpoint, 1);
  expect(k.allocPages(task, BASE, 3, true)).toBe('OK');
  const seen: Seen = { bytes: [], cycles: 0, accesses: 0, hooked: [], faults: [] };
  if (redirect !== null) {
    k.memoryHook = (a: MemAccess) => {
      seen.hooked.push(`${a.write ? 'w' : 'r'} ${a.vaddr} ${a.size}`);
      if (a.size > 4) a.vaddr += redirect;
    };
  }
  k.spawnThread(task, 'main', function* (ctx) {
    for (let i = 0; i < contents.length; i++) ctx.mem.store8(BASE + i, contents[i]);
    yield* sys.yieldCpu();
    for (const [offset, len] of reads) {
      let got: Uint8Array;
      if (method === 'loadBytes') got = ctx.mem.loadBytes(BASE + offset, len);
      else ctx.mem.loadBytesInto(BASE + offset, (got = new Uint8Array(len)));
      seen.bytes.push([...got]);
    }
  });
  k.run();
  seen.cycles = k.now;
  seen.accesses = task.accesses_made;
  seen.faults = recorder.records.map((r) => r.vaddr);
  return seen;
}

describe('ctx.mem.loadBytesInto', () => {
  it('is loadBytes into a given array: same bytes, cycles, accesses, hook calls and faults', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 255 }), { minLength: 1, maxLength: 600 }),
        fc.array(fc.tuple(fc.nat({ max: 4 * PAGE }), fc.nat({ max: 2 * PAGE })), { minLength: 1, maxLength: 6 }),
        fc.option(fc.integer({ min: -64, max: PAGE }), { nil: null }),
        (contents, reads, redirect) => {
          expect(run('into', contents, reads, redirect)).toEqual(run('loadBytes', contents, reads, redirect));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses what is not an array of bytes, before any access', () => {
    const k = makeKernel();
    const recorder = new FaultRecorder(k);
    const task = k.createTask('t');
    k.setFaultHandler(task, recorder.endpoint, 1);
    expect(k.allocPages(task, BASE, 1, true)).toBe('OK');
    let thrown: unknown = null;
    k.spawnThread(task, 'main', function* (ctx) {
      yield* sys.yieldCpu();
      try {
        ctx.mem.loadBytesInto(BASE, [1, 2, 3] as unknown as Uint8Array);
      } catch (e) {
        thrown = e;
      }
    });
    k.run();
    expect(thrown).toBeInstanceOf(TypeError);
    expect(task.accesses_made).toBe(0);
  });
});
