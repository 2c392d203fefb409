// What a trial was promised, and whether it got it: each mode's promises (src/ssr/modes.ts) are
// per class of fault, and each guarantee is broken by some outcome classes. A trial that breaks its
// mode's promise is a finding worth keeping as a seed; one that loses what its mode never promised
// is the mode working as designed.
import type { Fault } from '../faults/model.ts';
import { promisedFor, type FaultClass, type Guarantee, type Mode } from '../ssr/modes.ts';
import type { Outcome } from './result-types.ts';

/** The outcomes that break each guarantee. */
export const BROKEN_BY: Readonly<Record<Guarantee, readonly Outcome[]>> = {
  live: ['failed'],
  'no-collateral': ['degraded-collateral'],
  'no-silent-corruption': ['silent-corruption'],
};

/**
 * What a fault does, as the promises see it: a crash or hang stops the server; a flip of the heap
 * or a wild write into it corrupts state every client shares; a corrupted reply crosses the
 * boundary after every check; the rest (a client's state, the request, a value in flight, a
 * stray store elsewhere) corrupt one client's request or state.
 */
export function faultClassOf(fault: Fault): FaultClass {
  switch (fault.kind) {
    case 'crash':
    case 'hang':
      return 'fail-stop';
    case 'msg-corrupt':
      return 'reply';
    case 'bitflip':
      return fault.target === 'heap' ? 'global-state' : 'client-state';
    case 'wild-write':
      return fault.region === 'heap' ? 'global-state' : 'client-state';
    case 'regflip':
      return 'client-state';
  }
}

/**
 * The guarantees a trial of `mode` broke: those promised for every fault of its plan (a plan
 * mixing classes is held to what holds for all of them) that its outcome breaks.
 */
export function brokenPromises(mode: Mode, faults: readonly Fault[], outcome: Outcome): Guarantee[] {
  if (faults.length === 0) return [];
  const promised = faults.map((f) => promisedFor(mode, faultClassOf(f)));
  const common = promised[0].filter((g) => promised.every((p) => p.includes(g)));
  return common.filter((g) => BROKEN_BY[g].includes(outcome));
}
