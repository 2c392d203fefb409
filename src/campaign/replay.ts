// Replaying one trial: run it again from its full data (configuration, fault plan), with every
// trace event captured, classify it against its golden run, and compare with what was recorded.
// A trial that does not reproduce says what differs: the outcome, the trace hash, and — when the
// recorded trace lines are at hand — the first event where the two traces part.
import { formatTraceLine } from '../kernel/trace.ts';
import { parsePlan } from '../faults/plan-json.ts';
import type { FaultPlan } from '../faults/model.ts';
import { activeCatalog } from '../servers/catalog.ts';
import type { ModuleStamp } from './config-file.ts';
import { COMMIT_POLICIES, MODES } from '../ssr/modes.ts';
import { classifyOutcome, type FailedReason } from './classify.ts';
import type { HostLimit } from './host-limits.ts';
import { OUTCOMES, type Outcome } from './result-types.ts';
import type { TrialStory } from './story.ts';
import { runOnce, type RunRecord, type TrialConfig } from './trial.ts';

export interface TrialData {
  config: TrialConfig;
  plan: FaultPlan;
  expected?: { outcome: Outcome; traceHash: string };
  /** the module that defined the target server when the trial was stored (config.module in a seed) */
  module?: ModuleStamp;
}

export interface Replayed {
  outcome: Outcome;
  failedReason?: FailedReason;
  /** for `host-limit`: the limit the replay broke (replayIsolated) */
  hostLimit?: HostLimit;
  traceHash: string;
  lines: string[];
  /** what happened, told (replayWithStory); absent when the replay was stopped by a host limit */
  story?: TrialStory;
}

/** A replay with both runs it compared: the golden run and the run with the faults. */
export interface ReplayedRuns extends Replayed {
  golden: RunRecord;
  run: RunRecord;
}

export function replayRuns(data: TrialData): ReplayedRuns {
  const lines: string[] = [];
  const golden = runOnce(data.config, null);
  const run = runOnce(data.config, data.plan, (system) => system.kernel.trace.listen((e) => lines.push(formatTraceLine(e))));
  const c = classifyOutcome(golden, run);
  return { outcome: c.outcome, ...(c.failedReason === undefined ? {} : { failedReason: c.failedReason }), traceHash: run.traceHash, lines, golden, run };
}

export function replayTrial(data: TrialData): Replayed {
  const { golden: _golden, run: _run, ...replayed } = replayRuns(data);
  return replayed;
}

export interface Difference {
  outcome: { expected: Outcome; got: Outcome } | null;
  traceHash: { expected: string; got: string } | null;
  /** the first event (0-based) where the traces part, with both lines */
  firstDivergence: { event: number; expected: string | null; got: string | null } | null;
}

export function compareReplay(expected: { outcome: Outcome; traceHash: string }, got: Replayed, expectedLines: readonly string[] | null): Difference | null {
  if (expected.outcome === got.outcome && expected.traceHash === got.traceHash) return null;
  let firstDivergence: Difference['firstDivergence'] = null;
  if (expectedLines !== null) {
    const n = Math.max(expectedLines.length, got.lines.length);
    for (let i = 0; i < n; i++) {
      if (expectedLines[i] !== got.lines[i]) {
        firstDivergence = { event: i, expected: expectedLines[i] ?? null, got: got.lines[i] ?? null };
        break;
      }
    }
  }
  return {
    outcome: expected.outcome === got.outcome ? null : { expected: expected.outcome, got: got.outcome },
    traceHash: expected.traceHash === got.traceHash ? null : { expected: expected.traceHash, got: got.traceHash },
    firstDivergence,
  };
}

/** Validates a trial given as JSON (`curios replay --trial FILE`); the first thing wrong is the error. */
export function parseTrialData(raw: unknown): TrialData {
  if (typeof raw !== 'object' || raw === null) throw new Error('a trial must be a JSON object with config and plan');
  const o = raw as Record<string, unknown>;
  const c = o.config as Record<string, unknown> | undefined;
  if (typeof c !== 'object' || c === null) throw new Error('trial.config must be an object');
  const target = c.target;
  if (typeof target !== 'string') throw new Error('trial.config.target must be a server name');
  const module = parseStamp(c.module);
  const catalog = activeCatalog();
  if (!catalog.has(target) && module !== undefined) throw new Error(`server ${target} (defined in ${module.path}) is in no config here: pass the config that defines it with --config`);
  const profile = catalog.profileFor(target);
  const int = (k: string, lo: number, hi: number): number => {
    const v = c[k];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < lo || v > hi) throw new Error(`trial.config.${k} must be an integer in ${lo}..${hi}`);
    return v;
  };
  const mode = c.mode;
  if (typeof mode !== 'string' || !(MODES as readonly string[]).includes(mode)) throw new Error(`trial.config.mode must be one of ${MODES.join(', ')}`);
  const commit = c.commit;
  if (typeof commit !== 'string' || !(COMMIT_POLICIES as readonly string[]).includes(commit)) throw new Error(`trial.config.commit must be one of ${COMMIT_POLICIES.join(', ')}`);
  if (c.isolated !== undefined && typeof c.isolated !== 'boolean') throw new Error('trial.config.isolated must be true or false');
  const config: TrialConfig = {
    target,
    mode: mode as TrialConfig['mode'],
    commit: commit as TrialConfig['commit'],
    workload_seed: int('workload_seed', -(2 ** 31), 2 ** 31 - 1),
    clients: int('clients', 1, 16),
    ops_per_client: int('ops_per_client', 1, 500),
    safety_bound_cycles: int('safety_bound_cycles', 1, Number.MAX_SAFE_INTEGER),
    liveness_bound_cycles: int('liveness_bound_cycles', 1, Number.MAX_SAFE_INTEGER),
    ...(c.isolated === true ? { isolated: true } : {}),
  };
  const plan = parsePlan(o.plan, profile.servers);
  return { config, plan, ...(o.expected === undefined ? {} : { expected: parseExpected(o.expected) }), ...(module === undefined ? {} : { module }) };
}

function parseStamp(raw: unknown): ModuleStamp | undefined {
  if (raw === undefined) return undefined;
  const m = raw as Partial<ModuleStamp> | null;
  if (typeof m !== 'object' || m === null || typeof m.path !== 'string' || typeof m.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(m.sha256)) throw new Error('trial.config.module must be { path, sha256 } (the module that defined the server)');
  return { path: m.path, sha256: m.sha256 };
}

/** A trial file's "expected": what the replay must give (absent: the replay only runs it). */
function parseExpected(raw: unknown): { outcome: Outcome; traceHash: string } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('trial.expected must be an object {"outcome", "traceHash"}');
  const e = raw as Record<string, unknown>;
  if (typeof e.outcome !== 'string' || !(OUTCOMES as readonly string[]).includes(e.outcome)) throw new Error(`trial.expected.outcome must be one of ${OUTCOMES.join(', ')}`);
  if (typeof e.traceHash !== 'string') throw new Error('trial.expected.traceHash must be a string (the trace hash the replay must give)');
  return { outcome: e.outcome as Outcome, traceHash: e.traceHash };
}
