// The story of one trial, as `curios replay` tells it before (and instead of) the kernel trace:
// the fault — what, where, when; per client, the first result that differs from the golden run
// and what the golden run got instead; what the supervisor did; the outcome. Plain data, so that
// `--json` carries the same story as the text.
import type { FiredFault } from '../faults/injector.ts';
import type { Fault } from '../faults/model.ts';
import { profileFor } from '../servers/catalog.ts';
import type { Observation } from '../servers/framework/module.ts';
import type { RecoveryEvent } from '../servers/supervisor/supervisor.ts';
import { makeWorkload } from '../servers/workload.ts';
import { replayRuns, type Replayed, type ReplayedRuns, type TrialData } from './replay.ts';
import { latentDifferences } from './oracle.ts';
import { OUTCOME_MEANING, type Outcome } from './result-types.ts';
import { judge, type Verdict } from './verdict.ts';

export interface StoryFault {
  /** the fault as planned */
  planned: Fault;
  /** when and how it fired; null when it never did */
  fired: Omit<FiredFault, 'index' | 'kind' | 'server'> | null;
}

export interface ClientDifference {
  /** 0-based index of the operation in the client's workload */
  op_index: number;
  /** server.operation */
  call: string;
  verdict: Exclude<Verdict, 'same'> | 'missing';
  golden: Observation | null;
  got: Observation | null;
}

export interface ClientStory {
  client: number;
  ops_golden: number;
  ops_done: number;
  /** the first operation whose result differs from the golden run's; null when none does */
  first_difference: ClientDifference | null;
}

export interface TrialStory {
  trial: { server: string; mode: string; commit: string; workload_seed: number; clients: number; ops_per_client: number };
  faults: StoryFault[];
  clients: ClientStory[];
  recovery: RecoveryEvent[];
  /** where the end state differs from the golden run's (the end-state oracle), read by a client or not */
  end_state: string[];
  outcome: Outcome;
  failed_reason: string | null;
  meaning: string;
  traceHash: string;
  events: number;
}

export function trialStory(data: TrialData, replayed: ReplayedRuns): TrialStory {
  const { config } = data;
  const profile = profileFor(config.target);
  const workload = makeWorkload({ seed: config.workload_seed, clients: config.clients, ops_per_client: config.ops_per_client, modules: profile.modules, isolated: config.isolated === true });
  const faults = data.plan.faults.map((planned, index): StoryFault => {
    const fired = replayed.run.fired.find((f) => f.index === index);
    return { planned, fired: fired === undefined ? null : { at_cycles: fired.at_cycles, client: fired.client, hit: fired.hit, through: fired.through, effect: fired.effect } };
  });
  const clients = replayed.run.records.map((seen, client): ClientStory => {
    const golden = replayed.golden.records[client] ?? [];
    return { client, ops_golden: golden.length, ops_done: seen.length, first_difference: firstDifference(golden, seen, (i) => workload[client]?.[i]) };
  });
  return {
    trial: { server: config.target, mode: config.mode, commit: config.commit, workload_seed: config.workload_seed, clients: config.clients, ops_per_client: config.ops_per_client },
    faults,
    clients,
    recovery: replayed.run.events,
    end_state: latentDifferences(replayed.golden.end_state, replayed.run.end_state),
    outcome: replayed.outcome,
    failed_reason: replayed.failedReason ?? null,
    meaning: OUTCOME_MEANING[replayed.outcome],
    traceHash: replayed.traceHash,
    events: replayed.lines.length,
  };
}

function firstDifference(golden: readonly Observation[], seen: readonly Observation[], opAt: (i: number) => { server: string; op: string } | undefined): ClientDifference | null {
  for (let i = 0; i < Math.max(golden.length, seen.length); i++) {
    const want = golden[i];
    const got = seen[i];
    const verdict = want === undefined || got === undefined ? 'missing' : judge(want, got);
    if (verdict === 'same') continue;
    const op = opAt(i);
    return { op_index: i, call: op === undefined ? '?' : `${op.server}.${op.op}`, verdict, golden: want ?? null, got: got ?? null };
  }
  return null;
}

/** Replays a trial and tells its story (what a replay worker sends back). */
export function replayWithStory(data: TrialData): Replayed {
  const runs = replayRuns(data);
  const { golden: _golden, run: _run, ...replayed } = runs;
  return { ...replayed, story: trialStory(data, runs) };
}
