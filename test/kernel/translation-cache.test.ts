// The fast path of ctx.mem (a per-thread translation cache checked against the page table's
// generation and the TLB entry) changes neither what is legal nor what it costs:
// - an unmap makes the next access fault, even right after hits on that page;
// - a page mapped again elsewhere is read from its new frame, not the cached one;
// - for any access pattern, the TLB misses (hence the cycles) are those of a plain LRU TLB model;
// - the fast path's accesses, counted and charged late, are charged before anyone reads the time.
// - for any interleaving of maps, unmaps, protection changes, TLB flushes, bit flips and accesses
//   (scalar and bulk), the fast paths see what a model page table sees and charge what the full
//   path (a memory hook attached) charges — and still when the page table is changed without the
//   TLB being told (no invalidation: the kernel always invalidates, so only this catches a cached
//   translation that outlives the page table's generation, or a table change that forgets to bump it);
// - the watchdog stops a thread at exactly its budget of accesses whatever mix of loads and stores,
//   pages and paths it takes (the fast path shares the budget out between loads and stores), as
//   the full path does.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/hw/limits.ts';
import type { FrameNumber } from '../../src/hw/types.ts';
import { EXCEPTION_KIND_CODES, type ThreadCtx } from '../../src/kernel/kernel.ts';
import * as sys from '../../src/kernel/sys.ts';
import { FaultRecorder, makeKernel } from '../helpers/kernel-fixtures.ts';

const PAGE = 4096;

