// The data a fault campaign produces: one TrialResult per trial, folded by `aggregate` into one
// Row per server × fault kind × recovery mode, and carried with the campaign's identity in a
// CampaignSummary that the report formatters print. Plain data only, so that results cross
// worker threads and shard files as JSON unchanged.
import type { Cycles } from '../hw/types.ts';
import type { CommitPolicy, Mode } from '../ssr/modes.ts';
import type { HostLimit } from './host-limits.ts';

/** Every trial outcome, from "the fault never fired" to the worst; reports keep this order. */
export const OUTCOMES = [
  'not-activated',
  'masked',
  'recovered',
  'degraded',
  'degraded-collateral',
  'latent-corruption',
  'silent-corruption',
  'failed',
  // The trial broke a host limit (memory, wall-clock budget) in server code: see host-limits.ts.
  'host-limit',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** What each outcome means, in one sentence: the legend of every report and the end of a replay's story. */
export const OUTCOME_MEANING: Record<Outcome, string> = {
  'not-activated': 'the fault never fired (not counted in the rates)',
  masked: 'the fault fired, nothing was detected, and every client saw the golden results',
  recovered: 'the failure was detected and recovered from, and every client saw the golden results',
  degraded: 'recovered, but the client of the faulting request saw an error (a failed call, a stale handle)',
  'degraded-collateral': 'recovered, but a client other than the faulting request\'s saw an error',
  'latent-corruption': 'every client saw the golden results, but the end state differs from the golden run\'s: damage no client has read yet',
  'silent-corruption': 'a client got a wrong result with no error before it: the worst outcome',
  failed: 'not recovered: the server was given up (or left down), the kernel panicked, or the workload missed its liveness bound',
  'host-limit': 'the server\'s code broke a limit of the host (heap, wall-clock budget): the one outcome that depends on the host, not on the simulation; not counted in the rates',
};

/** The two recovery rates every report gives, over the trials whose fault fired (manifested). */
export const RATE_MEANING = {
  strict: 'strict recovery = (masked + recovered) / manifested: every client saw the golden results, and the end state is the golden one',
  lenient: 'lenient recovery = (masked + recovered + degraded) / manifested: also counts a failure that hit only the faulting request\'s client',
} as const;

export interface TrialResult {
  index: number;
  server: string;
  fault: string;
  mode: Mode;
  /** the commit policy the trial ran under; null for a mode that has none (none, restart) */
  commit: CommitPolicy | null;
  outcome: Outcome;
  traceHash: string;
  /** The trial's time to recover (MTTR's one definition: `timeToRecover` in recovery-time.ts); null when it never recovered. */
  recoverCycles: Cycles | null;
  /** Cycles the fault-free run of this arm took beyond restart mode's fault-free run of the same workload: what the arm's mechanisms (SSR maps, copies, checksums) cost, over the whole workload. */
  overheadCycles: Cycles;
  /** Client operations in the workload, to every server. */
  ops: number;
  failedReason?: 'given-up' | 'panic' | 'liveness';
  /** For `host-limit`: the limit the trial broke. */
  hostLimit?: HostLimit;
}

/** One server × fault kind × mode × commit policy; rates are over manifested trials and null when none manifested. */
export interface Row {
  server: string;
  fault: string;
  mode: Mode;
  /** null for a mode that has no commit policy */
  commit: CommitPolicy | null;
  trials: number;
  /** trials − not-activated − host-limit: a trial stopped by the host has no outcome to rate. */
  manifested: number;
  outcomes: Record<Outcome, number>;
  /** (masked + recovered) / manifested. */
  recoveryStrict: number | null;
  /** (masked + recovered + degraded) / manifested; degraded-collateral is not a success. */
  recoveryLenient: number | null;
  /** Wilson score 95% interval of recoveryStrict, [lo, hi]. */
  ci95Strict: [number, number] | null;
  /** Wilson score 95% interval of recoveryLenient, [lo, hi]. */
  ci95Lenient: [number, number] | null;
  /** MTTR: the mean recoverCycles over the trials that recovered; null when none did. */
  mttrCycles: Cycles | null;
  /** Σ overheadCycles / Σ ops over the row's trials: the arm's cost per client operation, against restart mode; null when no operation was made. */
  overheadCyclesPerOp: Cycles | null;
}

export interface CampaignSummary {
  seed: number;
  trials: number;
  /** Hash over every trial's outcome and trace hash, in trial order. */
  digest: string;
  /** Trials stopped by a host limit, when there are any: then the digest depends on the host, not only on the simulation. */
  hostLimited?: number;
  trialsPerSecond: number;
  rows: Row[];
}
