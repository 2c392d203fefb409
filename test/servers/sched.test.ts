// The sched server: what clients observe against the reference model (with clients that burn CPU,
// so that quantum expiries really reach the server), the kernel's priorities against an
// independent model of the policy, the run queue rebuilt after a restart, and the system going on
// while the server is down.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as sys from '../../src/kernel/sys.ts';
import type { Thread } from '../../src/kernel/objects.ts';
import type { Mode } from '../../src/ssr/modes.ts';
import { CLIENT_PRIORITY, type ClientProgram } from '../../src/servers/framework/client-task.ts';
import type { ServerRequest } from '../../src/servers/framework/define.ts';
import { NO_FAULTS } from '../../src/servers/framework/fault-port.ts';
import type { ClientOp, Observation, ServerModule } from '../../src/servers/framework/module.ts';
import { System } from '../../src/servers/system.ts';
import { makeWorkload, modelObservations, type Workload } from '../../src/servers/workload.ts';
import {
  BALANCE_EXPIRIES,
  PRIORITY_MAX,
  PRIORITY_MIN,
  QUANTUM_DEFAULT_CYCLES,
  QUANTUM_MAX_CYCLES,
  QUANTUM_MIN_CYCLES,
  SCHED_OPS,
  readSchedGlobal,
  schedModule,
  type QueueEntry,
} from '../../src/servers/sched/index.ts';

const MODULES = new Map<string, ServerModule>([['sched', schedModule as ServerModule]]);
/** no heartbeat during these tests unless asked: a stopped server must stay stopped */
const NO_HEARTBEAT = { heartbeat_period_cycles: 1_000_000_000 };
const RUN_CYCLES = 200_000_000;

/** The policy, written out plainly: every process's full record, updated request by request. */
class PolicyModel {
  readonly procs = new Map<number, { base: number; current: number; quantum_cycles: number; expiries: number }>();
  expiries_total = 0;

  see(req: ServerRequest): void {
    if (req.from_kernel) return this.expired(req.client);
    const arg = req.words[0] ?? 0;
    if (req.op === SCHED_OPS.nice && arg >= PRIORITY_MIN && arg <= PRIORITY_MAX) {
      const p = this.proc(req.client);
      p.base = arg;
      p.current = arg;
    }
    if (req.op === SCHED_OPS.setQuantum && arg >= QUANTUM_MIN_CYCLES && arg <= QUANTUM_MAX_CYCLES) this.proc(req.client).quantum_cycles = arg;
  }

  private expired(client: number): void {
    const p = this.proc(client);
    this.expiries_total++;
    p.expiries++;
    p.current = Math.max(PRIORITY_MIN, p.current - 1);
    if (this.expiries_total % BALANCE_EXPIRIES === 0) for (const q of this.procs.values()) q.current = q.base;
  }

  private proc(client: number) {
    let p = this.procs.get(client);
    if (p === undefined) this.procs.set(client, (p = { base: CLIENT_PRIORITY, current: CLIENT_PRIORITY, quantum_cycles: QUANTUM_DEFAULT_CYCLES, expiries: 0 }));
    return p;
  }

  runQueue(): QueueEntry[] {
    return [...this.procs.entries()]
      .map(([client, p]) => ({ client, priority: p.current, base: p.base, quantum_cycles: p.quantum_cycles }))
      .sort((a, b) => b.priority - a.priority || a.client - b.client);
  }
}

interface Run {
  system: System;
  records: Observation[][];
  policy: PolicyModel;
  /** every kernel priority a client thread was seen at */
  priorities_seen: Set<number>;
  checks: number;
}

/** Clients that spin `spin_cycles[c]` before each operation, so that their quanta run out. */
function boot(mode: Mode, workload: Workload, spin_cycles: readonly number[], supervisor = {}): Run {
  const records: Observation[][] = workload.map(() => []);
  const program =
    (c: number): ClientProgram =>
    function* (env) {
      for (const op of workload[c]) {
        yield* sys.spin(spin_cycles[c]);
        const call = schedModule.encode(op, null);
        const reply = yield* env.call('sched', call.op, call.words, call.data);
        records[c].push(schedModule.decode(op, reply, null));
      }
    };
  const system = new System({ mode, servers: [schedModule.def], clients: workload.map((_, c) => program(c)), supervisor });
  const policy = new PolicyModel();
  system.faults = {
    ...NO_FAULTS,
    beforeRequest: (server, req) => {
      if (server === 'sched') policy.see(req);
      return null;
    },
    site: () => false,
    beforeReply: (_s, _r, reply) => reply,
  };
  return { system, records, policy, priorities_seen: new Set(), checks: 0 };
}

function schedThread(system: System): Thread | undefined {
  return system.serverTask('sched').threads.find((t) => t.state !== 'dead');
}