describe('translation cache', () => {
  it('an unmap makes the next access fault, right after hits on the page', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.boolean(), (hits, write) => {
        const k = makeKernel();
        const recorder = new FaultRecorder(k);
        const task = k.createTask('t');
        k.setFaultHandler(task, recorder.endpoint, 1);
        expect(k.allocPages(task, 0x4000, 1, true)).toBe('OK');
        let reached = 0;
        k.spawnThread(task, 'main', function* (ctx) {
          for (let i = 0; i < hits; i++) ctx.mem.store32(0x4000 + 4 * (i % 8), i);
          yield* sys.unmap(0x4000, 1, true);
          reached = 1;
          if (write) ctx.mem.store32(0x4000, 1);
          else ctx.mem.load32(0x4000);
          reached = 2;
        });
        k.run();
        expect(reached).toBe(1);
        expect(recorder.records.map((r) => r.vaddr)).toEqual([0x4000]);
      }),
      { numRuns: 30 },
    );
  });

  it('a page unmapped and mapped again on another frame is read from the new frame', () => {
    const k = makeKernel();
    const task = k.createTask('t');
    const other = k.createTask('other');
    expect(k.allocPages(task, 0x4000, 1, true)).toBe('OK');
    expect(k.allocPages(other, 0x8000, 1, true)).toBe('OK');
    const seen: number[] = [];
    k.spawnThread(task, 'main', function* (ctx) {
      ctx.mem.store32(0x4000, 111);
      seen.push(ctx.mem.load32(0x4000));
      yield* sys.yieldCpu();
      seen.push(ctx.mem.load32(0x4000));
    });
    k.run({ steps_max: 1 });
    // Between the thread's two slices the trusted base replaces the page with another task's frame.
    expect(k.unmapPages(task, 0x4000, 1, true)).toBe('OK');
    expect(k.transferPages(other, 0x8000, task, 0x4000, 1, true, false)).toBe('OK');
    k.run();
    expect(seen).toEqual([111, 0]);
  });

  it('misses exactly where an LRU TLB misses (so charges what it charges), for any access pattern and TLB kind', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: 1 }), fc.nat({ max: 79 }), fc.boolean()), { minLength: 1, maxLength: 400 }), fc.boolean(), (accesses, tagged) => {
        const k = makeKernel({ frames: 200, tlb_tagged: tagged });
        const tasks = [k.createTask('a'), k.createTask('b')];
        for (const t of tasks) expect(k.allocPages(t, 0, 80, true)).toBe('OK');
        // The model: an LRU map of (space, page), flushed on every switch when untagged.
        const lru = new Map<string, true>();
        let misses = 0;
        let current = -1;
        for (const [space, page] of accesses) {
          if (space !== current && current !== -1 && !tagged) lru.clear();
          current = space;
          const key = `${tagged ? space : 0}/${page}`;
          if (lru.has(key)) lru.delete(key);
          else {
            misses++;
            if (lru.size >= 64) lru.delete(lru.keys().next().value as string);
          }
          lru.set(key, true);
        }
        // Each access is made by its space's thread; a switch happens where the space changes.
        let next = 0;
        const threads = tasks.map((task, space) =>
          k.spawnThread(task, 'main', function* (ctx) {
            while (next < accesses.length) {
              while (next < accesses.length && accesses[next][0] === space) {
                const [, page, write] = accesses[next++];
                if (write) ctx.mem.store32(page * PAGE + 8, next);
                else ctx.mem.load32(page * PAGE + 8);
              }
              yield* sys.yieldCpu();
            }
          }),
        );
        expect(threads.length).toBe(2);
        const before = k.machine.mmu.tlb_misses;
        expect(before).toBe(0);
        k.run();
        expect(k.machine.mmu.tlb_misses).toBe(misses);
      }),
      { numRuns: 100 },
    );
  });
  it('charges every access before the time is read, even mid-slice on the fast path, and the watchdog counts them all', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: 3 }), fc.boolean(), fc.boolean()), { minLength: 1, maxLength: 300 }), (accesses) => {
        const k = makeKernel({ frames: 50 });
        const task = k.createTask('a');
        expect(k.allocPages(task, 0, 4, true)).toBe('OK');
        const costs = k.machine.costs;
        const mmu = k.machine.mmu;
        let wrong = 0;
        k.spawnThread(task, 'main', function* (ctx) {
          // The trusted base may read the time while a thread runs (an injector's hook, the SSR
          // manager): it must see each access charged, whichever path it took.
          let t = k.now;
          let misses = mmu.tlb_misses;
          let made = 0;
          for (const [page, write, read_now] of accesses) {
            if (write) ctx.mem.store32(page * PAGE + 4, page);
            else ctx.mem.load32(page * PAGE + 4);
            made++;
            if (!read_now) continue;
            if (k.now - t !== made * costs.mem_access + (mmu.tlb_misses - misses) * costs.tlb_miss) wrong++;
            t = k.now;
            misses = mmu.tlb_misses;
            made = 0;
          }
          yield* sys.yieldCpu();
        });
        const start = k.now;
        k.run({ steps_max: 1 });
        // The slice: a context switch, the accesses, the system call's entry and exit.
        const expected = costs.context_switch + accesses.length * costs.mem_access + mmu.tlb_misses * costs.tlb_miss + costs.kernel_entry + costs.kernel_exit;
        expect(k.now - start).toBe(expected);
        expect(wrong).toBe(0);
      }),
      { numRuns: 100 },
    );
  });
});

/** One access of a thread's endless loop: a load or a store of 1, 2 or 4 bytes at a word of one of three pages (the last one read-only). */
interface LoopAccess {
  write: boolean;
  size: 1 | 2 | 4;
  page: number;
  word: number;
}
const WATCHED_BASE = 0x10000;
const loopAccessArb: fc.Arbitrary<LoopAccess> = fc.record({ write: fc.boolean(), size: fc.constantFrom(1 as const, 2 as const, 4 as const), page: fc.nat({ max: 2 }), word: fc.nat({ max: 7 }) });
/** Accesses, half the time all on the page of the first (the fast path's case), stores only where the page allows them. */
const loopArb = (lengths: { minLength: number; maxLength: number }): fc.Arbitrary<LoopAccess[]> =>
  fc.tuple(fc.array(loopAccessArb, lengths), fc.boolean()).map(([accesses, one_page]) =>
    accesses.map((a) => {
      const page = one_page ? accesses[0].page : a.page;
      return { ...a, page, write: a.write && page < 2 };
    }),
  );

