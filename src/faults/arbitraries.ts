// fast-check arbitraries of faults and fault plans: campaigns draw plans from them, and failing
// properties shrink through them to a minimal plan (fewer faults, earlier triggers, lower bits).
import fc from 'fast-check';
import { BITFLIP_TARGETS, REGFLIP_TARGETS, WILD_REGIONS, type Fault, type FaultKind, type FaultPlan, type Trigger } from './model.ts';

export interface FaultShape {
  /** the last request number a trigger may name (about the requests a workload makes) */
  requests_max: number;
  /** the last memory access within a request a trigger may name */
  accesses_max: number;
  /** the last virtual time a trigger may name */
  time_max_cycles: number;
}

export const DEFAULT_SHAPE: FaultShape = { requests_max: 40, accesses_max: 200, time_max_cycles: 400_000 };

function triggerArb(kind: FaultKind, shape: FaultShape): fc.Arbitrary<Trigger> {
  const request = fc.record({ at: fc.constant('request' as const), n: fc.integer({ min: 1, max: shape.requests_max }) });
  const access = fc.record({ at: fc.constant('access' as const), n: fc.integer({ min: 1, max: shape.requests_max }), k: fc.integer({ min: 1, max: shape.accesses_max }) });
  const time = fc.record({ at: fc.constant('time' as const), cycles: fc.integer({ min: 0, max: shape.time_max_cycles }) });
  switch (kind) {
    case 'crash':
      return fc.oneof(request, access, time);
    case 'hang':
    case 'msg-corrupt':
      return request;
    case 'bitflip':
      return fc.oneof(request, time);
    case 'regflip':
    case 'wild-write':
      return fc.oneof(request, access);
  }
}

export function faultArb(server: string, kind: FaultKind, shape: FaultShape = DEFAULT_SHAPE): fc.Arbitrary<Fault> {
  const trigger = triggerArb(kind, shape);
  switch (kind) {
    case 'crash':
      return fc.record({ server: fc.constant(server), kind: fc.constant('crash' as const), trigger });
    case 'hang':
      return fc.record({ server: fc.constant(server), kind: fc.constant('hang' as const), trigger });
    case 'bitflip':
      return fc.record({ server: fc.constant(server), kind: fc.constant('bitflip' as const), trigger, target: fc.constantFrom(...BITFLIP_TARGETS), offset: fc.nat({ max: 4095 }), bit: fc.nat({ max: 7 }) });
    case 'regflip':
      return fc.record({ server: fc.constant(server), kind: fc.constant('regflip' as const), trigger, target: fc.constantFrom(...REGFLIP_TARGETS), bit: fc.nat({ max: 31 }) });
    case 'wild-write':
      return fc.record({ server: fc.constant(server), kind: fc.constant('wild-write' as const), trigger, region: fc.constantFrom(...WILD_REGIONS), offset: fc.nat({ max: 0xffffffff }) });
    case 'msg-corrupt':
      return fc.record({ server: fc.constant(server), kind: fc.constant('msg-corrupt' as const), trigger, word: fc.nat({ max: 3 }), bit: fc.nat({ max: 31 }) });
  }
}

/** Plans of 1..`faults_max` faults of the given kinds on the given server. */
export function planArb(server: string, kinds: readonly FaultKind[], faults_max = 1, shape: FaultShape = DEFAULT_SHAPE): fc.Arbitrary<FaultPlan> {
  const one = fc.constantFrom(...kinds).chain((k) => faultArb(server, k, shape));
  return fc.array(one, { minLength: 1, maxLength: faults_max }).map((faults) => ({ version: 1 as const, faults }));
}

/** One plan drawn deterministically from a seed (campaigns: trial i's plan). */
export function samplePlan(arb: fc.Arbitrary<FaultPlan>, seed: number): FaultPlan {
  const [plan] = fc.sample(arb, { seed, numRuns: 1 });
  if (plan === undefined) throw new Error('invariant: fast-check produced no plan');
  return plan;
}
