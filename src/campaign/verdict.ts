// How one observation of a faulty run compares with its twin in the golden run — the one verdict
// that the demo, the campaigns' classification and the dashboard all count with.
import { sameObservation, type Observation } from '../servers/framework/module.ts';
import { STALE_STATUSES } from '../servers/framework/status.ts';

/**
 * - same: the golden result;
 * - error / stale: an error the golden run did not get (stale: a session or handle forgotten);
 * - wrong: OK, with a result other than the golden one;
 * - other: any other difference (OK where the golden run had an error, or the golden error with
 *   other details).
 * Whether a `wrong` or an `other` is *silent* corruption depends on what the client was told
 * before it: that is for the caller, which knows the history.
 */
export type Verdict = 'same' | 'error' | 'stale' | 'wrong' | 'other';

export function judge(golden: Observation, seen: Observation): Verdict {
  if (sameObservation(golden, seen)) return 'same';
  if (seen.status !== 'OK' && seen.status !== golden.status) return STALE_STATUSES.has(seen.status) ? 'stale' : 'error';
  if (seen.status === 'OK' && golden.status === 'OK') return 'wrong';
  return 'other';
}

/** An error the client was told of. */
export const isError = (v: Verdict): boolean => v === 'error' || v === 'stale';