/** A thread that makes `warm` accesses, yields, then makes `loop`'s accesses over and over: how many it made after the yield, what stopped it, and the time then. */
function runToWatchdog(warm: readonly LoopAccess[], loop: readonly LoopAccess[], hooked: boolean): { made: number; faults: { kind_code: number; vaddr: number }[]; now: number; accesses_made: number } {
  const k = makeKernel();
  const recorder = new FaultRecorder(k);
  const task = k.createTask('looper');
  k.setFaultHandler(task, recorder.endpoint, 1);
  expect(k.allocPages(task, WATCHED_BASE, 2, true)).toBe('OK');
  expect(k.allocPages(task, WATCHED_BASE + 2 * PAGE, 1, false)).toBe('OK');
  if (hooked) k.memoryHook = () => {};
  const access = (ctx: ThreadCtx, a: LoopAccess): void => {
    const vaddr = WATCHED_BASE + a.page * PAGE + a.word * 4;
    if (!a.write && a.size === 1) ctx.mem.load8(vaddr);
    else if (!a.write && a.size === 2) ctx.mem.load16(vaddr);
    else if (!a.write) ctx.mem.load32(vaddr);
    else if (a.size === 1) ctx.mem.store8(vaddr, a.word);
    else if (a.size === 2) ctx.mem.store16(vaddr, a.word);
    else ctx.mem.store32(vaddr, a.word);
  };
  let made = 0;
  k.spawnThread(task, 'main', function* (ctx) {
    for (const a of warm) access(ctx, a);
    yield* sys.yieldCpu();
    for (;;) {
      for (const a of loop) {
        access(ctx, a);
        made++;
      }
    }
  });
  k.run();
  expect(k.panic_reason).toBeNull();
  return { made, faults: recorder.records.map((r) => ({ kind_code: r.kind_code, vaddr: r.vaddr })), now: k.now, accesses_made: task.accesses_made };
}

describe('the watchdog', () => {
  it('stops a thread at exactly its budget of accesses, for any mix of loads and stores, sizes and pages, charged as the full path charges', () => {
    fc.assert(
      fc.property(loopArb({ minLength: 0, maxLength: 6 }), loopArb({ minLength: 1, maxLength: 12 }), (warm, loop) => {
        const fast = runToWatchdog(warm, loop, false);
        const stopped_at = loop[LIMITS.accesses_per_slice_max % loop.length];
        expect(fast.made).toBe(LIMITS.accesses_per_slice_max);
        expect(fast.faults).toEqual([{ kind_code: EXCEPTION_KIND_CODES.watchdog, vaddr: WATCHED_BASE + stopped_at.page * PAGE + stopped_at.word * 4 }]);
        expect(fast).toEqual(runToWatchdog(warm, loop, true));
      }),
      { numRuns: 40 },
    );
  });
});

// One step of the interleaving property below: an access by the thread, or a change made from the
// trusted side in the middle of its slice (a map, an unmap, a protection change, a TLB flush, a bit
// flip), or a system call that ends the slice.
type Step =
  | { op: 'load' | 'store'; size: 1 | 2 | 4; page: number; offset: number; value: number }
  | { op: 'loadBytes' | 'storeBytes'; page: number; offset: number; len: number; value: number }
  | { op: 'map'; page: number; src: number; writable: boolean }
  | { op: 'unmap'; page: number }
  | { op: 'flush' }
  | { op: 'flip'; src: number; offset: number; bit: number }
  | { op: 'yield' };

const USER_PAGES = 4;
const OWNER_PAGES = 3;
const USER_BASE = 0x40000;
const OWNER_BASE = 0x80000;

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ op: fc.constantFrom('load' as const, 'store' as const), size: fc.constantFrom(1 as const, 2 as const, 4 as const), page: fc.nat({ max: USER_PAGES - 1 }), offset: fc.oneof({ weight: 15, arbitrary: fc.nat({ max: 15 }).map((w) => w * 4) }, { weight: 1, arbitrary: fc.nat({ max: PAGE - 1 }) }), value: fc.nat({ max: 0xffffffff }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('loadBytes' as const, 'storeBytes' as const), page: fc.nat({ max: USER_PAGES - 1 }), offset: fc.nat({ max: PAGE - 1 }), len: fc.nat({ max: 100 }), value: fc.nat({ max: 255 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('map' as const), page: fc.nat({ max: USER_PAGES - 1 }), src: fc.nat({ max: OWNER_PAGES - 1 }), writable: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('unmap' as const), page: fc.nat({ max: USER_PAGES - 1 }) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'flush' as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('flip' as const), src: fc.nat({ max: OWNER_PAGES - 1 }), offset: fc.nat({ max: 63 }), bit: fc.nat({ max: 7 }) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'yield' as const }) },
);

