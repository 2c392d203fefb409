// Physical memory: frames handed out lowest first (and a freed frame first again), zeroed on
// allocation, exhaustion reported as null, a double free caught as a broken invariant.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PhysicalMemory } from '../../src/hw/memory.ts';
import { frameNumber, type FrameNumber } from '../../src/hw/types.ts';

describe('physical memory', () => {
  it('allocates the lowest frames first, then reports exhaustion', () => {
    const m = new PhysicalMemory(256, 4);
    expect([m.allocFrame(), m.allocFrame(), m.allocFrame(), m.allocFrame()]).toEqual([0, 1, 2, 3]);
    expect(m.allocFrame()).toBeNull();
    expect(m.frames_free).toBe(0);
  });

  it('follows a stack model of the free list under any alloc/free sequence, and every frame it hands out is zero', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant('alloc' as const), fc.nat(7)), { maxLength: 60 }), (ops) => {
        const m = new PhysicalMemory(256, 8);
        const free: FrameNumber[] = Array.from({ length: 8 }, (_, i) => frameNumber(7 - i));
        const used: FrameNumber[] = [];
        for (const op of ops) {
          if (op === 'alloc') {
            const f = m.allocFrame();
            expect(f).toBe(free.pop() ?? null);
            if (f === null) continue;
            expect(m.bytes.subarray(m.frameBase(f), m.frameBase(f) + 256).every((b) => b === 0)).toBe(true);
            m.bytes.fill(0xab, m.frameBase(f), m.frameBase(f) + 256); // dirty it for the next owner
            used.push(f);
            continue;
          }
          if (used.length === 0) continue;
          const [f] = used.splice(op % used.length, 1);
          m.freeFrame(f);
          free.push(f);
        }
        expect(m.frames_free).toBe(free.length);
        for (const f of used) expect(m.isInUse(f)).toBe(true);
        for (const f of free) expect(m.isInUse(f)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a double free and bad geometry', () => {
    const m = new PhysicalMemory(256, 2);
    const f = m.allocFrame();
    if (f === null) throw new Error('no frame');
    m.freeFrame(f);
    expect(() => m.freeFrame(f)).toThrow(/not in use/);
    expect(() => new PhysicalMemory(300, 2)).toThrow(RangeError);
    expect(() => new PhysicalMemory(128, 2)).toThrow(RangeError);
    expect(() => new PhysicalMemory(256, 0)).toThrow(RangeError);
    expect(() => new PhysicalMemory(256, 1.5)).toThrow(RangeError);
  });

  it('hands out a frame zeroed even when a bit flip reached it before it was ever used', () => {
    fc.assert(
      fc.property(fc.nat({ max: 4 * 256 - 1 }), fc.nat({ max: 7 }), (addr, bit) => {
        const m = new PhysicalMemory(256, 4);
        m.flipBit(addr, bit);
        for (let i = 0; i < 4; i++) {
          const f = m.allocFrame();
          if (f === null) throw new Error('no frame');
          expect(m.bytes.subarray(m.frameBase(f), m.frameBase(f) + 256).every((b) => b === 0)).toBe(true);
        }
        m.release();
      }),
      { numRuns: 50 },
    );
  });

  it('flips exactly one bit', () => {
    const m = new PhysicalMemory(256, 1);
    m.flipBit(10, 3);
    expect(m.bytes[10]).toBe(8);
    m.flipBit(10, 11); // bit index taken mod 8
    expect(m.bytes[10]).toBe(0);
    expect(m.bytes.every((b) => b === 0)).toBe(true);
  });

  it("a released machine's bytes come back zeroed to the next memory of that size, however they were dirtied", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.tuple(fc.nat({ max: 8 * 256 - 1 }), fc.nat({ max: 7 })), { maxLength: 20 }), (allocs, flips) => {
        const m = new PhysicalMemory(256, 8);
        for (let i = 0; i < allocs; i++) {
          const f = m.allocFrame();
          if (f === null) throw new Error('no frame');
          m.bytes.fill(0xcd, m.frameBase(f), m.frameBase(f) + 256);
        }
        // A bit flip may land on a frame never handed out (it acts on the physical frame).
        for (const [addr, bit] of flips) m.flipBit(addr, bit);
        const dirtied = m.bytes;
        m.release();
        expect(() => m.release()).toThrow(/released twice/);
        const next = new PhysicalMemory(256, 8);
        expect(next.bytes.buffer).toBe(dirtied.buffer);
        expect(next.bytes.every((b) => b === 0)).toBe(true);
        expect(next.frames_free).toBe(8);
        next.release();
      }),
      { numRuns: 100 },
    );
  });
});
