// One trial: a configuration, a workload seed, a fault plan and a mode, run in two phases as in
// VOPR — a safety phase with the faults armed, then a liveness phase with them off in which the
// system must finish the workload within a bound — and judged against the golden run (the same
// workload, no faults, same mode).
import type { Cycles } from '../hw/types.ts';
import type { FaultShape } from '../faults/arbitraries.ts';
import { ACCESS_LETTERS, matchesAccess, type AccessLetter } from '../faults/effects.ts';
import { FaultInjector, type FiredFault, type Reach } from '../faults/injector.ts';
import type { Fault, FaultPlan } from '../faults/model.ts';
import { inspectorsOf, modulesOf, profileFor } from '../servers/catalog.ts';
import { END_STATE_UNREAD, readEndState, type EndState } from '../servers/end-state.ts';
import { trialReachesOracle } from './classify.ts';
import type { Observation, ServerModule } from '../servers/framework/module.ts';
import type { RecoveryEvent } from '../servers/supervisor/supervisor.ts';
import { System } from '../servers/system.ts';
import { makeWorkload, workloadProgram, type Workload } from '../servers/workload.ts';
import type { CommitPolicy, Mode } from '../ssr/modes.ts';

export interface TrialConfig {
  /** the server under test (its profile decides the system and the workload) */
  target: string;
  mode: Mode;
  commit: CommitPolicy;
  workload_seed: number;
  clients: number;
  ops_per_client: number;
  safety_bound_cycles: Cycles;
  liveness_bound_cycles: Cycles;
  /** clients share nothing (no shared files, no datagrams to each other); campaigns share */
  isolated?: boolean;
}

export const TRIAL_DEFAULTS = {
  clients: 3,
  ops_per_client: 16,
  safety_bound_cycles: 2_000_000,
  liveness_bound_cycles: 4_000_000,
} as const;

export interface RunRecord {
  records: Observation[][];
  traceHash: string;
  /** the clock when the clients finished (or the run stopped) */
  cycles: Cycles;
  /** client operations in the workload, to every server */
  ops: number;
  done: boolean;
  panic: string | null;
  given_up: boolean;
  /** servers that ended down (mode none) */
  down: string[];
  fired: FiredFault[];
  events: RecoveryEvent[];
  ssr_resets: number;
  /** what the safety phase reached: where faults can fire (see FaultInjector) */
  reach: Reach;
  /** every server's state at the end, as the end-state oracle compares it (END_STATE_UNREAD: a trial run that cannot reach the oracle, from runTrial) */
  end_state: EndState;
}

/**
 * Runs a workload under a plan (null: the golden run). `observe` sees the system before it runs;
 * `finished` sees it after, before its end state is read and its memory released. The end state
 * is read `always`, or only `when-judged`: when the run can reach the end-state oracle.
 */
export function runOnce(cfg: TrialConfig, plan: FaultPlan | null, observe?: (system: System) => void, finished?: (system: System) => void, end_state: 'always' | 'when-judged' = 'always'): RunRecord {
  const profile = profileFor(cfg.target);
  const modules = modulesOf(profile);
  const workload = workloadOf(cfg, profile.modules);
  const records: Observation[][] = workload.map(() => []);
  const system = new System({ mode: cfg.mode, commit: cfg.commit, servers: profile.servers, clients: workload.map((ops, c) => workloadProgram(modules, ops, records[c])) });
  // The golden run too carries an injector, with no faults: it records what the run reaches, and
  // the kind of each access of its target (where a regflip or a wild write can act: shapeOf).
  const injector = new FaultInjector(plan ?? NO_PLAN, cfg.workload_seed).attach(system);
  if (plan === null) injector.recordAccessKinds(cfg.target);
  // A client runs its operations in order: the one it is in is the one after those it recorded.
  injector.opOf = (client) => records[client]?.length ?? -1;
  observe?.(system);
  const safetyEnd = cfg.safety_bound_cycles;
  system.run({ until: () => (injector.tick(), system.clientsDone()), until_cycles: safetyEnd });
  injector.detach();
  if (!system.clientsDone() && system.kernel.panic_reason === null) system.run({ until: () => system.clientsDone(), until_cycles: system.now + cfg.liveness_bound_cycles });
  const cycles = system.now;
  // Reset hooks still pending run before the end state is read (and before the trace is hashed).
  if (system.kernel.panic_reason === null) system.runPendingResetHooks();
  finished?.(system);
  const run: RunRecord = {
    records,
    traceHash: system.traceHash(),
    cycles,
    ops: workload.reduce((n, ops) => n + ops.length, 0),
    done: system.clientsDone(),
    panic: system.kernel.panic_reason,
    given_up: system.supervisor.given_up,
    down: system.supervisor.servers.filter((s) => s.condition === 'down').map((s) => s.name),
    fired: injector.fired,
    events: system.supervisor.events.slice(),
    ssr_resets: system.ssr.stats.resets,
    reach: injector.reach,
    end_state: END_STATE_UNREAD,
  };
  if (end_state === 'always' || trialReachesOracle(run)) run.end_state = readEndState(system, inspectorsOf(profile));
  system.release();
  return run;
}

