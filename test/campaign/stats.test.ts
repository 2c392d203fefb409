import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OUTCOMES, type Outcome, type TrialResult } from '../../src/campaign/result-types.ts';
import { COMMIT_POLICIES, MODES } from '../../src/ssr/modes.ts';
import { aggregate, wilson, Z_95 } from '../../src/campaign/stats.ts';

const TOLERANCE = 1e-6;

function trial(partial: Partial<TrialResult> & Pick<TrialResult, 'outcome'>): TrialResult {
  return {
    index: 0,
    server: 'fs',
    fault: 'crash',
    mode: 'curios',
    commit: 'shadow',
    traceHash: '0',
    recoverCycles: null,
    overheadCycles: 0,
    ops: 0,
    ...partial,
  };
}

const trialArb: fc.Arbitrary<TrialResult> = fc.record({
  index: fc.nat(),
  server: fc.constantFrom('fs', 'net', 'timer'),
  fault: fc.constantFrom('crash', 'hang', 'bitflip'),
  mode: fc.constantFrom(...MODES),
  commit: fc.constantFrom(null, ...COMMIT_POLICIES),
  outcome: fc.constantFrom(...OUTCOMES),
  traceHash: fc.string(),
  recoverCycles: fc.option(fc.nat({ max: 1_000_000_000 }), { nil: null }),
  overheadCycles: fc.nat({ max: 1_000_000_000 }),
  ops: fc.nat({ max: 10_000 }),
});

const width = ([lo, hi]: [number, number]): number => hi - lo;

