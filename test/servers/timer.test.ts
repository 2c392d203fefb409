// timer against its reference model: random interleaved workloads (set, cancel, remaining, wait)
// from several clients, fault-free in `curios` and `restart` mode, must be observed exactly as
// the model says; and a crash in `curios` mode must be recovered from every client's state — the
// alarm queue rebuilt as it was, and the hardware programmed with the earliest future deadline.
//
// `wait` is several calls (remaining, sleep, …, collect), so the request log holds more requests
// than a client has operations; `modelObservations` still gives each client's observations in its
// own order, which is all the timer model needs: a client's alarms are its own.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClientOp, Observation, ServerModule } from '../../src/servers/framework/module.ts';
import type { System } from '../../src/servers/system.ts';
import { ALARMS_MAX, readTimerGlobal, timerModule, type TimerGlobal } from '../../src/servers/timer/index.ts';
import { makeWorkload, modelObservations, workloadProgram, type Workload } from '../../src/servers/workload.ts';
import { singleServer } from '../helpers/single-server.ts';

const RUN_CYCLES_MAX = 500_000_000;
/**
 * The server waits for requests and has seen every interrupt: the kernel polls the timer only
 * between slices, so a deadline can be overdue for a moment before its interrupt is raised.
 */
const noOverdueDeadline = (system: System) => {
  const deadline = system.machine.timer.deadline_cycles;
  return deadline === null || deadline > system.now;
};
const { modules: MODULES, boot, runWorkload, serverIdle, answered, crashAndRecover, phased: phasedWith } = singleServer(timerModule as ServerModule, RUN_CYCLES_MAX, noOverdueDeadline);
const phased = (phases: ClientOp[][], record: Observation[]) => phasedWith(phases, record, 100_000);

/** Runs until the server has handled every interrupt (a deadline may pass as the last client ends). */
function settle(system: System): void {
  expect(system.run({ until: () => serverIdle(system), steps_max: 10_000 })).toBe('until');
}

/**
 * The global state, and the virtual time it was read at: `readServerMemory` charges the copy to
 * the clock, so the time must be taken before the read.
 */
function snapshot(system: System): { now_cycles: number; global: TimerGlobal } {
  const now_cycles = system.now;
  return { now_cycles, global: readTimerGlobal(system) };
}

/** What the hardware must hold: the earliest queued deadline still in the future. */
function expectHardwareConsistent(system: System, { now_cycles, global }: { now_cycles: number; global: TimerGlobal }): void {
  const next = global.queue.map((a) => a.deadline_cycles).find((d) => d > now_cycles) ?? null;
  expect(global.hw_deadline_cycles).toBe(next);
  expect(system.machine.timer.deadline_cycles).toBe(next);
}

function op(name: string, args: number[]): ClientOp {
  return { server: 'timer', op: name, args };
}

describe('timer: fault-free runs match the reference model', () => {
  for (const mode of ['curios', 'restart'] as const) {
    it(`random workloads, ${mode} mode`, () => {
      fc.assert(
        fc.property(fc.integer(), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 5, max: 40 }), (seed, clients, ops_per_client) => {
          const workload = makeWorkload({ seed, clients, ops_per_client, modules: [timerModule as ServerModule] });
          const { system, records } = runWorkload(mode, workload);
          expect(records).toEqual(modelObservations(MODULES, workload, system.requests.order));
          settle(system);
          const state = snapshot(system);
          expect(state.global.queue.every((a) => a.client < clients)).toBe(true);
          expectHardwareConsistent(system, state);
        }),
        { numRuns: 50 },
      );
    });
  }

  it('ids per client from 1; wait collects once; EMFILE past the limit; ENOENT for unknown alarms', () => {
    const sets = Array.from({ length: ALARMS_MAX + 1 }, (_, i) => op('set', [1000 * (i + 1)]));
    const workload: Workload = [
      [...sets, op('wait', [0]), op('wait', [0]), op('cancel', [0]), op('cancel', [1]), op('remaining', [2]), op('remaining', [1]), op('set', [5]), op('wait', [8])],
      [op('set', [300]), op('wait', [0]), op('remaining', [0]), op('cancel', [7])],
    ];
    const { system, records } = runWorkload('curios', workload);
    expect(records).toEqual(modelObservations(MODULES, workload, system.requests.order));
    const statuses = records[0].map((o) => o.status);
    expect(records[0].slice(0, ALARMS_MAX).map((o) => o.value[0])).toEqual(Array.from({ length: ALARMS_MAX }, (_, i) => i + 1));
    expect(statuses.slice(ALARMS_MAX)).toEqual(['EMFILE', 'OK', 'ENOENT', 'ENOENT', 'OK', 'OK', 'ENOENT', 'OK', 'OK']);
    expect(records[1].map((o) => o.status)).toEqual(['OK', 'OK', 'ENOENT', 'ENOENT']);
    expect(records[1][0].value).toEqual([1]);
  });
});

