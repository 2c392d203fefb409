// Where a campaign places a regflip or a wild write: its fields first, then an access point drawn
// uniformly over the golden run's accesses those fields can act on (a load or a store of at most 4
// bytes for a value flip, any access for an address flip, any store for a wild write), at that very
// access. So every such access is a site it can take, each as likely as any other, none it cannot
// act on is drawn, and the fault fires in its own golden run wherever the run offers one.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kindPoints } from '../../src/campaign/explore/kinds.ts';
import { offers, runOnce, shapeOf, TRIAL_DEFAULTS, type TrialConfig } from '../../src/campaign/trial.ts';
import { placedFaultArb, planArb, samplePlan, type FaultShape } from '../../src/faults/arbitraries.ts';
import { ACCESS_LETTERS, matchesAccess, type AccessLetter } from '../../src/faults/effects.ts';
import type { Fault, FaultOf } from '../../src/faults/model.ts';
import { targets } from '../../src/servers/catalog.ts';
import { MODES } from '../../src/ssr/modes.ts';

type Placed = FaultOf<'regflip'> | FaultOf<'wild-write'>;
const KINDS = ['regflip', 'wild-write'] as const;

/** What a fault's fields are, without its trigger: the class of accesses it acts on. */
const fieldsKey = (f: Placed) => (f.kind === 'regflip' ? `regflip ${f.target}` : 'wild-write');

/** The access a point names in a shape (its letter), or undefined past the run. */
const letterAt = (shape: FaultShape, f: Fault): AccessLetter | undefined => (f.trigger.at === 'access' ? (shape.access_kinds[f.trigger.n - 1]?.[f.trigger.k - 1] as AccessLetter | undefined) : undefined);

/** Every access of a shape a fault with these fields can act on, as `n/k`. */
function actingAccesses(shape: FaultShape, f: Placed): string[] {
  return shape.access_kinds.flatMap((letters, n) => [...letters].flatMap((l, k) => (matchesAccess(f, ACCESS_LETTERS[l as AccessLetter]) ? [`${n + 1}/${k + 1}`] : [])));
}

/** `draws` plans of one kind over a shape (as a campaign draws them: no bias), grouped by fields, each group counting its points. */
function drawsByFields(shape: FaultShape, kind: Placed['kind'], draws: number): Map<string, { fault: Placed; points: Map<string, number> }> {
  const groups = new Map<string, { fault: Placed; points: Map<string, number> }>();
  for (let seed = 0; seed < draws; seed++) {
    const f = samplePlan(planArb('fs', [kind], shape), seed).faults[0] as Placed;
    if (f.trigger.at !== 'access') throw new Error(`a ${kind} is placed at an access, not ${JSON.stringify(f.trigger)}`);
    let g = groups.get(fieldsKey(f));
    if (g === undefined) groups.set(fieldsKey(f), (g = { fault: f, points: new Map() }));
    const point = `${f.trigger.n}/${f.trigger.k}`;
    g.points.set(point, (g.points.get(point) ?? 0) + 1);
  }
  return groups;
}

