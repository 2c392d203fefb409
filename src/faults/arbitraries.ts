// fast-check arbitraries of faults and fault plans, built from the kind and trigger tables.
//
// - `faultArb`: any fault the JSON parser accepts, over each field's whole range. Failing trials
//   shrink through it (fewer faults, earlier triggers, smaller offsets, lower bits).
// - `placedFaultArb` / `planArb`: what a campaign draws. Triggers are placed over the golden run
//   (`FaultShape`): an access point uniformly over the memory accesses the server executes from
//   its first request on (in requests, and in the heartbeats and interrupts between them) that the
//   fault can act on — any for a crash or a hang; for a regflip or a wild write, whose fields
//   decide it (a load, a store, an address; a store), the fields are drawn first and the point
//   among the accesses they can act on, at that very access (so that it fires there in the golden
//   run) — a request uniformly over those it handles, a time uniformly over the run's length, a
//   site among those the server declares. `samplePlan` draws without fast-check's small-value bias
//   (fc.noBias), so an early trigger is no likelier than a late one; the values still shrink
//   through `faultArb`.
import fc from 'fast-check';
import { ACCESS_LETTERS, matchesAccess, type ActsOn, type AccessLetter } from './effects.ts';
import { fieldsArb } from './fields.ts';
import { FAULT_KIND_SPECS, type FaultKind } from './kinds.ts';
import type { Fault, FaultPlan } from './model.ts';
import { TRIGGER_SPECS, type Trigger, type TriggerAt } from './triggers.ts';

/** What the golden run of a trial reached in its target server: where its faults are placed. */
export interface FaultShape {
  /** the memory accesses the server made from the start of each request it handled to the next's, one letter each (request n at index n − 1; see Reach.access_kinds) */
  access_kinds: readonly string[];
  /** the length of the golden run's safety phase, in cycles */
  cycles: number;
  /** the injection sites the server declares */
  sites: readonly string[];
}

/** Any fault of a kind on a server that the parser accepts (its site triggers name `sites`). */
export function faultArb(server: string, kind: FaultKind, sites: readonly string[] = []): fc.Arbitrary<Fault> {
  const triggers = FAULT_KIND_SPECS[kind].triggers.filter((at) => at !== 'site' || sites.length > 0);
  return faultOf(server, kind, fc.oneof(...triggers.map((at) => anyTrigger(at, sites))));
}

/** A fault of a kind on a server, its trigger placed over the golden run's shape. */
export function placedFaultArb(server: string, kind: FaultKind, shape: FaultShape): fc.Arbitrary<Fault> {
  const spec = FAULT_KIND_SPECS[kind];
  // Only a point at an access depends on the fields (which accesses the fault can act on): a kind
  // that draws none, or has no fields (crash, hang: any access), keeps fields and trigger apart.
  if (!(spec.drawn as readonly TriggerAt[]).includes('access') || Object.keys(spec.fields).length === 0) return faultOf(server, kind, placedTriggerArb(kind, shape, ANY_ACCESS));
  return fieldsArb(spec.fields).chain((fields) => {
    const fault = { server, kind, ...fields };
    return placedTriggerArb(kind, shape, actingOf(fault as ActsOn)).map((trigger) => ({ server, kind, trigger, ...fields }) as Fault);
  });
}

/** A trigger of the kinds a campaign draws for `kind`, placed over the shape (an access point among those `acting`). */
function placedTriggerArb(kind: FaultKind, shape: FaultShape, acting: Acting): fc.Arbitrary<Trigger> {
  const placed = FAULT_KIND_SPECS[kind].drawn.flatMap((at) => placedTrigger(at, shape, acting) ?? []);
  // A server the golden run never reached: a trigger it cannot reach (the trial is not activated).
  return placed.length > 0 ? fc.oneof(...placed) : fc.constant<Trigger>({ at: 'request', n: 1 });
}

/** Plans of 1..`faults_max` placed faults of the given kinds on the given server. */
export function planArb(server: string, kinds: readonly FaultKind[], shape: FaultShape, faults_max = 1): fc.Arbitrary<FaultPlan> {
  const one = fc.constantFrom(...kinds).chain((k) => placedFaultArb(server, k, shape));
  return fc.array(one, { minLength: 1, maxLength: faults_max }).map((faults) => ({ version: 1 as const, faults }));
}

