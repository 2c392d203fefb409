// Campaign statistics: folds trial results into one row per server × fault kind × mode × commit
// policy, with recovery rates, their Wilson score intervals, mean time to recover and overhead per
// client operation; and the effect of one mechanism (the difference of two arms' rates) with
// Newcombe's interval.
//
// Rates are over *manifested* trials (the fault fired), as in the CuriOS paper's "manifested
// errors". A `host-limit` trial (stopped by the host, see host-limits.ts) has no outcome to rate
// and is left out of them, as `not-activated` is; reports count it. A `masked` trial fired but every client still saw the golden results, so it counts
// as a success in both rates, exactly like a transparent recovery: counting it as a failure
// would make a server that absorbs faults look worse than one that crashes and restarts.
//   strict  = (masked + recovered) / manifested
//   lenient = (masked + recovered + degraded) / manifested
// `degraded-collateral` (a client outside the faulting request was hit) is never a success, nor
// is `latent-corruption` (every client saw the golden results, but the end state is damaged).
//
// The Wilson interval is used rather than the normal approximation because it stays inside
// [0, 1] and is honest at rates of 0% and 100%, which recovery modes do reach.
//
// Cycle counts must be safe integers, so every sum is exact and a row does not depend on the
// order in which trials arrive (worker pools and shard merges deliver them in any order).
import type { Cycles } from '../hw/types.ts';
import { OUTCOMES, type Outcome, type Row, type TrialResult } from './result-types.ts';
import { COMMIT_POLICIES, MODES, type CommitPolicy } from '../ssr/modes.ts';

/** The two-sided 95% quantile of the standard normal distribution. */
export const Z_95 = 1.959963984540054;

/**
 * The Wilson score interval [lo, hi] for `successes` out of `n` trials at quantile `z`.
 * `n` must be at least 1: a rate over nothing has no interval (callers report null).
 */
export function wilson(successes: number, n: number, z: number = Z_95): [number, number] {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`wilson: n must be an integer ≥ 1, got ${n}`);
  if (!Number.isSafeInteger(successes) || successes < 0 || successes > n) {
    throw new RangeError(`wilson: successes must be an integer in [0, ${n}], got ${successes}`);
  }
  if (!Number.isFinite(z) || z <= 0) throw new RangeError(`wilson: z must be a finite number > 0, got ${z}`);

  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  // At p̂ = 0 and p̂ = 1 the bound is exactly 0 or 1; rounding would otherwise leave it a hair off.
  const lo = successes === 0 ? 0 : Math.max(0, centre - half);
  const hi = successes === n ? 1 : Math.min(1, centre + half);
  return [lo, hi];
}

/**
 * The 95% interval [lo, hi] of the difference p1 − p2 of two independent proportions (x1 of n1,
 * x2 of n2) by Newcombe's hybrid score method (method 10 of Newcombe 1998, "Interval estimation
 * for the difference between independent proportions: comparison of eleven methods"): each
 * proportion's Wilson interval, combined as the square root of the sum of squared distances. It
 * stays inside [−1, 1] and keeps its coverage near 0 and 1, where the Wald interval fails.
 */
export function newcombe(x1: number, n1: number, x2: number, n2: number, z: number = Z_95): [number, number] {
  const [l1, u1] = wilson(x1, n1, z);
  const [l2, u2] = wilson(x2, n2, z);
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const d = p1 - p2;
  const lo = d - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2);
  const hi = d + Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2);
  return [Math.max(-1, lo), Math.min(1, hi)];
}

/** One row per server × fault × mode × commit policy, sorted by server, fault, mode in MODES order, then commit policy. */
export function aggregate(trials: readonly TrialResult[]): Row[] {
  const groups = new Map<string, TrialResult[]>();
  for (const trial of trials) {
    assertTrial(trial);
    const key = JSON.stringify([trial.server, trial.fault, trial.mode, trial.commit]);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [trial]);
    else group.push(trial);
  }
  return [...groups.values()].map(rowOf).sort(compareRows);
}

