// The fast path of ctx.mem (a per-thread translation cache checked against the page table's
// generation and the TLB entry) changes neither what is legal nor what it costs:
// - an unmap makes the next access fault, even right after hits on that page;
// - a page mapped again elsewhere is read from its new frame, not the cached one;
// - for any access pattern, the TLB misses (hence the cycles) are those of a plain LRU TLB model;
// - the fast path's accesses, counted and charged late, are charged before anyone reads the time.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
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