/** One plan drawn deterministically from a seed, without small-value bias (campaigns: trial i's plan). */
export function samplePlan(arb: fc.Arbitrary<FaultPlan>, seed: number): FaultPlan {
  const [plan] = fc.sample(fc.noBias(arb), { seed, numRuns: 1 });
  if (plan === undefined) throw new Error('invariant: fast-check produced no plan');
  return plan;
}

function faultOf(server: string, kind: FaultKind, trigger: fc.Arbitrary<Trigger>): fc.Arbitrary<Fault> {
  return fc
    .tuple(trigger, fieldsArb(FAULT_KIND_SPECS[kind].fields))
    .map(
      ([t, fields]) => ({ server, kind, trigger: t, ...fields }) as Fault,
      (v) => {
        const { server: _s, kind: _k, trigger: t, ...fields } = v as Fault;
        return [t, fields];
      },
    );
}

function anyTrigger(at: TriggerAt, sites: readonly string[]): fc.Arbitrary<Trigger> {
  const fields = at === 'site' ? fieldsArb(TRIGGER_SPECS.site, { name: fc.constantFrom(...sites) }) : fieldsArb(TRIGGER_SPECS[at]);
  return tagged(at, fields);
}

function tagged(at: TriggerAt, fields: fc.Arbitrary<object>): fc.Arbitrary<Trigger> {
  return fields.map(
    (f) => ({ at, ...f }) as Trigger,
    (v) => {
      const { at: _at, ...f } = v as Trigger;
      return f;
    },
  );
}

/** Site triggers a campaign draws: switched on for the run, firing at a reach with this chance. */
const SITE_P_FIRE_MIN = 0.05;

function placedTrigger(at: TriggerAt, shape: FaultShape, acting: Acting): fc.Arbitrary<Trigger> | null {
  const spans = shape.access_kinds;
  switch (at) {
    case 'access': {
      // Fields that can act on none of the run's accesses (a store flip in a server that never
      // stores a word): the point is drawn over every access, and the fault is not activated.
      const on = spans.some((letters) => countActing(letters, acting) > 0) ? acting : ANY_ACCESS;
      const total = spans.reduce((sum, letters) => sum + countActing(letters, on), 0);
      if (total === 0) return null;
      return fc.integer({ min: 0, max: total - 1 }).map((i) => accessPoint(spans, on, i));
    }
    case 'request':
      return spans.length === 0 ? null : fc.integer({ min: 1, max: spans.length }).map((n) => ({ at: 'request', n }));
    case 'time':
      return fc.integer({ min: 0, max: shape.cycles }).map((cycles) => ({ at: 'time', cycles }));
    case 'site':
      return shape.sites.length === 0 ? null : tagged('site', fc.record({ name: fc.constantFrom(...shape.sites), p_on: fc.constant(1), p_fire: fc.double({ min: SITE_P_FIRE_MIN, max: 1, noNaN: true }) }));
    case 'recovery':
    case 'rest':
      return null;
  }
}

/** Which access letters a fault can act on, as a table by letter. */
type Acting = Readonly<Record<AccessLetter, boolean>>;
const ANY_ACCESS: Acting = { r: true, w: true, R: true, W: true };

function actingOf(f: ActsOn): Acting {
  return { r: matchesAccess(f, ACCESS_LETTERS.r), w: matchesAccess(f, ACCESS_LETTERS.w), R: matchesAccess(f, ACCESS_LETTERS.R), W: matchesAccess(f, ACCESS_LETTERS.W) };
}

function countActing(letters: string, acting: Acting): number {
  if (acting === ANY_ACCESS) return letters.length;
  let n = 0;
  for (let i = 0; i < letters.length; i++) if (acting[letters[i] as AccessLetter]) n++;
  return n;
}

/** The i-th access (from 0) the fault can act on in the golden run from its first request on, as request n and that access's own k from the request's start. */
function accessPoint(spans: readonly string[], acting: Acting, i: number): Trigger {
  let left = i;
  for (let n = 0; n < spans.length; n++) {
    const count = countActing(spans[n], acting);
    if (left >= count) {
      left -= count;
      continue;
    }
    if (acting === ANY_ACCESS) return { at: 'access', n: n + 1, k: left + 1 };
    for (let k = 0; k < spans[n].length; k++) if (acting[spans[n][k] as AccessLetter] && left-- === 0) return { at: 'access', n: n + 1, k: k + 1 };
  }
  throw new Error(`invariant: access ${i} past the ${spans.reduce((sum, letters) => sum + countActing(letters, acting), 0)} the golden run made that the fault can act on`);
}
