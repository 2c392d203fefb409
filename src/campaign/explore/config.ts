// What an exploration is: one server's workload (seed, clients, operations per client, as in
// campaigns), the fault kinds and modes to explore it under, and the stride over memory accesses
// (1: every access). Plain data, sent to worker processes and stored with the result.
import { FAULT_KINDS, type FaultKind } from '../../faults/model.ts';
import type { CommitPolicy, Mode } from '../../ssr/modes.ts';
import { TRIAL_DEFAULTS, type TrialConfig } from '../trial.ts';

export interface ExploreConfig {
  /** the workload seed (the workload is the same for every point and mode) */
  seed: number;
  server: string;
  faults: FaultKind[];
  modes: Mode[];
  commit: CommitPolicy;
  clients: number;
  ops_per_client: number;
  /** every `stride`-th memory access of each request is a point (1: all of them) */
  stride: number;
  /** the bits of a 32-bit word the kinds with bits flip (bitflip, regflip, msg-corrupt): all 32, or a subset */
  bits: number[];
  /** 1: one fault per trial; 2: also a second fault inside the recovery of each first one that did not fail (src/campaign/explore/pairs.ts) */
  depth: number;
}

/** The deepest exploration: pairs of faults. */
export const DEPTH_MAX = 2;

/** The kinds explore enumerates: every kind (each one's points: src/campaign/explore/kinds.ts). */
export const EXPLORE_KINDS: readonly FaultKind[] = FAULT_KINDS;
/** The kinds `--faults` takes when not given. */
export const EXPLORE_DEFAULT_KINDS: readonly FaultKind[] = ['crash', 'hang'];

/** The trial configuration of an exploration under a mode: the same workload for every point. */
export function trialConfigOf(cfg: ExploreConfig, mode: Mode): TrialConfig {
  return {
    target: cfg.server,
    mode,
    commit: cfg.commit,
    workload_seed: cfg.seed,
    clients: cfg.clients,
    ops_per_client: cfg.ops_per_client,
    safety_bound_cycles: TRIAL_DEFAULTS.safety_bound_cycles,
    liveness_bound_cycles: TRIAL_DEFAULTS.liveness_bound_cycles,
    // as in campaigns: a difference from the golden run is the fault's doing, not a race for a name
    isolated: true,
  };
}

/** Whether a pool configuration is an exploration's (a campaign's has `servers`). */
export function isExplore(cfg: object): cfg is ExploreConfig {
  return 'stride' in cfg;
}