/**
 * What one run of the steps observed: each access's value or fault, and the time after each step
 * that did not fault. `untold`: maps and unmaps change the user's page table itself, and nobody
 * tells the TLB (no invalidation), so only the page table can say what is legal.
 */
function runSteps(steps: readonly Step[], tagged: boolean, hooked: boolean, untold = false): { seen: string[]; times: number[]; misses: number } {
  const k = makeKernel({ frames: 32, tlb_tagged: tagged });
  const owner = k.createTask('owner');
  const user = k.createTask('user');
  expect(k.allocPages(owner, OWNER_BASE, OWNER_PAGES, true)).toBe('OK');
  for (let page = 0; page < USER_PAGES; page++) expect(k.transferPages(owner, OWNER_BASE + (page % OWNER_PAGES) * PAGE, user, USER_BASE + page * PAGE, 1, true, false)).toBe('OK');
  // With a hook attached, every access takes the full path (the hook must see each one).
  if (hooked) k.memoryHook = () => {};
  const seen: string[] = [];
  const times: number[] = [];
  const ownerFrame = (src: number): FrameNumber => {
    const node = owner.as.nodes.get(OWNER_BASE / PAGE + src);
    if (node === undefined) throw new Error('owner page missing');
    return node.frame;
  };
  const trusted = (s: Step): void => {
    if (untold && s.op === 'map') user.as.table.set(USER_BASE / PAGE + s.page, ownerFrame(s.src), s.writable);
    else if (untold && s.op === 'unmap') user.as.table.delete(USER_BASE / PAGE + s.page);
    else if (s.op === 'map') {
      k.unmapPages(user, USER_BASE + s.page * PAGE, 1, true);
      expect(k.transferPages(owner, OWNER_BASE + s.src * PAGE, user, USER_BASE + s.page * PAGE, 1, s.writable, false)).toBe('OK');
    } else if (s.op === 'unmap') k.unmapPages(user, USER_BASE + s.page * PAGE, 1, true);
    else if (s.op === 'flush') k.machine.mmu.flushTlb();
    else if (s.op === 'flip') k.machine.memory.flipBit(k.machine.memory.frameBase(ownerFrame(s.src)) + s.offset, s.bit);
  };
  // A fault stops the thread; the next thread of the task goes on with the next step.
  let next = 0;
  while (next < steps.length) {
    k.spawnThread(user, `t${next}`, function* (ctx) {
      while (next < steps.length) {
        const s = steps[next++];
        try {
          if (s.op === 'load' || s.op === 'store') {
            const vaddr = USER_BASE + s.page * PAGE + s.offset;
            const load = s.size === 1 ? ctx.mem.load8 : s.size === 2 ? ctx.mem.load16 : ctx.mem.load32;
            const store = s.size === 1 ? ctx.mem.store8 : s.size === 2 ? ctx.mem.store16 : ctx.mem.store32;
            if (s.op === 'load') seen.push(`${load.call(ctx.mem, vaddr)}`);
            else store.call(ctx.mem, vaddr, s.value);
          } else if (s.op === 'loadBytes') seen.push(ctx.mem.loadBytes(USER_BASE + s.page * PAGE + s.offset, s.len).join(','));
          else if (s.op === 'storeBytes') ctx.mem.storeBytes(USER_BASE + s.page * PAGE + s.offset, new Uint8Array(s.len).fill(s.value));
          else if (s.op === 'yield') yield* sys.yieldCpu();
          else trusted(s);
        } catch (e) {
          seen.push(`fault ${(e as { kind?: string }).kind ?? String(e)}`);
          return;
        }
        times.push(k.now);
      }
    });
    k.run();
  }
  return { seen, times, misses: k.machine.mmu.tlb_misses };
}