function rowOf(group: readonly TrialResult[]): Row {
  const { server, fault, mode, commit } = group[0];
  const outcomes = countOutcomes(group);
  const manifested = group.length - outcomes['not-activated'] - outcomes['host-limit'];
  const strict = strictSuccesses({ outcomes });
  const lenient = strict + outcomes.degraded;
  const rated = manifested > 0;
  return {
    server,
    fault,
    mode,
    commit,
    trials: group.length,
    manifested,
    outcomes,
    recoveryStrict: rated ? strict / manifested : null,
    recoveryLenient: rated ? lenient / manifested : null,
    ci95Strict: rated ? wilson(strict, manifested) : null,
    ci95Lenient: rated ? wilson(lenient, manifested) : null,
    mttrCycles: meanRecoverCycles(group),
    overheadCyclesPerOp: overheadPerOp(group),
  };
}

/** The strict rate's successes: masked + recovered. */
export function strictSuccesses(row: Pick<Row, 'outcomes'>): number {
  return row.outcomes.masked + row.outcomes.recovered;
}

function countOutcomes(group: readonly TrialResult[]): Record<Outcome, number> {
  const counts = Object.fromEntries(OUTCOMES.map((outcome) => [outcome, 0])) as Record<Outcome, number>;
  for (const trial of group) counts[trial.outcome] += 1;
  return counts;
}

function meanRecoverCycles(group: readonly TrialResult[]): Cycles | null {
  let sum_cycles = 0;
  let recoveries = 0;
  for (const trial of group) {
    if (trial.recoverCycles === null) continue;
    sum_cycles += trial.recoverCycles;
    recoveries += 1;
  }
  return recoveries === 0 ? null : sum_cycles / recoveries;
}

function overheadPerOp(group: readonly TrialResult[]): Cycles | null {
  let sum_cycles = 0;
  let ops = 0;
  for (const trial of group) {
    sum_cycles += trial.overheadCycles;
    ops += trial.ops;
  }
  return ops === 0 ? null : sum_cycles / ops;
}

function compareRows(a: Row, b: Row): number {
  return (
    compareCodeUnits(a.server, b.server) ||
    compareCodeUnits(a.fault, b.fault) ||
    MODES.indexOf(a.mode) - MODES.indexOf(b.mode) ||
    commitOrder(a.commit) - commitOrder(b.commit)
  );
}

function commitOrder(commit: CommitPolicy | null): number {
  return commit === null ? -1 : COMMIT_POLICIES.indexOf(commit);
}

// Not localeCompare: the order must not depend on the host's locale.
function compareCodeUnits(a: string, b: string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

// Trials reach here from worker threads and shard files, so their fields are checked, not trusted.
function assertTrial(trial: TrialResult): void {
  const at = `trial ${trial.index}`;
  if (!(OUTCOMES as readonly string[]).includes(trial.outcome)) {
    throw new Error(`${at}: outcome must be one of ${OUTCOMES.join(', ')}, got ${JSON.stringify(trial.outcome)}`);
  }
  if (!(MODES as readonly string[]).includes(trial.mode)) {
    throw new Error(`${at}: mode must be one of ${MODES.join(', ')}, got ${JSON.stringify(trial.mode)}`);
  }
  if (trial.commit !== null && !(COMMIT_POLICIES as readonly string[]).includes(trial.commit)) {
    throw new Error(`${at}: commit must be null or one of ${COMMIT_POLICIES.join(', ')}, got ${JSON.stringify(trial.commit)}`);
  }
  assertCount(trial.ops, `${at}: ops`);
  assertCount(trial.overheadCycles, `${at}: overheadCycles`);
  if (trial.recoverCycles !== null) assertCount(trial.recoverCycles, `${at}: recoverCycles`);
}

function assertCount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${what} must be a safe integer ≥ 0, got ${value}`);
  }
}