describe('timer: recovery in curios mode rebuilds the queue and the hardware deadline', () => {
  it('a crash between two phases is invisible to the clients', () => {
    const clients = 3;
    const first = (c: number): ClientOp[] => [op('set', [3_000_000 + 100_000 * c]), op('set', [1_000_000 + 50_000 * c]), op('set', [2_000_000]), op('cancel', [2]), op('set', [4_000_000 - 10 * c])];
    const second = (): ClientOp[] => [op('remaining', [2]), op('wait', [1]), op('cancel', [0]), op('wait', [3]), op('wait', [0])];
    const workload: Workload = Array.from({ length: clients }, (_, c) => [...first(c), ...second()]);
    const records = workload.map((): Observation[] => []);
    const programs = Array.from({ length: clients }, (_, c) => phased([first(c), second()], records[c]));
    const system = boot('curios', programs);

    const phase_one_requests = clients * first(0).length;
    expect(system.run({ until: () => answered(system) === phase_one_requests && serverIdle(system) })).toBe('until');
    const before = readTimerGlobal(system);
    expect(before.queue).toHaveLength(3 * clients);
    expect(before.hw_deadline_cycles).toBe(before.queue[0].deadline_cycles);
    expect(system.machine.timer.deadline_cycles).toBe(before.hw_deadline_cycles);

    crashAndRecover(system);
    expect(system.serverTask('timer').incarnation).toBe(1);
    expect(readTimerGlobal(system)).toEqual(before);
    expect(system.machine.timer.deadline_cycles).toBe(before.hw_deadline_cycles);

    expect(system.runClients(RUN_CYCLES_MAX)).toBe('until');
    expect(records).toEqual(modelObservations(MODULES, workload, system.requests.order));
    expect(readTimerGlobal(system)).toEqual({ queue: [], hw_deadline_cycles: null });
  });

  it('random workloads crashed at a random request: the queue comes back as it was', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 2, max: 4 }), fc.nat(), (seed, clients, crash_pick) => {
        const workload = makeWorkload({ seed, clients, ops_per_client: 25, modules: [timerModule as ServerModule] });
        const records = workload.map((): Observation[] => []);
        const system = boot('curios', workload.map((ops, c) => workloadProgram(MODULES, ops, records[c])));
        const crash_after = crash_pick % (clients * 25 + 1);
        expect(system.run({ until: () => answered(system) >= crash_after && serverIdle(system), until_cycles: RUN_CYCLES_MAX })).toBe('until');
        const before = snapshot(system);
        expectHardwareConsistent(system, before);
        crashAndRecover(system);
        const after = snapshot(system);
        expect(after.global.queue).toEqual(before.global.queue);
        expectHardwareConsistent(system, after);
        // Nothing a client holds is lost: the rest of the run is observed as the model says.
        expect(system.runClients(RUN_CYCLES_MAX)).toBe('until');
        expect(records).toEqual(modelObservations(MODULES, workload, system.requests.order));
        settle(system);
        expectHardwareConsistent(system, snapshot(system));
      }),
      { numRuns: 40 },
    );
  });
});