/** The same steps against a model: a page table of (owner page, writable) and the owner's bytes. */
function modelSteps(steps: readonly Step[]): string[] {
  const bytes = Array.from({ length: OWNER_PAGES }, () => new Uint8Array(PAGE));
  const table = new Map<number, { src: number; writable: boolean }>();
  for (let page = 0; page < USER_PAGES; page++) table.set(page, { src: page % OWNER_PAGES, writable: true });
  const seen: string[] = [];
  // The byte at user address `va`, or why it cannot be reached.
  const at = (va: number, write: boolean): [Uint8Array, number] | string => {
    const pte = table.get(Math.floor((va - USER_BASE) / PAGE));
    if (pte === undefined) return write ? 'fault page-write' : 'fault page-read';
    if (write && !pte.writable) return 'fault page-write';
    return [bytes[pte.src], va % PAGE];
  };
  for (const s of steps) {
    if (s.op === 'load' || s.op === 'store') {
      const va = USER_BASE + s.page * PAGE + s.offset;
      const where = va % s.size !== 0 ? 'fault alignment' : at(va, s.op === 'store');
      if (typeof where === 'string') {
        seen.push(where);
        continue;
      }
      const [b, off] = where;
      if (s.op === 'load') {
        let v = 0;
        for (let i = s.size - 1; i >= 0; i--) v = v * 256 + b[off + i];
        seen.push(`${v}`);
      } else for (let i = 0; i < s.size; i++) b[off + i] = (s.value >>> (8 * i)) & 0xff;
    } else if (s.op === 'loadBytes' || s.op === 'storeBytes') {
      const out: number[] = [];
      // Byte by byte: a fault on a later page leaves the earlier ones written, as the view's page-by-page walk does.
      let fault: string | null = null;
      for (let i = 0; i < s.len && fault === null; i++) {
        const where = at(USER_BASE + s.page * PAGE + s.offset + i, s.op === 'storeBytes');
        if (typeof where === 'string') fault = where;
        else if (s.op === 'loadBytes') out.push(where[0][where[1]]);
        else where[0][where[1]] = s.value;
      }
      if (fault !== null) seen.push(fault);
      else if (s.op === 'loadBytes') seen.push(out.join(','));
    } else if (s.op === 'map') table.set(s.page, { src: s.src, writable: s.writable });
    else if (s.op === 'unmap') table.delete(s.page);
    else if (s.op === 'flip') bytes[s.src][s.offset] ^= 1 << s.bit;
  }
  return seen;
}

describe('the fast paths against the full path and a model', () => {
  let reached = 0;
  it('see the values and faults of a plain page table, and charge what the full path charges, for any interleaving of maps, unmaps, protection changes, TLB flushes, bit flips and accesses', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 150, size: 'max' }), fc.boolean(), (steps, tagged) => {
        const fast = runSteps(steps, tagged, false);
        const full = runSteps(steps, tagged, true);
        reached += fast.times.length;
        expect(fast.seen).toEqual(modelSteps(steps));
        expect(fast.seen).toEqual(full.seen);
        expect(fast.times).toEqual(full.times);
        expect(fast.misses).toBe(full.misses);
      }),
      { numRuns: 300 },
    );
    // The steps reach far enough (a fault ends a run) for the fast path to be exercised.
    expect(reached / 300).toBeGreaterThan(40);
  });

  it('let the page table alone decide what is legal when a change of it is not followed by a TLB invalidation (the TLB never makes an access legal)', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 150, size: 'max' }), fc.boolean(), (steps, tagged) => {
        const fast = runSteps(steps, tagged, false, true);
        expect(fast.seen).toEqual(modelSteps(steps));
        expect(fast).toEqual(runSteps(steps, tagged, true, true));
      }),
      { numRuns: 300 },
    );
  });
});