/**
 * Between two requests (the server waiting), the heap's run queue is the policy model's, and every
 * live client thread runs at the priority and quantum the model gives it (defaults if unmanaged).
 */
function checkPolicy(run: Run): void {
  const { system, policy } = run;
  for (const t of system.clientTasks.flatMap((task) => task.threads)) {
    if (t.state === 'dead') continue;
    run.priorities_seen.add(t.priority);
    expect(t.priority).toBeGreaterThanOrEqual(PRIORITY_MIN);
    expect(t.priority).toBeLessThanOrEqual(PRIORITY_MAX);
  }
  if (schedThread(system)?.state !== 'recv-blocked') return;
  run.checks++;
  expect(readSchedGlobal(system)).toEqual({ expiries_total: policy.expiries_total, run_queue: policy.runQueue() });
  system.clientTasks.forEach((task, c) => {
    const p = policy.procs.get(c);
    for (const t of task.threads.filter((th) => th.state !== 'dead')) {
      expect({ client: c, priority: t.priority, quantum_cycles: t.quantum_cycles }).toEqual({ client: c, priority: p?.current ?? CLIENT_PRIORITY, quantum_cycles: p?.quantum_cycles ?? QUANTUM_DEFAULT_CYCLES });
    }
  });
}

function runChecked(run: Run, until: () => boolean): string {
  return run.system.kernel.run({
    until: () => {
      checkPolicy(run);
      return until();
    },
    until_cycles: RUN_CYCLES,
  });
}

function expectModelObservations(run: Run, workload: Workload): void {
  const model = modelObservations(MODULES, workload, run.system.requests.order);
  run.records.forEach((rec, c) => expect({ client: c, observed: rec }).toEqual({ client: c, observed: model[c] }));
}

const workloadArb = fc.record({
  seed: fc.integer(),
  clients: fc.integer({ min: 1, max: 4 }),
  ops: fc.integer({ min: 4, max: 16 }),
  spins: fc.array(fc.integer({ min: 1_000, max: 60_000 }), { minLength: 4, maxLength: 4 }),
});