const NO_PLAN: FaultPlan = { version: 1, faults: [] };

/** The last workload made, and what it was made from: a cell's runs (its golden runs and its trials) follow one another with the same one. */
let lastWorkload: { key: readonly unknown[]; workload: Workload } | null = null;

/**
 * A trial's workload: a pure function of its spec, so the runs of a cell share one instead of each
 * drawing it again. Shared, so frozen (its operations and lists; no run changes them).
 */
function workloadOf(cfg: TrialConfig, modules: readonly ServerModule[]): Workload {
  const key = [cfg.workload_seed, cfg.clients, cfg.ops_per_client, cfg.isolated === true, ...modules];
  const last = lastWorkload;
  if (last !== null && last.key.length === key.length && key.every((v, i) => v === last.key[i])) return last.workload;
  const workload = makeWorkload({ seed: cfg.workload_seed, clients: cfg.clients, ops_per_client: cfg.ops_per_client, modules, isolated: cfg.isolated === true });
  for (const ops of workload) {
    for (const op of ops) Object.freeze(op);
    Object.freeze(ops);
  }
  lastWorkload = { key, workload: Object.freeze(workload) as Workload };
  return workload;
}

/**
 * Runs a trial against its golden run (same configuration, no faults). A plan none of whose
 * faults the golden run offers cannot fire — until a fault fires, a run is its golden run — so
 * the trial *is* the golden run, and is not run again.
 */
export function runTrial(cfg: TrialConfig, plan: FaultPlan, golden: RunRecord, observe?: (system: System) => void): RunRecord {
  if (observe === undefined && !plan.faults.some((f) => offers(golden.reach, f))) return golden;
  // Its end state is read only if classifyOutcome can ask for it.
  return runOnce(cfg, plan, observe, undefined, 'when-judged');
}

/** Whether a run that reached `reach` got to a fault's trigger (a necessary condition for it to fire). */
export function reaches(reach: Reach, f: Fault): boolean {
  const t = f.trigger;
  const requests = reach.accesses[f.server] ?? [];
  switch (t.at) {
    case 'request':
      return t.n <= requests.length;
    case 'access':
      return t.n <= requests.length && t.k <= requests[t.n - 1];
    case 'time':
      return t.cycles <= reach.cycles;
    case 'site':
      return reach.sites.includes(`${f.server}/${t.name}`);
    case 'recovery':
      // A recovery follows a fault that fired: never in a run where none has.
      return false;
    case 'rest':
      return t.n <= requests.length;
  }
}

/**
 * Whether a run that reached `reach` offered what a fault acts on (a necessary condition for it to
 * fire): its trigger, and for a fault at an access point an access from the k-th on in its span
 * that it can act on — when the run recorded its server's access kinds (golden runs do).
 */
export function offers(reach: Reach, f: Fault): boolean {
  const t = f.trigger;
  if (!reaches(reach, f)) return false;
  const letters = t.at === 'access' ? reach.access_kinds?.[f.server]?.[t.n - 1] : undefined;
  if (t.at !== 'access' || letters === undefined) return true;
  for (let i = t.k - 1; i < letters.length; i++) if (matchesAccess(f, ACCESS_LETTERS[letters[i] as AccessLetter])) return true;
  return false;
}

/** Where a trial's faults are placed: what its golden run reached in the target server, with the kind of each access. */
export function shapeOf(cfg: TrialConfig, golden: RunRecord): FaultShape {
  const def = profileFor(cfg.target).servers.find((d) => d.name === cfg.target);
  const access_kinds = golden.reach.access_kinds?.[cfg.target];
  if (access_kinds === undefined) throw new Error(`invariant: the golden run of ${cfg.target} recorded no access kinds (runOnce records them in every golden run)`);
  return { access_kinds, cycles: golden.reach.cycles, sites: def?.sites ?? [] };
}
