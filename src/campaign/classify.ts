// Outcome classification: what a trial's clients saw, against the golden run.
//
// - failed: the kernel panicked, the supervisor gave up (or, in mode none, left a server down
//   after it failed), or the workload missed the liveness bound.
// - not-activated: no fault fired.
// - silent-corruption: some client got a wrong result with no error — a result that differs from
//   the golden run before that client had seen any error from the system. (After a client was
//   told of an error, later differences are the consequence it was warned of.)
// - latent-corruption: every client saw exactly the golden results, but the end state differs
//   from the golden run's (oracle.ts): damage nobody has read yet.
// - masked / recovered: every client saw exactly the golden results and the end state is the
//   golden one; recovered when a failure was detected (a restart, or an SSR that failed its
//   check), masked when nothing was.
// - degraded: some client saw an error and none saw a silent wrong result; `degraded` when only
//   the client of the faulting request was hit, `degraded-collateral` when any other client was.
//   The faulting request's client is the fired fault's (FiredFault.client): the workload client on
//   whose behalf the request ran, through any dependency calls — a fault in the disk driver while
//   it serves fs's call for client 2 is client 2's.
import type { Outcome } from './result-types.ts';
import type { RunRecord } from './trial.ts';
import { latentDifferences } from './oracle.ts';
import { isError, judge } from './verdict.ts';

export type FailedReason = 'given-up' | 'panic' | 'liveness';

export interface Classification {
  outcome: Outcome;
  failedReason?: FailedReason;
  /** clients that saw an error */
  hit: number[];
  /** latent-corruption: where the end state differs from the golden run's */
  latent?: string[];
}

type RunFacts = Pick<RunRecord, 'panic' | 'given_up' | 'fired' | 'down' | 'done'>;

/** What a trial run comes to from its facts alone, before any observation is compared (null: it must be compared). */
function settledByFacts(trial: RunFacts): Classification | null {
  if (trial.panic !== null) return { outcome: 'failed', failedReason: 'panic', hit: [] };
  if (trial.given_up || (trial.fired.length > 0 && trial.down.length > 0)) return { outcome: 'failed', failedReason: 'given-up', hit: [] };
  if (!trial.done) return { outcome: 'failed', failedReason: 'liveness', hit: [] };
  if (trial.fired.length === 0) return { outcome: 'not-activated', hit: [] };
  return null;
}

/**
 * Whether classifyOutcome can reach the end-state oracle for a trial run: its facts do not settle
 * it first. Only then is the run's end state read (runTrial; a golden run's always is).
 */
export function trialReachesOracle(trial: RunFacts): boolean {
  return settledByFacts(trial) === null;
}

export function classifyOutcome(golden: RunRecord, trial: RunRecord): Classification {
  const settled = settledByFacts(trial);
  if (settled !== null) return settled;
  const hit: number[] = [];
  let silent = false;
  trial.records.forEach((obs, c) => {
    const gold = golden.records[c] ?? [];
    let warned = false;
    for (let i = 0; i < Math.max(obs.length, gold.length); i++) {
      const got = obs[i];
      const want = gold[i];
      if (got === undefined || want === undefined) continue;
      const verdict = judge(want, got);
      if (isError(verdict)) {
        warned = true;
        if (!hit.includes(c)) hit.push(c);
      } else if (verdict !== 'same' && !warned) {
        silent = true;
      }
    }
  });
  if (silent) return { outcome: 'silent-corruption', hit };
  if (hit.length === 0) {
    const latent = latentDifferences(golden.end_state, trial.end_state);
    if (latent.length > 0) return { outcome: 'latent-corruption', hit, latent };
    return { outcome: trial.events.length > 0 || trial.ssr_resets > 0 ? 'recovered' : 'masked', hit };
  }
  const faulting = new Set(trial.fired.map((f) => f.client).filter((c): c is number => c !== null));
  return { outcome: hit.every((c) => faulting.has(c)) ? 'degraded' : 'degraded-collateral', hit };
}

