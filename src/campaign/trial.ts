// One trial: a configuration, a workload seed, a fault plan and a mode, run in two phases as in
// VOPR — a safety phase with the faults armed, then a liveness phase with them off in which the
// system must finish the workload within a bound — and judged against the golden run (the same
// workload, no faults, same mode).
import type { Cycles } from '../hw/types.ts';
import { FaultInjector, type FiredFault } from '../faults/injector.ts';
import type { FaultPlan } from '../faults/model.ts';
import { modulesOf, profileFor } from '../servers/catalog.ts';
import type { Observation } from '../servers/framework/module.ts';
import type { RecoveryEvent } from '../servers/supervisor/supervisor.ts';
import { System } from '../servers/system.ts';
import { makeWorkload, workloadProgram } from '../servers/workload.ts';
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
  calls: number;
  done: boolean;
  panic: string | null;
  given_up: boolean;
  /** servers that ended down (mode none) */
  down: string[];
  fired: FiredFault[];
  events: RecoveryEvent[];
  ssr_resets: number;
}

/** Runs a workload under a plan (null: the golden run). */
export function runOnce(cfg: TrialConfig, plan: FaultPlan | null, observe?: (system: System) => void): RunRecord {
  const profile = profileFor(cfg.target);
  const modules = modulesOf(profile);
  const workload = makeWorkload({ seed: cfg.workload_seed, clients: cfg.clients, ops_per_client: cfg.ops_per_client, modules: profile.modules, isolated: cfg.isolated === true });
  const records: Observation[][] = workload.map(() => []);
  const system = new System({ mode: cfg.mode, commit: cfg.commit, servers: profile.servers, clients: workload.map((ops, c) => workloadProgram(modules, ops, records[c])) });
  const injector = plan === null ? null : new FaultInjector(system, plan, cfg.workload_seed);
  observe?.(system);
  const safetyEnd = cfg.safety_bound_cycles;
  system.run({ until: () => (injector?.tick(), system.clientsDone()), until_cycles: safetyEnd });
  injector?.disarm();
  if (!system.clientsDone() && system.kernel.panic_reason === null) system.run({ until: () => system.clientsDone(), until_cycles: system.now + cfg.liveness_bound_cycles });
  return {
    records,
    traceHash: system.traceHash(),
    cycles: system.now,
    calls: workload.reduce((n, ops) => n + ops.length, 0),
    done: system.clientsDone(),
    panic: system.kernel.panic_reason,
    given_up: system.supervisor.given_up,
    down: system.supervisor.servers.filter((s) => s.condition === 'down').map((s) => s.name),
    fired: injector?.fired ?? [],
    events: system.supervisor.events.slice(),
    ssr_resets: system.ssr.stats.resets,
  };
}
