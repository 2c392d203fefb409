// The supervisor in a running system, against the model of its semantics (restart-model.ts):
// random configurations and random crash schedules over small systems (console, disk, prng, with
// clients running workloads). Which servers restart, how long after detection, and where the
// supervisor gives up must be what the model decides for the failures the supervisor saw. Hangs
// must be found by heartbeats within two to three periods; in mode `none` a crashed server stays
// down.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/hw/limits.ts';
import type { Cycles } from '../../src/hw/types.ts';
import type { Mode } from '../../src/ssr/modes.ts';
import { consoleModule } from '../../src/servers/console/console.ts';
import { diskServer } from '../../src/servers/disk/disk.ts';
import { NO_FAULTS, type RequestFault } from '../../src/servers/framework/fault-port.ts';
import type { Observation, ServerModule } from '../../src/servers/framework/module.ts';
import { prngModule } from '../../src/servers/prng/prng.ts';
import { RESTART_TYPES, STRATEGIES, type RestartType } from '../../src/servers/supervisor/policy.ts';
import { DEFAULT_SUPERVISOR, type SupervisorConfig } from '../../src/servers/supervisor/supervisor.ts';
import { System } from '../../src/servers/system.ts';
import { makeWorkload, workloadProgram, type Workload } from '../../src/servers/workload.ts';
import { PolicyModel } from './restart-model.ts';

const MODULES = new Map<string, ServerModule>([
  ['prng', prngModule as ServerModule],
  ['console', consoleModule as ServerModule],
]);
const SERVERS = [consoleModule.def, diskServer, prngModule.def];
const NAMES = SERVERS.map((d) => d.name);
const RUN_CYCLES = 100_000_000;
/** the supervisor's own work between detecting a failure and a restart (control calls for up to three servers) */
const RESTART_WORK_CYCLES = 5_000;
/** every backoff step is longer than that, so a wrong delay cannot pass for work */
const BACKOFF_BASE_MIN = 10_000;

interface Fired {
  server: string;
  at: Cycles;
  kind: 'crash' | 'hang';
}

interface Rig {
  system: System;
  workload: Workload;
  records: Observation[][];
  fired: Fired[];
}

/**
 * A system whose `fault(server, n)` decides the fault at each server's n-th request (1-based,
 * counting retries). Faults fire only while no restart is pending: the supervisor drops a fault
 * message from a server it is already going to restart (see the `it.fails` test below).
 */
function rig(mode: Mode, seed: number, supervisor: Partial<SupervisorConfig>, fault: (server: string, n: number) => RequestFault): Rig {
  const workload = makeWorkload({ seed, clients: 3, ops_per_client: 30, modules: [...MODULES.values()] });
  const records: Observation[][] = workload.map(() => []);
  const system = new System({ mode, servers: SERVERS, clients: workload.map((ops, c) => workloadProgram(MODULES, ops, records[c])), supervisor });
  const counts = new Map<string, number>();
  const fired: Fired[] = [];
  system.faults = {
    ...NO_FAULTS,
    beforeRequest: (server) => {
      const n = (counts.get(server) ?? 0) + 1;
      counts.set(server, n);
      const kind = fault(server, n);
      if (kind === null || system.supervisor.servers.some((s) => s.condition !== 'running')) return null;
      fired.push({ server, at: system.now, kind });
      return kind;
    },
    site: () => false,
    beforeReply: (_s, _r, reply) => reply,
  };
  return { system, workload, records, fired };
}

const configArb = fc.record({
  strategy: fc.constantFrom(...STRATEGIES),
  intensity: fc.integer({ min: 0, max: 6 }),
  period_cycles: fc.integer({ min: 10_000, max: 3_000_000 }),
  backoff_base_cycles: fc.integer({ min: BACKOFF_BASE_MIN, max: 40_000 }),
  backoff_steps: fc.integer({ min: 0, max: 4 }),
  types: fc.array(fc.constantFrom(...RESTART_TYPES), { minLength: NAMES.length, maxLength: NAMES.length }),
});

const scheduleArb = fc.record({
  seed: fc.integer(),
  mode: fc.constantFrom<Mode>('restart', 'curios'),
  prng: fc.uniqueArray(fc.integer({ min: 1, max: 70 }), { maxLength: 7 }),
  console: fc.uniqueArray(fc.integer({ min: 1, max: 50 }), { maxLength: 4 }),
});

