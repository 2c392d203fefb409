// The plan arbitraries: whatever they draw the JSON parser accepts and a JSON round trip keeps;
// a campaign's placement stays inside the golden run's shape, is uniform (no small-value bias),
// is the same for the same seed, and still shrinks.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { faultArb, placedFaultArb, planArb, samplePlan, type FaultShape } from '../../src/faults/arbitraries.ts';
import { FAULT_KINDS, type Fault } from '../../src/faults/model.ts';
import { parsePlan } from '../../src/faults/plan-json.ts';

const SITES = ['between-blocks', 'after-bitmap'];
const SERVERS = [{ name: 'fs', sites: SITES }];

/** A request span's accesses, one letter each (Reach.access_kinds): mostly loads, as servers' are. */
const spanArb = fc.string({ unit: fc.constantFrom('r', 'r', 'r', 'w', 'R', 'W'), maxLength: 400 });

const shapeArb: fc.Arbitrary<FaultShape> = fc.record({
  access_kinds: fc.array(spanArb, { maxLength: 30 }),
  cycles: fc.nat({ max: 10_000_000 }),
  sites: fc.subarray(SITES),
});

const roundTrips = (f: Fault) => {
  const plan = { version: 1, faults: [f] };
  expect(parsePlan(JSON.parse(JSON.stringify(plan)), SERVERS)).toEqual(plan);
};

describe('every arbitrary value parses and survives a JSON round trip', () => {
  it.each(FAULT_KINDS)('faultArb: %s', (kind) => {
    fc.assert(fc.property(faultArb('fs', kind, SITES), roundTrips), { numRuns: 200 });
  });

  it.each(FAULT_KINDS)('placedFaultArb: %s', (kind) => {
    fc.assert(fc.property(shapeArb.chain((shape) => placedFaultArb('fs', kind, shape)), roundTrips), { numRuns: 200 });
  });
});

describe('placement over the golden run', () => {
  it('a placed trigger is one the golden run reached: an executed access, a handled request, a time within the run, a declared site', () => {
    fc.assert(
      fc.property(shapeArb, fc.constantFrom(...FAULT_KINDS), fc.integer(), (shape, kind, seed) => {
        const [f] = fc.sample(placedFaultArb('fs', kind, shape), { seed, numRuns: 1 });
        const spans = shape.access_kinds;
        const t = f.trigger;
        if (t.at === 'access') expect(t.k).toBeLessThanOrEqual(spans[t.n - 1].length);
        else if (t.at === 'request') expect(t.n === 1 || t.n <= spans.length).toBe(true);
        else if (t.at === 'time') expect(t.cycles).toBeLessThanOrEqual(shape.cycles);
        else if (t.at === 'site') expect(shape.sites).toContain(t.name);
        else throw new Error(`a campaign never places a trigger at ${t.at}`);
      }),
      { numRuns: 300 },
    );
  });

  it('the same seed draws the same plan', () => {
    fc.assert(
      fc.property(shapeArb, fc.integer(), (shape, seed) => {
        const arb = planArb('fs', FAULT_KINDS, shape, 3);
        expect(samplePlan(arb, seed)).toEqual(samplePlan(arb, seed));
      }),
      { numRuns: 50 },
    );
  });

  const SAMPLES = 2000;
  const draw = (shape: FaultShape, kind: 'crash' | 'bitflip') => Array.from({ length: SAMPLES }, (_, seed) => samplePlan(planArb('fs', [kind], shape), seed).faults[0].trigger);

  it('time triggers are uniform over the run: a tenth of the run gets about a tenth of them (fast-check alone gives it ~38%)', () => {
    const cycles = 400_000;
    const early = draw({ access_kinds: [], cycles, sites: [] }, 'bitflip').filter((t) => t.at === 'time' && t.cycles < cycles / 10).length;
    expect(early / SAMPLES).toBeGreaterThan(0.07);
    expect(early / SAMPLES).toBeLessThan(0.13);
  });

  it('access points are uniform over the accesses executed: a request with 1% of them gets about 1%', () => {
    const points = draw({ access_kinds: ['r'.repeat(10), 'w'.repeat(990)], cycles: 0, sites: [] }, 'crash').filter((t) => t.at === 'access');
    const first = points.filter((t) => t.at === 'access' && t.n === 1).length;
    expect(points.length).toBeGreaterThan(SAMPLES / 3);
    expect(first / points.length).toBeLessThan(0.03);
  });

  it('placed faults still shrink, through faultArb, to faults the parser accepts', () => {
    fc.assert(
      fc.property(shapeArb, fc.constantFrom(...FAULT_KINDS), fc.integer(), (shape, kind, seed) => {
        const [f] = fc.sample(placedFaultArb('fs', kind, shape), { seed, numRuns: 1 });
        const arb = faultArb('fs', kind, SITES);
        expect(arb.canShrinkWithoutContext(f)).toBe(true);
        for (const smaller of arb.shrink(f, undefined).take(10)) roundTrips(smaller.value);
      }),
      { numRuns: 100 },
    );
  });
});