describe('sched server', () => {
  for (const mode of ['curios', 'restart'] as const) {
    it(`clients observe the reference model and the kernel follows the policy (${mode})`, () => {
      let expiries = 0;
      const priorities = new Set<number>();
      fc.assert(
        fc.property(workloadArb, ({ seed, clients, ops, spins }) => {
          const workload = makeWorkload({ seed, clients, ops_per_client: ops, modules: [schedModule as ServerModule] });
          const run = boot(mode, workload, spins);
          expect(runChecked(run, () => run.system.clientsDone())).toBe('until');
          expect(run.system.kernel.panic_reason).toBeNull();
          expect(run.checks).toBeGreaterThan(0);
          expectModelObservations(run, workload);
          expiries += run.policy.expiries_total;
          for (const p of run.priorities_seen) priorities.add(p);
        }),
        { numRuns: 12, seed: 0x5c4e },
      );
      // The runs did exercise the policy: expiries arrived, and processes sank and came back.
      expect(expiries).toBeGreaterThan(BALANCE_EXPIRIES);
      expect([...priorities].sort()).toEqual([1, 2, 3]);
    });
  }

  it('a busy process sinks to priority 1 and a balance brings it back to its base', () => {
    const workload: Workload = [[{ server: 'sched', op: 'nice', args: [3] }, ...Array.from({ length: 40 }, (): ClientOp => ({ server: 'sched', op: 'info', args: [] }))]];
    const run = boot('curios', workload, [QUANTUM_DEFAULT_CYCLES + 1]);
    const seen: number[] = [];
    const stop = runChecked(run, () => {
      const t = run.system.clientTasks[0].threads[0];
      if (t.state !== 'dead' && seen[seen.length - 1] !== t.priority) seen.push(t.priority);
      return run.system.clientsDone();
    });
    expect(stop).toBe('until');
    // 2 (boot) → 1 (the spin before `nice`) → 3 (nice) → 2 → 1 … → 3 at the 16th expiry → 2 → 1 …
    expect(seen.slice(0, 5)).toEqual([2, 1, 3, 2, 1]);
    expect(seen.filter((p) => p === 3).length).toBeGreaterThanOrEqual(3);
    expect(run.policy.expiries_total).toBeGreaterThanOrEqual(2 * BALANCE_EXPIRIES);
  });

  it('rejects priorities outside the client band and quanta outside the bounds', () => {
    const bad: ClientOp[] = [0, 4, 6, 7, -1].map((p) => ({ server: 'sched', op: 'nice', args: [p] }));
    const badQ: ClientOp[] = [0, QUANTUM_MIN_CYCLES - 1, QUANTUM_MAX_CYCLES + 1].map((q) => ({ server: 'sched', op: 'setQuantum', args: [q] }));
    const workload: Workload = [[...bad, ...badQ, { server: 'sched', op: 'info', args: [] }]];
    const run = boot('curios', workload, [100]);
    expect(runChecked(run, () => run.system.clientsDone())).toBe('until');
    expect(run.records[0]).toEqual([...bad.map(() => ({ status: 'EINVAL', value: [] })), ...badQ.map(() => ({ status: 'EINVAL', value: [] })), { status: 'OK', value: [CLIENT_PRIORITY, QUANTUM_DEFAULT_CYCLES] }]);
  });

  it('rebuilds the run queue after a restart (curios), and the run goes on by the policy', () => {
    // Every client starts at base 3 and sinks; stopping just after a balance leaves records whose
    // current priority is stale (written before the balance): the rebuild must read them as base.
    const nice3: ClientOp = { server: 'sched', op: 'nice', args: [3] };
    const workload = makeWorkload({ seed: 11, clients: 4, ops_per_client: 24, modules: [schedModule as ServerModule] }).map((ops) => [nice3, ...ops]);
    const run = boot('curios', workload, [25_000, 31_000, 43_000, 21_000]);
    const { system } = run;
    const quiet = () => schedThread(system)?.state === 'recv-blocked';
    expect(runChecked(run, () => run.policy.expiries_total === BALANCE_EXPIRIES && quiet())).toBe('until');
    expect(system.clientsDone()).toBe(false);
    const before = readSchedGlobal(system);
    expect(before?.run_queue.length).toBe(4);
    const recorded = (c: number) => system.machine.memory.bytes[system.ssr.statePhysAddr(system.serverTask('sched'), c, 5) ?? -1];
    expect(before?.run_queue.some((e) => recorded(e.client) !== e.priority)).toBe(true);

    expect(system.kernel.restartTask(system.serverTask('sched'))).toEqual([]);
    expect(system.kernel.run({ until: quiet, until_cycles: RUN_CYCLES })).toBe('until');
    expect(system.serverTask('sched').incarnation).toBe(1);
    expect(readSchedGlobal(system)).toEqual(before);
    checkPolicy(run);

    expect(runChecked(run, () => system.clientsDone())).toBe('until');
    expectModelObservations(run, workload);
  });

  it('while sched is shut down, clients still finish (their calls fail with EDEAD)', () => {
    const workload = makeWorkload({ seed: 5, clients: 3, ops_per_client: 12, modules: [schedModule as ServerModule] });
    const run = boot('curios', workload, [30_000, 30_000, 30_000], NO_HEARTBEAT);
    const { system } = run;
    expect(runChecked(run, () => run.records.every((r) => r.length >= 3))).toBe('until');
    system.kernel.shutdownTask(system.serverTask('sched'));
    expect(system.runClients(RUN_CYCLES)).toBe('until');
    expect(system.kernel.panic_reason).toBeNull();
    for (const rec of run.records) {
      expect(rec.length).toBe(12);
      expect(rec.slice(-1)).toEqual([{ status: 'EDEAD', value: [] }]);
    }
  });

  it('while sched is stopped, reports queue one per task, and the restarted server handles them', () => {
    const spinners: ClientProgram[] = [0, 1, 2].map(() =>
      function* () {
        for (let i = 0; i < 30; i++) yield* sys.spin(QUANTUM_DEFAULT_CYCLES + 1);
      },
    );
    const system = new System({ mode: 'curios', servers: [schedModule.def], clients: spinners, supervisor: NO_HEARTBEAT });
    const task = system.serverTask('sched');
    const endpoint = system.endpoint('sched');
    expect(system.kernel.run({ until: () => (readSchedGlobal(system)?.expiries_total ?? 0) >= 6 && schedThread(system)?.state === 'recv-blocked', until_cycles: RUN_CYCLES })).toBe('until');
    const handled = readSchedGlobal(system)?.expiries_total ?? 0;
    for (const t of task.threads) system.kernel.stopThread(t);
    let queued_max = 0;
    expect(
      system.kernel.run({
        until: () => {
          const reports = endpoint.senders.filter((s) => 'kind' in s);
          queued_max = Math.max(queued_max, reports.length);
          expect(new Set(reports.map((r) => ('kind' in r ? r.badge : 0))).size).toBe(reports.length);
          return system.clientsDone();
        },
        until_cycles: RUN_CYCLES,
      }),
    ).toBe('until');
    expect(queued_max).toBe(3);
    system.kernel.restartTask(task);
    const drained = () => endpoint.senders.length === 0 && schedThread(system)?.state === 'recv-blocked';
    expect(system.kernel.run({ until: drained, until_cycles: RUN_CYCLES })).toBe('until');
    expect(readSchedGlobal(system)?.expiries_total).toBe(handled + 3);
  });
});
