// What a crash seed holds, and how a kept trial becomes one. A trial the keep policy keeps
// (keep.ts) is shrunk to a minimal fault plan and workload, replayed once with its trace captured
// (the outcome and trace hash `curios replay` will check, and the lines it shows where a replay
// parts from the recording), and named by its *failure signature*, so that the same failure found
// twice is stored once — and shrunk once: a worker signs a kept trial from the runs it has just
// made, and the pool shrinks only a failure it has not seen. This runs in the campaign's worker
// processes, beside the trials. A trial
// stopped by a host limit — or whose shrinking broke one — is kept as it was found: running it
// again outside a worker would stop the process (`curios replay` runs it in a worker).
import { profileFor } from '../servers/catalog.ts';
import { sameObservation, type Observation } from '../servers/framework/module.ts';
import { makeWorkload } from '../servers/workload.ts';
import type { FaultPlan } from '../faults/model.ts';
import { cellOfResult, trialSpec, type CampaignConfig, type TrialSpec } from './campaign.ts';
import { keeps, type KeepPolicy } from './keep.ts';
import { replayTrial } from './replay.ts';
import type { Outcome, TrialResult } from './result-types.ts';
import { shrinkTrial } from './shrink.ts';
import type { GoldenCache } from './golden-cache.ts';
import { runOnce, runTrial, type RunRecord, type TrialConfig } from './trial.ts';

export interface CrashSeed {
  /** the campaign trial it was found by */
  found: TrialResult;
  /** the trial to store: shrunk, or as found */
  trial: TrialSpec;
  outcome: Outcome;
  /** '' for a host-limit trial */
  traceHash: string;
  /** the replay's trace, one line an event ([] when kept as found) */
  lines: string[];
  /** runs the shrinking took */
  shrink_runs: number;
  /** the failure signature of the trial as found (failureSignature); null for a host-limit trial */
  signature: string | null;
}

/** A kept trial with its failure signature (`failureSignature` of the trial as found), shrunk and replayed. `onRun` is told of each run the shrinking makes (a worker's sign of life); `goldens`, the worker's golden runs. */
export function shrunkSeed(found: TrialResult, spec: TrialSpec, signature: string, onRun?: () => void, goldens?: GoldenCache): CrashSeed {
  const s = shrinkTrial(spec.config, spec.plan, found.outcome, undefined, onRun, goldens);
  const replayed = replayTrial({ config: s.config, plan: s.plan });
  return { found, trial: { config: s.config, plan: s.plan }, outcome: replayed.outcome, traceHash: replayed.traceHash, lines: replayed.lines, shrink_runs: s.attempts, signature };
}

/** A trial kept as it was found: stopped by a host limit, or its shrinking was. */
export function seedAsFound(found: TrialResult, spec: TrialSpec, signature: string | null = null): CrashSeed {
  return { found, trial: spec, outcome: found.outcome, traceHash: found.traceHash, lines: [], shrink_runs: 0, signature };
}

/**
 * What makes two failures the same (FATE's failure IDs): the server, the mode, each fault's kind,
 * trigger class and site, the outcome, and the first observation that differs from the golden
 * run — which operation, and what it returned instead (statuses only: values differ between
 * workloads). Two trials with one signature are one failure, whatever their seeds and offsets.
 */
export function failureSignature(config: TrialConfig, plan: FaultPlan, outcome: Outcome, runs?: { golden: RunRecord; run: RunRecord }): string {
  const golden = runs?.golden ?? runOnce(config, null);
  const run = runs?.run ?? runTrial(config, plan, golden);
  // Keys in a fixed order: the same failure gives the same string.
  return JSON.stringify({
    server: config.target,
    mode: config.mode,
    faults: plan.faults.map((f) => ({ kind: f.kind, trigger: f.trigger.at, site: f.trigger.at === 'site' ? f.trigger.name : null })),
    outcome,
    first: firstDifference(config, golden, run),
  });
}

/** The earliest operation (by its place in its client's workload) whose observation differs from the golden run's. */
function firstDifference(config: TrialConfig, golden: RunRecord, run: RunRecord): string | null {
  const profile = profileFor(config.target);
  const ops = makeWorkload({ seed: config.workload_seed, clients: config.clients, ops_per_client: config.ops_per_client, modules: profile.modules, isolated: config.isolated === true });
  let first: { i: number; text: string } | null = null;
  golden.records.forEach((want, c) => {
    const got = run.records[c] ?? [];
    const i = want.findIndex((w, k) => got[k] === undefined || !sameObservation(w, got[k]));
    if (i < 0 || (first !== null && first.i <= i)) return;
    first = { i, text: `${ops[c][i].server}.${ops[c][i].op}: ${describe(want[i], got[i])}` };
  });
  return (first as { text: string } | null)?.text ?? null;
}

function describe(want: Observation, got: Observation | undefined): string {
  if (got === undefined) return `${want.status} → no answer`;
  return want.status === got.status ? `${want.status} → ${got.status} with another result` : `${want.status} → ${got.status}`;
}

/** In this process: the crash seeds `policy` keeps among a campaign's results (any subset, any order). */
export function crashSeedsOf(config: CampaignConfig, results: readonly TrialResult[], policy: KeepPolicy = 'broken'): CrashSeed[] {
  return results.flatMap((found) => {
    const spec = trialSpec(config, cellOfResult(config, found), { mode: found.mode, commit: found.commit });
    if (!keeps(policy, found.mode, spec.plan, found.outcome)) return [];
    return [found.outcome === 'host-limit' ? seedAsFound(found, spec) : shrunkSeed(found, spec, failureSignature(spec.config, spec.plan, found.outcome))];
  });
}