describe('wilson', () => {
  it('matches the closed form at p̂ = 0 and p̂ = 1: the far bound is z²/(n + z²) from the edge', () => {
    const edge = (Z_95 * Z_95) / (10 + Z_95 * Z_95); // 0.2775328
    const [lo0, hi0] = wilson(0, 10);
    expect(lo0).toBe(0);
    expect(hi0).toBeCloseTo(edge, 12);
    expect(hi0).toBeCloseTo(0.2775328, 6);
    const [lo1, hi1] = wilson(10, 10);
    expect(lo1).toBeCloseTo(1 - edge, 12);
    expect(hi1).toBe(1);
  });

  // Expected values are the roots of (n + z²)x² − (2s + z²)x + s²/n = 0, computed separately.
  it.each([
    [5, 10, 0.2365931, 0.7634069],
    [87, 100, 0.7901965, 0.9224283],
    [1, 3, 0.0614919, 0.7923404],
  ])('%i/%i is [%f, %f]', (successes, n, lo, hi) => {
    const [gotLo, gotHi] = wilson(successes, n);
    expect(Math.abs(gotLo - lo)).toBeLessThan(TOLERANCE);
    expect(Math.abs(gotHi - hi)).toBeLessThan(TOLERANCE);
  });

  it('takes another quantile: z = 1 gives a narrower interval than z = 1.96', () => {
    expect(width(wilson(5, 10, 1))).toBeLessThan(width(wilson(5, 10)));
  });

  it.each([
    [0, 0, /n must be an integer ≥ 1/],
    [1, 0.5, /n must be an integer ≥ 1/],
    [11, 10, /successes must be an integer in \[0, 10\]/],
    [-1, 10, /successes must be an integer in \[0, 10\]/],
    [0.5, 10, /successes must be an integer in \[0, 10\]/],
  ])('refuses %s successes of n = %s', (successes, n, message) => {
    expect(() => wilson(successes, n)).toThrow(message);
  });

  it('refuses a quantile that is not a positive number', () => {
    expect(() => wilson(1, 2, 0)).toThrow(/z must be a finite number > 0/);
    expect(() => wilson(1, 2, Number.NaN)).toThrow(/z must be a finite number > 0/);
  });

  const successesOfN = fc
    .integer({ min: 1, max: 1_000_000 })
    .chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)));

  it('holds 0 ≤ lo ≤ p̂ ≤ hi ≤ 1', () => {
    fc.assert(
      fc.property(successesOfN, ([successes, n]) => {
        const [lo, hi] = wilson(successes, n);
        const p = successes / n;
        expect(lo).toBeGreaterThanOrEqual(0);
        expect(lo).toBeLessThanOrEqual(p);
        expect(hi).toBeGreaterThanOrEqual(p);
        expect(hi).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('narrows as n grows at a fixed p̂', () => {
    fc.assert(
      fc.property(successesOfN, fc.integer({ min: 2, max: 1000 }), ([successes, n], factor) => {
        expect(width(wilson(successes * factor, n * factor))).toBeLessThan(width(wilson(successes, n)));
      }),
    );
  });

  it('is symmetric: the interval of failures mirrors the interval of successes', () => {
    fc.assert(
      fc.property(successesOfN, ([successes, n]) => {
        const [lo, hi] = wilson(successes, n);
        const [mirrorLo, mirrorHi] = wilson(n - successes, n);
        expect(lo).toBeCloseTo(1 - mirrorHi, 9);
        expect(hi).toBeCloseTo(1 - mirrorLo, 9);
      }),
    );
  });
});

describe('aggregate', () => {
  it('counts masked and recovered as strict successes, adds degraded for lenient, never collateral nor latent; leaves host-limit out', () => {
    const outcomes: Outcome[] = [
      'not-activated',
      'not-activated',
      'masked',
      'recovered',
      'recovered',
      'degraded',
      'degraded-collateral',
      'latent-corruption',
      'silent-corruption',
      'failed',
      'failed',
      'host-limit',
    ];
    const trials = outcomes.map((outcome, index) =>
      trial({
        index,
        outcome,
        recoverCycles: outcome === 'recovered' || outcome === 'degraded' ? 1000 * (index + 1) : null,
        overheadCycles: 300,
        ops: 2,
      }),
    );
    const [row, ...rest] = aggregate(trials);
    expect(rest).toEqual([]);
    expect(row).toEqual({
      server: 'fs',
      fault: 'crash',
      mode: 'curios',
      commit: 'shadow',
      trials: 12,
      manifested: 9,
      outcomes: {
        'not-activated': 2,
        masked: 1,
        recovered: 2,
        degraded: 1,
        'degraded-collateral': 1,
        'latent-corruption': 1,
        'silent-corruption': 1,
        failed: 2,
        'host-limit': 1,
      },
      recoveryStrict: 3 / 9,
      recoveryLenient: 4 / 9,
      ci95Strict: wilson(3, 9),
      ci95Lenient: wilson(4, 9),
      mttrCycles: (4000 + 5000 + 6000) / 3,
      overheadCyclesPerOp: 3300 / 22,
    });
  });

  it('reports no rate, interval, MTTR or overhead where there is nothing to measure', () => {
    const [row] = aggregate([trial({ outcome: 'not-activated' }), trial({ outcome: 'not-activated' })]);
    expect(row.manifested).toBe(0);
    expect(row.recoveryStrict).toBeNull();
    expect(row.recoveryLenient).toBeNull();
    expect(row.ci95Strict).toBeNull();
    expect(row.ci95Lenient).toBeNull();
    expect(row.mttrCycles).toBeNull();
    expect(row.overheadCyclesPerOp).toBeNull();
  });

  it('returns no rows for no trials', () => {
    expect(aggregate([])).toEqual([]);
  });

  it('sorts by server, fault, then mode in the order none, restart, persist, curios', () => {
    const keys: [string, string, TrialResult['mode']][] = [
      ['net', 'hang', 'curios'],
      ['fs', 'hang', 'none'],
      ['fs', 'crash', 'curios'],
      ['fs', 'crash', 'none'],
      ['fs', 'crash', 'persist'],
      ['fs', 'crash', 'restart'],
    ];
    const rows = aggregate(keys.map(([server, fault, mode]) => trial({ server, fault, mode, outcome: 'masked' })));
    expect(rows.map((row) => [row.server, row.fault, row.mode])).toEqual([
      ['fs', 'crash', 'none'],
      ['fs', 'crash', 'restart'],
      ['fs', 'crash', 'persist'],
      ['fs', 'crash', 'curios'],
      ['fs', 'hang', 'none'],
      ['net', 'hang', 'curios'],
    ]);
  });

  it('keeps names apart that only a naive key would merge', () => {
    const rows = aggregate([
      trial({ server: 'a|b', fault: 'c', outcome: 'masked' }),
      trial({ server: 'a', fault: 'b|c', outcome: 'masked' }),
    ]);
    expect(rows).toHaveLength(2);
  });

  it('refuses a trial it cannot count, naming the trial', () => {
    const unknownOutcome = { ...trial({ outcome: 'masked' }), index: 7, outcome: 'exploded' } as unknown as TrialResult;
    expect(() => aggregate([unknownOutcome])).toThrow(/trial 7: outcome must be one of not-activated, masked/);
    const unknownMode = { ...trial({ outcome: 'masked' }), mode: 'reboot' } as unknown as TrialResult;
    expect(() => aggregate([unknownMode])).toThrow(/mode must be one of none, restart, persist, curios/);
    expect(() => aggregate([trial({ outcome: 'masked', ops: -1 })])).toThrow(/ops must be a safe integer ≥ 0/);
    expect(() => aggregate([trial({ outcome: 'masked', overheadCycles: 0.5 })])).toThrow(/overheadCycles must be a safe integer/);
    expect(() => aggregate([trial({ outcome: 'recovered', recoverCycles: Number.NaN })])).toThrow(/recoverCycles/);
  });

  it('accounts for every trial exactly once, with rates in [0, 1] inside their intervals', () => {
    fc.assert(
      fc.property(fc.array(trialArb, { maxLength: 200 }), (trials) => {
        const rows = aggregate(trials);
        expect(rows.reduce((sum, row) => sum + row.trials, 0)).toBe(trials.length);
        for (const row of rows) {
          const counted = OUTCOMES.reduce((sum, outcome) => sum + row.outcomes[outcome], 0);
          expect(counted).toBe(row.trials);
          expect(row.manifested).toBe(row.trials - row.outcomes['not-activated'] - row.outcomes['host-limit']);
          if (row.recoveryStrict === null || row.recoveryLenient === null) {
            expect(row.manifested).toBe(0);
            continue;
          }
          for (const [rate, ci] of [
            [row.recoveryStrict, row.ci95Strict],
            [row.recoveryLenient, row.ci95Lenient],
          ] as const) {
            expect(rate).toBeGreaterThanOrEqual(0);
            expect(rate).toBeLessThanOrEqual(1);
            expect(ci).not.toBeNull();
            expect(ci?.[0]).toBeLessThanOrEqual(rate);
            expect(ci?.[1]).toBeGreaterThanOrEqual(rate);
          }
          expect(row.recoveryStrict).toBeLessThanOrEqual(row.recoveryLenient);
        }
      }),
    );
  });

  it('does not depend on the order of its input', () => {
    const trialsAndPermutation = fc
      .array(trialArb, { maxLength: 200 })
      .chain((trials) =>
        fc.tuple(fc.constant(trials), fc.shuffledSubarray(trials, { minLength: trials.length, maxLength: trials.length })),
      );
    fc.assert(
      fc.property(trialsAndPermutation, ([trials, permuted]) => {
        expect(aggregate(permuted)).toEqual(aggregate(trials));
      }),
    );
  });
});
