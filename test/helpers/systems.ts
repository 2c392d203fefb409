// Shared pieces for tests that run whole systems: build a System from server modules and a
// workload, run it to the end, run the golden (fault-free) twin, crash a server at its n-th
// request, and say what a client should observe when a failure touches its session.
//
//   const modules = modulesOf(prngModule, consoleModule);
//   const workload = makeWorkload({ seed, clients: 3, ops_per_client: 12, modules: [...modules.values()] });
//   const gold = goldenRecords(modules, workload);
//   const run = buildSystem({ mode: 'restart', modules, workload });
//   const crash = (run.system.faults = crashAtRequest(run.system, 'prng', 5));
//   runToEnd(run.system);
//   // crash.fired: the client in the failed request, and how many calls of each were answered before
//
// Everything here is deterministic: no wall clock, no Math.random.
import { expect } from 'vitest';
import type { RunStop } from '../../src/kernel/kernel.ts';
import type { ServerDef } from '../../src/servers/framework/define.ts';
import { NO_FAULTS, type FaultPort } from '../../src/servers/framework/fault-port.ts';
import { observe, type Observation, type ReferenceModel, type ServerModule } from '../../src/servers/framework/module.ts';
import type { CallStatus } from '../../src/servers/framework/status.ts';
import type { SupervisorConfig } from '../../src/servers/supervisor/supervisor.ts';
import { System } from '../../src/servers/system.ts';
import { workloadProgram, type Workload } from '../../src/servers/workload.ts';
import type { CommitPolicy, Mode } from '../../src/ssr/modes.ts';

/** Modules by server name, as `workloadProgram` and `modelObservations` take them. */
export type Modules = ReadonlyMap<string, ServerModule>;

/** Virtual-time bound of a run: far above what the small workloads of the tests need. */
export const RUN_CYCLES_MAX = 200_000_000;

export function modulesOf(...modules: ServerModule[]): Modules {
  return new Map(modules.map((m) => [m.def.name, m]));
}

export interface RunSpec {
  mode: Mode;
  commit?: CommitPolicy;
  modules: Modules;
  workload: Workload;
  /** servers in start order; by default the modules' servers, in the map's order */
  servers?: ServerDef[];
  supervisor?: Partial<SupervisorConfig>;
}

export interface Run {
  system: System;
  /** per client, what it observed, in its own order */
  records: Observation[][];
}

/** A booted system whose clients run the workload and record what they observe; not yet run. */
export function buildSystem(spec: RunSpec): Run {
  const records: Observation[][] = spec.workload.map(() => []);
  const system = new System({
    mode: spec.mode,
    ...(spec.commit === undefined ? {} : { commit: spec.commit }),
    servers: spec.servers ?? [...spec.modules.values()].map((m) => m.def),
    clients: spec.workload.map((ops, c) => workloadProgram(spec.modules, ops, records[c])),
    ...(spec.supervisor === undefined ? {} : { supervisor: spec.supervisor }),
  });
  return { system, records };
}

/** Runs until every client has finished; fails the test on a kernel panic or a run that does not end. */
export function runToEnd(system: System): void {
  const stop: RunStop = system.runClients(RUN_CYCLES_MAX);
  expect(system.kernel.panic_reason, 'kernel panic').toBeNull();
  expect(stop, 'every client finishes').toBe('until');
}

/** buildSystem, then runToEnd. */
export function runWorkload(spec: RunSpec): Run {
  const run = buildSystem(spec);
  runToEnd(run.system);
  return run;
}

/** What each client observes in a fault-free run of the workload, in a System of its own. */
export function goldenRecords(modules: Modules, workload: Workload, mode: Mode = 'curios'): Observation[][] {
  return runWorkload({ mode, modules, workload }).records;
}

/** Where an injected crash hit: the client in the request, and what had been answered before. */
export interface CrashPoint {
  client: number;
  /** per client, how many of its calls the server had answered before the crash */
  answered: number[];
}

export interface CrashInjector extends FaultPort {
  /** set when the crash fires (once at most) */
  fired: CrashPoint | null;
}

/**
 * A fault port for `system` that crashes `server` once, at the start of its `request`-th request
 * (0-based, counting every request its `handle` was about to see). Attach it: `system.faults = it`.
 */
export function crashAtRequest(system: System, server: string, request: number): CrashInjector {
  let seen = 0;
  const injector: CrashInjector = {
    ...NO_FAULTS,
    fired: null,
    beforeRequest(name, req) {
      if (name !== server || injector.fired !== null || seen++ !== request) return null;
      const order = system.requests.order.get(server) ?? [];
      injector.fired = { client: req.client, answered: system.clientTasks.map((_, c) => order.filter((x) => x === c).length) };
      return 'crash';
    },
    site: () => false,
    beforeReply: (_server, _req, reply) => reply,
  };
  return injector;
}

/** What happens to one client's session with one server at its `at`-th call to it (0-based). */
export interface Disruption {
  server: string;
  at: number;
  /** that call's observation instead of the model's (the call itself had no effect); absent: the call is served normally, after the disruption */
  observed?: CallStatus;
  /** the client's state from then on: kept, lost (the server starts afresh for it), or the server is dead (EDEAD) */
  state: 'kept' | 'lost' | 'dead';
}

/**
 * What one client should observe: the reference models applied to its operations, with at most
 * one disruption per server. Valid for servers whose observations depend on the client's own
 * history only (stateless and per-client servers such as console and prng).
 */
export function expectedRecords(modules: Modules, workload: Workload, client: number, disruptions: readonly Disruption[] = []): Observation[] {
  const modelOf = (m: ServerModule): ReferenceModel => {
    if (m.model === undefined) throw new Error(`server ${m.def.name} has no reference model`);
    return m.model(workload.length);
  };
  const models = new Map<string, ReferenceModel>([...modules].map(([name, m]) => [name, modelOf(m)]));
  const calls = new Map<string, number>();
  const dead = new Set<string>();
  return workload[client].map((op) => {
    const m = modules.get(op.server);
    if (m === undefined) throw new Error(`workload names unknown server ${op.server}`);
    const j = calls.get(op.server) ?? 0;
    calls.set(op.server, j + 1);
    const d = disruptions.find((x) => x.server === op.server && x.at === j);
    if (d?.state === 'dead') dead.add(op.server);
    if (d?.state === 'lost') models.set(op.server, modelOf(m));
    if (d?.observed !== undefined) return observe(d.observed);
    if (dead.has(op.server)) return observe('EDEAD');
    const model = models.get(op.server);
    if (model === undefined) throw new Error(`invariant: no model for ${op.server}`);
    return model.apply(client, op);
  });
}
