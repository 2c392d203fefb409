// Which failing trials a campaign keeps as crash seeds. By default only those that break what their
// mode promises (src/ssr/modes.ts: per class of fault, the guarantees a trial is held to) — a
// failure under `none`, or a heap corruption reaching another client under `curios`, is the mode
// working as designed, and is counted, not stored. `--keep all` keeps every failing trial. A trial
// stopped by a host limit is always kept: it is a finding about the server, whatever the mode.
import type { Fault, FaultPlan } from '../faults/model.ts';
import { modeSpec, type FaultClass, type Guarantee, type Mode } from '../ssr/modes.ts';
import type { Outcome } from './result-types.ts';

export const KEEP_POLICIES = ['broken', 'all'] as const;
/** `broken`: trials that break their mode's promise (the default); `all`: every failing trial. */
export type KeepPolicy = (typeof KEEP_POLICIES)[number];

/** The guarantee each failing outcome breaks (these are the failing trials `--keep all` keeps); an outcome not listed breaks none. */
const BREAKS: Partial<Record<Outcome, Guarantee>> = {
  failed: 'live',
  'degraded-collateral': 'no-collateral',
  // Corruption no client has read yet is silent corruption waiting for its reader.
  'latent-corruption': 'no-silent-corruption',
  'silent-corruption': 'no-silent-corruption',
};


/** What a fault does, which is what a mode's promise is about (modes.ts, FAULT_CLASSES). */
export function faultClassOf(f: Fault): FaultClass {
  switch (f.kind) {
    case 'crash':
    case 'hang':
      return 'fail-stop';
    case 'msg-corrupt':
      return 'reply';
    case 'bitflip':
      return f.target === 'heap' ? 'global-state' : 'client-state';
    case 'wild-write':
      return f.region === 'other-state' ? 'client-state' : 'global-state';
    case 'regflip':
      return 'client-state';
  }
}

/** The guarantees `mode` promises for every fault of `plan` (a plan is held only to what each of its faults is promised). */
export function promisedFor(mode: Mode, plan: FaultPlan): Guarantee[] {
  const promises = modeSpec(mode).promises;
  const each = plan.faults.map((f) => promises[faultClassOf(f)] ?? []);
  return each.length === 0 ? [] : each.slice(1).reduce<Guarantee[]>((a, b) => a.filter((g) => b.includes(g)), [...each[0]]);
}

/** The promise a trial's outcome breaks under its mode, or null. */
export function brokenPromise(mode: Mode, plan: FaultPlan, outcome: Outcome): Guarantee | null {
  const broken = BREAKS[outcome];
  return broken !== undefined && promisedFor(mode, plan).includes(broken) ? broken : null;
}

/** Whether a trial becomes a crash seed under `policy`. */
export function keeps(policy: KeepPolicy, mode: Mode, plan: FaultPlan, outcome: Outcome): boolean {
  if (outcome === 'host-limit') return true;
  return policy === 'all' ? BREAKS[outcome] !== undefined : brokenPromise(mode, plan, outcome) !== null;
}
