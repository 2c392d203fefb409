// The dashboard's faults: drawn at a seeded rate or asked for by hand, each an ordinary fault of
// src/faults with a trigger that says when it fires, applied in due-time order.
import { describe, expect, it } from 'vitest';
import { demoProfile, modulesOf } from '../../src/servers/catalog.ts';
import { System } from '../../src/servers/system.ts';
import { FaultSchedule, type ScheduleConfig } from '../../tui/live/fault-schedule.ts';
import { ClientSink, endlessProgram, RoundSource } from '../../tui/live/endless-workload.ts';

function setup(fault_rate: number, seed = 1) {
  const profile = demoProfile();
  const source = new RoundSource(seed, 2, profile.modules);
  const system = new System({ mode: 'curios', servers: profile.servers, clients: [0, 1].map((c) => endlessProgram(source, modulesOf(profile), c, new ClientSink())) });
  const cfg: ScheduleConfig = { seed, fault_rate, servers: profile.servers, clients: 2 };
  return { system, schedule: new FaultSchedule(system, cfg) };
}

/** Runs to `until`, applying injections as the live simulation does; returns them. */
function runTo(system: System, schedule: FaultSchedule, until: number) {
  const applied = [];
  while (system.now < until) {
    applied.push(...schedule.injectDue());
    system.run({ until: () => (schedule.tick(), false), until_cycles: Math.min(until, schedule.nextDue()) });
  }
  return applied;
}

describe('FaultSchedule', () => {
  it('injects nothing at rate 0', () => {
    const { system, schedule } = setup(0);
    expect(schedule.nextDue()).toBe(Number.POSITIVE_INFINITY);
    expect(runTo(system, schedule, 2_000_000)).toEqual([]);
  });

  it('draws the same faults at the same times from the same seed, at about the rate asked', () => {
    const a = setup(4, 3);
    const b = setup(4, 3);
    const fa = runTo(a.system, a.schedule, 5_000_000);
    const fb = runTo(b.system, b.schedule, 5_000_000);
    expect(fa).toEqual(fb);
    expect(fa.length).toBeGreaterThan(5);
    expect(fa.length).toBeLessThan(40);
    expect(fa.every((f) => f.source === 'rate')).toBe(true);
  });

  it('turns each key into a fault with the trigger it needs', () => {
    const { system, schedule } = setup(0);
    system.run({ until_cycles: 100_000 });
    const now = system.now;
    expect(schedule.requestHand('crash', 'fs').fault).toEqual({ server: 'fs', kind: 'crash', trigger: { at: 'time', cycles: now } });
    expect(schedule.requestHand('hang', 'net').fault).toEqual({ server: 'net', kind: 'hang', trigger: { at: 'request', n: 1 } });
    expect(schedule.requestHand('corrupt', 'timer').fault).toMatchObject({ server: 'timer', kind: 'bitflip', trigger: { at: 'time', cycles: now }, target: 'ssr' });
    expect(schedule.requestHand('corrupt', 'console').fault).toMatchObject({ kind: 'bitflip', target: 'heap' });
    expect(schedule.requestHand('wild-write', 'fs').fault).toMatchObject({ kind: 'wild-write', trigger: { at: 'request', n: 1 }, region: 'other-state' });
    expect(schedule.hand_log).toHaveLength(5);
    expect(schedule.nextDue()).toBe(now);
    expect(schedule.injectDue().map((i) => i.kind)).toEqual(['crash', 'hang', 'corrupt', 'corrupt', 'wild-write']);
  });

  it('fires what it applied, and carries unfired faults over to the next injector', () => {
    const { system, schedule } = setup(0);
    system.run({ until_cycles: 100_000 });
    schedule.requestHand('hang', 'prng');
    schedule.injectDue();
    schedule.requestHand('crash', 'fs');
    runTo(system, schedule, 1_000_000);
    const fired = schedule.drainFired().map((f) => `${f.kind} ${f.server}`);
    expect(fired).toEqual(expect.arrayContaining(['crash fs', 'hang prng']));
    expect(schedule.drainFired()).toEqual([]);
  });

  it('refuses a server that does not exist', () => {
    const { schedule } = setup(0);
    expect(() => schedule.requestHand('crash', 'nosuch')).toThrow(/no server named nosuch/);
  });
});
