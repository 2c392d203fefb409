// Which trials of a campaign become crash seeds, and what a seed holds: every trial whose outcome
// is `silent-corruption` or `failed`, shrunk to a minimal fault plan and workload, then replayed
// once with its trace captured (the outcome and trace hash `curios replay` will check, and the
// lines it shows where a replay parts from the recording); and every `host-limit` trial as it was
// (running it again here would stop this process: `curios replay` runs it in a worker process).
// The store writes them; this decides.
import { cellOfResult, trialSpec, type CampaignConfig } from './campaign.ts';
import { replayTrial } from './replay.ts';
import type { Outcome, TrialResult } from './result-types.ts';
import { shrinkTrial } from './shrink.ts';
import type { TrialSpec } from './campaign.ts';

export interface CrashSeed {
  /** the campaign trial it was found by */
  found: TrialResult;
  /** the shrunk trial */
  trial: TrialSpec;
  outcome: Outcome;
  traceHash: string;
  /** the replay's trace, one line an event */
  lines: string[];
  /** runs the shrinking took */
  shrink_runs: number;
}

const isCrash = (r: TrialResult) => r.outcome === 'silent-corruption' || r.outcome === 'failed';

/** The crash seeds among a campaign's results (any subset of them, in any order), shrunk and replayed. */
export function crashSeedsOf(config: CampaignConfig, results: readonly TrialResult[]): CrashSeed[] {
  const hostLimited = results.filter((r) => r.outcome === 'host-limit').map((found) => ({ found, trial: trialSpec(config, cellOfResult(config, found), found.mode), outcome: found.outcome, traceHash: found.traceHash, lines: [], shrink_runs: 0 }));
  return [...hostLimited, ...results.filter(isCrash).map((found) => {
    const spec = trialSpec(config, cellOfResult(config, found), found.mode);
    const s = shrinkTrial(spec.config, spec.plan, found.outcome);
    const replayed = replayTrial({ config: s.config, plan: s.plan });
    return { found, trial: { config: s.config, plan: s.plan }, outcome: replayed.outcome, traceHash: replayed.traceHash, lines: replayed.lines, shrink_runs: s.attempts };
  })];
}
