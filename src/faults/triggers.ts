// Triggers: when a fault fires. One row per trigger — its fields with their ranges — read by the
// plan arbitraries and the JSON parser alike (src/faults/fields.ts).
//
// - request: the n-th request the server handles (1-based, counted over its whole run).
// - access: the k-th memory access the server makes from the start of its n-th request (any access
//   counts; a fault that needs a load or a store takes the first one at or after the k-th). The
//   count goes on past the request's reply, through what the server does before its next request
//   — heartbeats, interrupts, reset hooks — so access points cover every access from the first
//   request on, not only those inside requests.
// - time: the first point at or after a virtual time: a crash stops the server there, a bit flip
//   flips there, and a fault that needs an access takes the server's next one — in a request, a
//   heartbeat, an interrupt or a recovery alike.
// - site: a named injection site in server code (`env.site`), switched on per run with
//   probability `p_on` and firing with probability `p_fire` (FoundationDB's BUGGIFY). A plan may
//   only name sites its server declares.
// - recovery: the k-th memory access of the server's n-th recovery (its `init` and `recover` after
//   its n-th restart): a second fault that lands while the first is being recovered from.
// - rest: the moment the server has replied to its n-th request: its state at rest (the caller's
//   SSR committed, sealed and unmapped), before anything else is delivered to it. A bit flip there
//   is a flip in memory nobody is using, found (or not) at its next use.
import { int, name, probability, type ValuesOf } from './fields.ts';

/** The largest request, access or recovery number a plan may name. */
export const TRIGGER_COUNT_MAX = 1_000_000;

const nth = (what: string) => int(1, TRIGGER_COUNT_MAX, what);

export const TRIGGER_SPECS = {
  request: { n: nth('the request, counted from 1') },
  access: { n: nth('the request, counted from 1'), k: nth('the memory access from its start, counted from 1') },
  time: { cycles: int(0, Number.MAX_SAFE_INTEGER, 'the virtual time, in cycles') },
  site: { name: name('an injection site the server declares'), p_on: probability('chance the site is switched on for the run'), p_fire: probability('chance it fires each time it is reached while on') },
  recovery: { n: nth('the recovery (restart), counted from 1'), k: nth('the memory access within it, counted from 1') },
  rest: { n: nth('the request after whose reply it fires, counted from 1') },
} as const;

export type TriggerAt = keyof typeof TRIGGER_SPECS;
export const TRIGGER_ATS = Object.keys(TRIGGER_SPECS) as TriggerAt[];

type Flat<T> = { [K in keyof T]: T[K] };
export type TriggerOf<A extends TriggerAt> = Flat<{ at: A } & ValuesOf<(typeof TRIGGER_SPECS)[A]>>;
export type Trigger = { [A in TriggerAt]: TriggerOf<A> }[TriggerAt];