describe('regflip and wild-write placement: uniform over the accesses the fault can act on', () => {
  it('a placed point is an access its fields can act on, whenever the run has one', () => {
    const spanArb = fc.string({ unit: fc.constantFrom('r', 'w', 'R', 'W'), maxLength: 60 });
    const shapeArb = fc.record({ access_kinds: fc.array(spanArb, { maxLength: 12 }), cycles: fc.nat({ max: 1_000_000 }), sites: fc.constant([]) });
    fc.assert(
      fc.property(shapeArb, fc.constantFrom(...KINDS), fc.integer(), (shape, kind, seed) => {
        const f = samplePlan(planArb('fs', [kind], shape), seed).faults[0] as Placed;
        const acting = actingAccesses(shape, f);
        if (acting.length === 0) return;
        const letter = letterAt(shape, f);
        expect(letter, JSON.stringify(f)).toBeDefined();
        expect(matchesAccess(f, ACCESS_LETTERS[letter as AccessLetter]), `${JSON.stringify(f)} on ${letter}`).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('every access a field can act on is drawn, about equally often: a store after 100 loads is no likelier than one after a store', () => {
    // Span 1: 20 loads then a store; span 2: a store right after a store; span 3: bulk copies.
    // Drawn over every access (and waiting for the first store from there) the store after the
    // loads took 21 of every 23 store flips; after 100 loads, 101 of 103.
    const shape: FaultShape = { access_kinds: [`${'r'.repeat(20)}w`, 'ww', 'RWRW'], cycles: 0, sites: [] };
    const DRAWS = 9000;
    for (const kind of KINDS) {
      for (const { fault, points } of drawsByFields(shape, kind, DRAWS).values()) {
        const acting = actingAccesses(shape, fault);
        expect([...points.keys()].sort(), fieldsKey(fault)).toEqual([...acting].sort());
        const drawn = [...points.values()].reduce((a, b) => a + b, 0);
        for (const [point, count] of points) {
          const share = count / drawn;
          const expected = 1 / acting.length;
          // (each group holds ~3,000 draws, ≥ 80 per point: a share 40% off its expectation is not chance)
          expect(share, `${fieldsKey(fault)} at ${point}: ${count} of ${drawn}`).toBeGreaterThan(expected * 0.6);
          expect(share, `${fieldsKey(fault)} at ${point}: ${count} of ${drawn}`).toBeLessThan(expected * 1.4);
        }
      }
    }
  });

  it('fields that can act on no access of the run (a value flip in a driver that only copies in bulk) are placed over every access, and offered nowhere', () => {
    const shape: FaultShape = { access_kinds: ['RWR', 'W'], cycles: 0, sites: [] };
    const groups = drawsByFields(shape, 'regflip', 600);
    for (const target of ['load', 'store']) {
      const g = groups.get(`regflip ${target}`);
      expect(g, target).toBeDefined();
      expect([...(g?.points.keys() ?? [])].sort()).toEqual(['1/1', '1/2', '1/3', '2/1']);
    }
  });
});

function config(target: string, mode: (typeof MODES)[number], workload_seed: number): TrialConfig {
  return { target, mode, commit: 'shadow', workload_seed, clients: 3, ops_per_client: 8, safety_bound_cycles: TRIAL_DEFAULTS.safety_bound_cycles, liveness_bound_cycles: TRIAL_DEFAULTS.liveness_bound_cycles, isolated: true };
}

describe('a placed regflip or wild write in its own golden run', () => {
  it('fires, at the access it was placed on, wherever the run made an access its fields can act on', () => {
    let fired = 0;
    fc.assert(
      fc.property(fc.constantFrom(...targets()), fc.constantFrom(...KINDS), fc.nat({ max: 2 ** 30 }), (server, kind, seed) => {
        const cfg = config(server, 'restart', seed);
        const golden = runOnce(cfg, null);
        const shape = shapeOf(cfg, golden);
        const [fault] = fc.sample(placedFaultArb(server, kind, shape), { seed, numRuns: 1 });
        const actingAny = actingAccesses(shape, fault as Placed).length > 0;
        const run = runOnce(cfg, { version: 1, faults: [fault] });
        expect(offers(golden.reach, fault), JSON.stringify(fault)).toBe(actingAny);
        expect(run.fired.length, `${JSON.stringify(fault)}, workload seed ${seed}`).toBe(actingAny ? 1 : 0);
        if (actingAny) fired++;
      }),
      { numRuns: 40, seed: 2026 },
    );
    expect(fired).toBeGreaterThan(20);
  });

  it("explore's regflip and wild-write points are the accesses placement draws over", () => {
    const server = 'net';
    const cfg = config(server, 'restart', 5);
    const golden = runOnce(cfg, null);
    const shape = shapeOf(cfg, golden);
    for (const kind of KINDS) {
      const explored = new Set(kindPoints(kind, golden.reach, server, { stride: 1, bits: [0], seed: 1 }).map((p) => `${kind === 'regflip' ? `regflip ${p.fields.target}` : 'wild-write'} ${p.trigger.at === 'access' ? `${p.trigger.n}/${p.trigger.k}` : '?'}`));
      const placed = new Set<string>();
      for (const { fault, points } of drawsByFields(shape, kind, 3000).values()) {
        for (const point of actingAccesses(shape, fault)) placed.add(`${fieldsKey(fault)} ${point}`);
        for (const point of points.keys()) expect(explored.has(`${fieldsKey(fault)} ${point}`), `${fieldsKey(fault)} ${point}`).toBe(true);
      }
      expect(placed).toEqual(explored);
    }
  });
});