describe('the supervisor in a running system', () => {
  it('restarts, delays and gives up exactly as the model decides', () => {
    const seen = { restarted: 0, ignored: 0, 'given-up': 0, delayed: 0, collateral: 0 };
    fc.assert(
      fc.property(configArb, scheduleArb, (c, s) => {
        const restart_types: Record<string, RestartType> = Object.fromEntries(NAMES.map((n, i) => [n, c.types[i]]));
        const config: SupervisorConfig = {
          ...DEFAULT_SUPERVISOR,
          strategy: c.strategy,
          intensity: c.intensity,
          period_cycles: c.period_cycles,
          backoff_base_cycles: c.backoff_base_cycles,
          backoff_max_cycles: c.backoff_base_cycles * 2 ** c.backoff_steps,
          restart_types,
        };
        const crashes: Record<string, number[]> = { prng: s.prng, console: s.console };
        const { system, fired } = rig(s.mode, s.seed, config, (server, n) => (crashes[server]?.includes(n) ? 'crash' : null));
        expect(system.runClients(RUN_CYCLES)).toBe('until');
        expect(system.kernel.panic_reason).toBeNull();

        // Every crash was detected once, promptly, and nothing else was.
        const events = system.supervisor.events;
        expect(events.map((e) => e.server)).toEqual(fired.map((f) => f.server));
        events.forEach((e, i) => {
          expect(e.cause).toBe('exception');
          expect(e.detected_at - fired[i].at).toBeGreaterThanOrEqual(0);
          expect(e.detected_at - fired[i].at).toBeLessThan(RESTART_WORK_CYCLES);
        });

        // Each detection, fed to the model, gives what the supervisor did.
        const model = new PolicyModel(config, NAMES);
        const restarts = new Map(NAMES.map((n) => [n, 0]));
        let gave_up = false;
        for (const e of events) {
          const d = model.exit(e.server, e.detected_at, 'crash');
          const outcome = d.kind === 'restart' ? 'restarted' : d.kind === 'give-up' ? 'given-up' : 'ignored';
          expect({ server: e.server, at: e.detected_at, outcome: e.outcome }).toEqual({ server: e.server, at: e.detected_at, outcome });
          seen[outcome]++;
          if (d.kind === 'give-up') gave_up = true;
          if (d.kind !== 'restart') continue;
          for (const child of d.children) restarts.set(child, (restarts.get(child) ?? 0) + 1);
          if (d.children.length > 1) seen.collateral++;
          if (d.delay_cycles > 0) seen.delayed++;
          expect(e.restarted_at).not.toBeNull();
          const waited = (e.restarted_at ?? 0) - e.detected_at;
          expect({ at: e.detected_at, waited_beyond_delay: waited >= d.delay_cycles && waited < d.delay_cycles + RESTART_WORK_CYCLES }).toEqual({ at: e.detected_at, waited_beyond_delay: true });
        }
        expect(system.supervisor.given_up).toBe(gave_up);
        for (const srv of system.supervisor.servers) {
          expect({ server: srv.name, restarts: srv.restarts }).toEqual({ server: srv.name, restarts: restarts.get(srv.name) });
          expect({ server: srv.name, incarnation: system.serverTask(srv.name).incarnation }).toEqual({ server: srv.name, incarnation: restarts.get(srv.name) });
          if (gave_up) expect(srv.condition).toBe('given-up');
        }
        // A server that is down (given up, or a temporary one) answers nobody.
        const ignored = new Set(events.filter((e) => e.outcome === 'ignored').map((e) => e.server));
        for (const srv of system.supervisor.servers) if (!gave_up && ignored.has(srv.name)) expect(srv.condition).toBe('down');
      }),
      { numRuns: 40, seed: 0x5f1d },
    );
    // The runs reached every kind of decision.
    for (const [kind, n] of Object.entries(seen)) expect({ kind, n: n > 3 }).toEqual({ kind, n: true });
  });

  it('finds a hang by heartbeats within two to three periods, and restarts the server', () => {
    fc.assert(
      // Periods of at least three quanta: a hung server at the servers' priority holds its
      // peers off for a quantum at a time.
      fc.property(fc.integer({ min: 3 * LIMITS.quantum_cycles_default, max: 300_000 }), fc.integer({ min: 1, max: 40 }), fc.integer(), (period, at_request, seed) => {
        const { system, records, fired } = rig('curios', seed, { heartbeat_period_cycles: period }, (server, n) => (server === 'prng' && n === at_request ? 'hang' : null));
        expect(system.runClients(RUN_CYCLES)).toBe('until');
        expect(fired.length).toBe(1);
        expect(system.supervisor.events.length).toBe(1);
        const [e] = system.supervisor.events;
        expect(e).toMatchObject({ server: 'prng', cause: 'hang', outcome: 'restarted' });
        const found_after = e.detected_at - fired[0].at;
        // A ping left unanswered for two periods: two to three periods after the hang began, plus
        // at most one quantum (the supervisor preempts a spinning server at its next system call).
        expect(found_after).toBeGreaterThanOrEqual(2 * period);
        expect(found_after).toBeLessThanOrEqual(3 * period + LIMITS.quantum_cycles_default);
        expect((e.restarted_at ?? 0) - e.detected_at).toBeLessThan(RESTART_WORK_CYCLES);
        expect(system.supervisor.servers.map((s) => [s.name, s.restarts, s.condition])).toEqual([
          ['console', 0, 'running'],
          ['disk', 0, 'running'],
          ['prng', 1, 'running'],
        ]);
        // curios with shadow commit retries the hung request: no client saw an error.
        expect(records.flat().filter((o) => o.status !== 'OK')).toEqual([]);
      }),
      { numRuns: 10, seed: 0x4a96 },
    );
  });

  it("in mode 'none' a crashed server stays down and later calls get EDEAD", () => {
    const { system, workload, records, fired } = rig('none', 3, {}, (server, n) => (server === 'prng' && n === 10 ? 'crash' : null));
    expect(system.runClients(RUN_CYCLES)).toBe('until');
    expect(fired.length).toBe(1);
    expect(system.supervisor.events.map((e) => [e.server, e.outcome, e.restarted_at])).toEqual([['prng', 'down', null]]);
    expect(system.supervisor.servers.map((s) => [s.name, s.restarts, s.condition])).toEqual([
      ['console', 0, 'running'],
      ['disk', 0, 'running'],
      ['prng', 0, 'down'],
    ]);
    expect(system.serverTask('prng').alive).toBe(false);
    let dead_calls = 0;
    workload.forEach((ops, c) => {
      const prng = ops.flatMap((op, i) => (op.server === 'prng' ? [records[c][i].status] : []));
      const first_failed = prng.findIndex((st) => st !== 'OK' && st !== 'EBADF');
      if (first_failed < 0) return;
      // At most the in-flight call is aborted; every later one finds the server dead.
      const after = prng.slice(first_failed + (prng[first_failed] === 'EABORTED' ? 1 : 0));
      expect(after.every((st) => st === 'EDEAD')).toBe(true);
      dead_calls += after.length;
    });
    workload.forEach((ops, c) => {
      const console = ops.flatMap((op, i) => (op.server === 'console' ? [records[c][i].status] : []));
      expect(console.every((st) => st === 'OK')).toBe(true);
    });
    expect(dead_calls).toBeGreaterThan(0);
  });

  // A server is hung when a ping has gone unanswered for two periods — counted from the ping,
  // not from the last answer. Here the heartbeat period equals the quantum; prng hangs at its
  // first request, spinning at the servers' priority; console and disk answer late (after prng's
  // next quantum) but within two periods of their ping, and must not be restarted.
  it('does not declare a healthy server hung that was pinged less than two periods ago', () => {
    const { system } = rig('curios', 0, { heartbeat_period_cycles: LIMITS.quantum_cycles_default }, (server, n) => (server === 'prng' && n === 1 ? 'hang' : null));
    expect(system.runClients(RUN_CYCLES)).toBe('until');
    expect(system.supervisor.events.map((e) => e.server)).toEqual(['prng']);
  });

  // The same rule seen from the hang: the supervisor's wake-up may be late by a quantum (the hung
  // server's spin), which must not make it declare the hang sooner than two periods.
  it('detects a hang no sooner than two periods after it began', () => {
    const period = 3 * LIMITS.quantum_cycles_default;
    const { system, fired } = rig('curios', 0, { heartbeat_period_cycles: period }, (server, n) => (server === 'prng' && n === 10 ? 'hang' : null));
    expect(system.runClients(RUN_CYCLES)).toBe('until');
    expect(system.supervisor.events[0].detected_at - fired[0].at).toBeGreaterThanOrEqual(2 * period);
  });

  // Under one-for-all, a backoff leaves the siblings marked `recovering` while they still run; a
  // crash of one of them then must not lose the call it was serving: the caller is settled with
  // the sibling's restart.
  it('a sibling that crashes during a backoff delay does not leave its caller waiting for ever', () => {
    const workload = makeWorkload({ seed: 7, clients: 3, ops_per_client: 30, modules: [...MODULES.values()] });
    const records: Observation[][] = workload.map(() => []);
    const system = new System({ mode: 'curios', servers: SERVERS, clients: workload.map((ops, c) => workloadProgram(MODULES, ops, records[c])), supervisor: { strategy: 'one-for-all', backoff_base_cycles: 10_000 } });
    const counts = new Map<string, number>();
    const crashes: Record<string, number[]> = { prng: [5, 6, 7, 20], console: [3, 9] };
    system.faults = {
      ...NO_FAULTS,
      beforeRequest: (server) => {
        const n = (counts.get(server) ?? 0) + 1;
        counts.set(server, n);
        return crashes[server]?.includes(n) ? 'crash' : null;
      },
      site: () => false,
      beforeReply: (_s, _r, reply) => reply,
    };
    expect(system.runClients(RUN_CYCLES)).toBe('until');
  });
});
