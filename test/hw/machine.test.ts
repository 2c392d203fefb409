// The rest of the machine: the cost table and its validation, the interrupt controller's order,
// the console's bounded lines, and the seeded streams every subsystem draws from.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Clock } from '../../src/hw/clock.ts';
import { DEFAULT_COSTS, makeCostTable } from '../../src/hw/cost.ts';
import { ConsoleDevice } from '../../src/hw/devices/console.ts';
import { InterruptController } from '../../src/hw/interrupts.ts';
import { LIMITS } from '../../src/hw/limits.ts';
import { deriveSeed, drawChance, drawInt, generatorFromState, streamFor } from '../../src/hw/seed.ts';

describe('clock and cost table', () => {
  it('the clock only moves forward', () => {
    const c = new Clock();
    c.charge(10);
    c.advanceTo(5);
    expect(c.now_cycles).toBe(10);
    c.advanceTo(50);
    expect(c.now_cycles).toBe(50);
  });

  it('overrides apply and bad costs are refused', () => {
    expect(makeCostTable({ tlb_miss: 7 })).toEqual({ ...DEFAULT_COSTS, tlb_miss: 7 });
    expect(() => makeCostTable({ tlb_miss: -1 })).toThrow(/tlb_miss/);
    expect(() => makeCostTable({ map_page: 1.5 })).toThrow(/map_page/);
  });
});

describe('interrupt controller', () => {
  it('hands out pending lines lowest first, once each', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(InterruptController.LINES - 1)), (lines) => {
        const irqs = new InterruptController();
        for (const l of lines) irqs.raise(l);
        expect(irqs.takePending()).toEqual([...new Set(lines)].sort((a, b) => a - b));
        expect(irqs.hasPending).toBe(false);
      }),
      { numRuns: 100 },
    );
    expect(() => new InterruptController().raise(32)).toThrow(RangeError);
  });
});

describe('console', () => {
  it('splits lines, keeps a partial line, and keeps at most console_lines_max lines', () => {
    const c = new ConsoleDevice();
    c.write('a\nb');
    expect(c.lines).toEqual(['a']);
    c.write('c\n');
    expect(c.lines).toEqual(['a', 'bc']);
    for (let i = 0; i < LIMITS.console_lines_max + 10; i++) c.write(`${i}\n`);
    expect(c.lines.length).toBe(LIMITS.console_lines_max);
    expect(c.lines.at(-1)).toBe(String(LIMITS.console_lines_max + 9));
  });
});

describe('seeded streams', () => {
  const draws = (seed: number, name: string): number[] => {
    const rng = streamFor(seed, name);
    return Array.from({ length: 8 }, () => drawInt(rng, 0, 1_000_000));
  };

  it('the same seed and name give the same numbers; another name or seed gives others', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        expect(draws(seed, 'workload')).toEqual(draws(seed, 'workload'));
        expect(draws(seed, 'workload')).not.toEqual(draws(seed, 'faults'));
        expect(draws(seed, 'workload')).not.toEqual(draws(seed + 1, 'workload'));
        expect(deriveSeed(seed, 'x')).toBe(deriveSeed(seed, 'x'));
      }),
      { numRuns: 50 },
    );
  });

  it('a generator rebuilt from its state goes on with the same numbers', () => {
    const rng = streamFor(7, 'state');
    drawInt(rng, 0, 10);
    const copy = generatorFromState(rng.getState());
    expect(Array.from({ length: 5 }, () => drawInt(copy, 0, 1000))).toEqual(Array.from({ length: 5 }, () => drawInt(rng, 0, 1000)));
  });

  it('draws stay in range; chance 0 and 1 are never and always', () => {
    const rng = streamFor(3, 'range');
    for (let i = 0; i < 200; i++) {
      const v = drawInt(rng, -5, 5);
      expect(v).toBeGreaterThanOrEqual(-5);
      expect(v).toBeLessThanOrEqual(5);
      expect(drawChance(rng, 0)).toBe(false);
      expect(drawChance(rng, 1)).toBe(true);
    }
  });
});
