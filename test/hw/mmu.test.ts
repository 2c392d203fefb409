// The MMU: translation always from the page table (the TLB only decides the cost), LRU eviction,
// and Liedtke's point — an untagged TLB is flushed on every address-space switch, so the same
// access pattern across two address spaces misses far more than on a tagged TLB.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Clock } from '../../src/hw/clock.ts';
import { DEFAULT_COSTS } from '../../src/hw/cost.ts';
import { Machine } from '../../src/hw/machine.ts';
import { Mmu, PageTable, XLATE_READONLY, XLATE_UNMAPPED } from '../../src/hw/mmu.ts';
import { frameNumber } from '../../src/hw/types.ts';
import * as sys from '../../src/kernel/sys.ts';
import { makeKernel } from '../helpers/kernel-fixtures.ts';

const PAGE = 4096;

function mmu(tagged: boolean, entries = 64): { mmu: Mmu; clock: Clock } {
  const clock = new Clock();
  return { mmu: new Mmu(PAGE, clock, DEFAULT_COSTS, { tagged, entries }), clock };
}

function table(asid: number, pages: number, frame_base: number): PageTable {
  const t = new PageTable(asid);
  for (let vpn = 0; vpn < pages; vpn++) t.set(vpn, frameNumber(frame_base + vpn), vpn % 2 === 0);
  return t;
}

describe('MMU translation', () => {
  it('gives frame × page + offset, refuses unmapped pages and stores to read-only ones, and charges each access', () => {
    const { mmu: m, clock } = mmu(true);
    const t = table(1, 4, 10);
    m.switchTo(t);
    expect(m.translate(t, 0x1234, false)).toBe(11 * PAGE + 0x234);
    expect(m.translate(t, 0x0010, true)).toBe(10 * PAGE + 0x10);
    expect(m.translate(t, 0x1010, true)).toBe(XLATE_READONLY);
    expect(m.translate(t, 0x9000, false)).toBe(XLATE_UNMAPPED);
    // 4 accesses, 2 of them walks (pages 1 and 0 first seen); faults pay the access but fill nothing.
    expect(clock.now_cycles).toBe(4 * DEFAULT_COSTS.mem_access + 2 * DEFAULT_COSTS.tlb_miss);
    expect(m.tlb_misses).toBe(2);
  });

  it('never lets a TLB entry outlive its page-table entry', () => {
    const { mmu: m } = mmu(true);
    const t = table(1, 2, 0);
    m.switchTo(t);
    expect(m.translate(t, 0x0000, false)).toBe(0);
    t.delete(0);
    expect(m.translate(t, 0x0000, false)).toBe(XLATE_UNMAPPED);
  });

  it('evicts the least recently used entry when full', () => {
    const { mmu: m } = mmu(true, 2);
    const t = table(1, 3, 0);
    m.switchTo(t);
    for (const vpn of [0, 1, 0, 2, 0, 1]) m.translate(t, vpn * PAGE, false);
    // misses: 0, 1, 2 (evicts 1), 1 (evicts 2); page 0 stays hot.
    expect(m.tlb_misses).toBe(4);
  });

  it('an untagged TLB misses more than a tagged one on the same pattern across two address spaces', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 2, max: 10 }), (pages, rounds) => {
        const misses = (tagged: boolean): { misses: number; flushes: number } => {
          const { mmu: m } = mmu(tagged);
          const a = table(1, pages, 0);
          const b = table(2, pages, 100);
          for (let r = 0; r < rounds; r++) {
            for (const t of [a, b]) {
              m.switchTo(t);
              for (let vpn = 0; vpn < pages; vpn++) m.translate(t, vpn * PAGE, false);
            }
          }
          return { misses: m.tlb_misses, flushes: m.tlb_flushes };
        };
        const tagged = misses(true);
        const untagged = misses(false);
        expect(tagged).toEqual({ misses: 2 * pages, flushes: 0 });
        expect(untagged).toEqual({ misses: 2 * pages * rounds, flushes: 2 * rounds - 1 });
      }),
      { numRuns: 50 },
    );
  });

  it('shows in the kernel: two tasks taking turns cost more cycles on an untagged TLB', () => {
    const run = (tlb_tagged: boolean): { misses: number; cycles: number } => {
      const k = makeKernel({ tlb_tagged });
      for (const name of ['a', 'b']) {
        const task = k.createTask(name);
        expect(k.allocPages(task, 0x1000, 8, true)).toBe('OK');
        k.spawnThread(task, 'main', function* (ctx) {
          for (let round = 0; round < 10; round++) {
            for (let page = 0; page < 8; page++) ctx.mem.store32(0x1000 + page * PAGE, round);
            yield* sys.yieldCpu();
          }
        });
      }
      expect(k.run()).toBe('idle');
      return { misses: k.machine.mmu.tlb_misses, cycles: k.now };
    };
    const tagged = run(true);
    const untagged = run(false);
    expect(tagged.misses).toBe(16);
    expect(untagged.misses).toBeGreaterThan(tagged.misses * 5);
    expect(untagged.cycles).toBeGreaterThan(tagged.cycles);
  });

  it('a machine takes its TLB kind from its configuration', () => {
    expect(new Machine({ tlb_tagged: false, disk_blocks: 1 }).mmu.tlb_config.tagged).toBe(false);
    expect(new Machine({ disk_blocks: 1 }).mmu.tlb_config.tagged).toBe(true);
  });
});
