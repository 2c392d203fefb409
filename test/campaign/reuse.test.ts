// Storage reuse (src/hw/buffer-pool.ts): a worker's runs take physical memory, disk and trace ring
// from the runs before them, reset as far as those used them. A run on reused storage must be
// exactly the run on fresh storage, whatever the run before did (test/helpers/reuse.ts), and the
// pools stay bounded. reuse-planted.test.ts shows the property fails when a reset is left out.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runOnce, TRIAL_DEFAULTS } from '../../src/campaign/trial.ts';
import { emptyPools, pools } from '../../src/hw/buffer-pool.ts';
import { PhysicalMemory } from '../../src/hw/memory.ts';
import { Trace } from '../../src/kernel/trace.ts';
import { LIMITS } from '../../src/hw/limits.ts';
import { comparedRunArb, previousRunArb, reusedRunIsFresh } from '../helpers/reuse.ts';

describe('storage reused across runs', () => {
  it('gives a run exactly the run it has on fresh storage, after any run before it (faults, a panic, memory exhausted and dirtied, bounds cut short)', () => {
    const previous = { panicked: 0, fired: 0, cut_short: 0 };
    fc.assert(
      fc.property(previousRunArb, comparedRunArb, (a, b) => {
        const left = reusedRunIsFresh(a, b);
        if (left.panic !== null) previous.panicked++;
        if (left.fired.length > 0) previous.fired++;
        if (!left.done && left.panic === null) previous.cut_short++;
      }),
      { numRuns: 40 },
    );
    // The previous runs did leave storage behind in each of these states.
    expect(previous.panicked).toBeGreaterThan(0);
    expect(previous.fired).toBeGreaterThan(0);
    expect(previous.cut_short).toBeGreaterThan(0);
  });

  it('keeps at most buffers_pooled_max spares of a kind, however many are given back, of however many shapes', () => {
    emptyPools();
    const many = LIMITS.buffers_pooled_max + 3;
    for (const frames of [4, 8, 4, 16]) {
      const memories = Array.from({ length: many }, () => new PhysicalMemory(256, frames));
      const traces = Array.from({ length: many }, () => new Trace(frames));
      for (const m of memories) m.release();
      for (const t of traces) t.release();
      for (const pool of pools()) expect(pool.kept, pool.kind).toBeLessThanOrEqual(LIMITS.buffers_pooled_max);
      expect(pools().reduce((n, p) => n + p.kept, 0)).toBe(2 * LIMITS.buffers_pooled_max);
    }
    // The shape given back last is the one kept.
    expect(new PhysicalMemory(256, 16).frame_count).toBe(16);
    expect(pools().find((p) => p.kind === 'physical memory')?.kept).toBe(LIMITS.buffers_pooled_max - 1);
  });

  it('a run gives back what it took: one run after another keeps one spare of each kind', () => {
    emptyPools();
    for (let seed = 0; seed < 3; seed++) runOnce({ ...TRIAL_DEFAULTS, target: 'fs', mode: 'curios', commit: 'shadow', workload_seed: seed }, null);
    expect(Object.fromEntries(pools().map((p) => [p.kind, p.kept]))).toEqual({ bytes: 1, 'physical memory': 1, 'trace ring': 1 });
  });

  it("a released trace keeps its hash and refuses to show its events (its ring is another trace's now)", () => {
    const t = new Trace(16);
    t.append(5, 'kernel', 'boot', 'x');
    const hash = t.traceHash();
    t.release();
    expect(t.traceHash()).toBe(hash);
    expect(() => t.events()).toThrow(/released/);
    expect(() => t.release()).toThrow(/released twice/);
  });
});
