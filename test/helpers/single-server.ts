// A system of one server and its clients, for the per-server tests: boot it, run a workload to
// its end, restart the server as the supervisor would, and client programs that run their
// operations in phases with pauses between them (so that a test can crash the server in between).
import { expect } from 'vitest';
import type { ClientProgram } from '../../src/servers/framework/client-task.ts';
import type { ClientOp, Observation, ServerModule } from '../../src/servers/framework/module.ts';
import { System } from '../../src/servers/system.ts';
import { workloadProgram, type Workload } from '../../src/servers/workload.ts';
import type { Mode } from '../../src/ssr/modes.ts';

export interface SingleServer {
  modules: ReadonlyMap<string, ServerModule>;
  boot(mode: Mode, programs: ClientProgram[]): System;
  /** Runs a workload to its end (within the cycle bound): the system and what each client observed. */
  runWorkload(mode: Mode, workload: Workload): { system: System; records: Observation[][] };
  /** The server waits for a request (and `extraIdle`, if given, agrees). */
  serverIdle(system: System): boolean;
  /** Requests the server has answered. */
  answered(system: System): number;
  /** Restarts the server as the supervisor would, and runs until the new incarnation waits for requests. */
  crashAndRecover(system: System): void;
  /** A client program that runs `phases` with one local table, pausing `pause_cycles` between them. */
  phased(phases: ClientOp[][], record: Observation[], pause_cycles: number): ClientProgram;
}

export function singleServer(module: ServerModule, run_cycles_max: number, extraIdle: (system: System) => boolean = () => true): SingleServer {
  const name = module.def.name;
  const modules: ReadonlyMap<string, ServerModule> = new Map([[name, module]]);
  const boot = (mode: Mode, programs: ClientProgram[]) => new System({ mode, servers: [module.def], clients: programs });
  const serverIdle = (system: System) => extraIdle(system) && system.serverTask(name).threads.some((t) => t.state === 'recv-blocked');
  return {
    modules,
    boot,
    runWorkload(mode, workload) {
      const records = workload.map((): Observation[] => []);
      const system = boot(mode, workload.map((ops, c) => workloadProgram(modules, ops, records[c])));
      expect(system.runClients(run_cycles_max)).toBe('until');
      return { system, records };
    },
    serverIdle,
    answered: (system) => system.requests.order.get(name)?.length ?? 0,
    crashAndRecover(system) {
      expect(system.kernel.restartTask(system.serverTask(name))).toEqual([]);
      expect(system.run({ until: () => serverIdle(system), steps_max: 10_000 })).toBe('until');
    },
    phased(phases, record, pause_cycles) {
      return function* (env) {
        const local = module.newLocal();
        for (const [k, ops] of phases.entries()) {
          if (k > 0) yield* env.sleep(pause_cycles);
          for (const o of ops) {
            const performed = module.perform?.(env, o, local) ?? null;
            if (performed !== null) {
              record.push(yield* performed);
              continue;
            }
            const call = module.encode(o, local);
            record.push(module.decode(o, yield* env.call(name, call.op, call.words, call.data), local));
          }
        }
      };
    },
  };
}
