// RestartPolicy against an independent model of the semantics it claims (as ferd/sups does for
// OTP's supervisors): random configurations and random exit schedules, and every decision —
// ignore, restart (which children, after what delay) or give up — must be the model's.
//
// The model is in restart-model.ts (the system-level supervisor test uses it too).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RESTART_TYPES, RestartPolicy, STRATEGIES, type ExitReason, type RestartPolicyConfig, type RestartType } from '../../src/servers/supervisor/policy.ts';
import { PolicyModel, type Expected } from './restart-model.ts';

const NAMES = ['c0', 'c1', 'c2', 'c3', 'c4'];
const REASONS: ExitReason[] = ['crash', 'hang', 'normal'];

/** A configuration and a schedule of exits, at a scale where window edges are hit often. */
const scenarioArb = fc
  .record({
    children: fc.integer({ min: 1, max: NAMES.length }),
    scale: fc.constantFrom(1, 1_000, 50_000),
    strategy: fc.constantFrom(...STRATEGIES),
    intensity: fc.integer({ min: 0, max: 6 }),
    period: fc.integer({ min: 1, max: 40 }),
    backoff_base: fc.integer({ min: 0, max: 5_000 }),
    backoff_max: fc.integer({ min: 0, max: 200_000 }),
    types: fc.array(fc.constantFrom(...RESTART_TYPES, 'permanent', 'unnamed'), { minLength: NAMES.length, maxLength: NAMES.length }),
    exits: fc.array(fc.record({ child: fc.nat(), gap: fc.integer({ min: 0, max: 30 }), reason: fc.constantFrom(...REASONS) }), { maxLength: 40 }),
  })
  .map((s) => {
    const children = NAMES.slice(0, s.children);
    const restart_types: Record<string, RestartType> = {};
    children.forEach((c, i) => {
      const t = s.types[i];
      if (t !== 'unnamed') restart_types[c] = t;
    });
    const config: RestartPolicyConfig = {
      strategy: s.strategy,
      intensity: s.intensity,
      period_cycles: s.period * s.scale,
      backoff_base_cycles: s.backoff_base,
      backoff_max_cycles: s.backoff_max,
      restart_types,
    };
    let now = 0;
    const exits = s.exits.map((e) => ({ child: children[e.child % children.length], now: (now += e.gap * s.scale), reason: e.reason }));
    return { config, children, exits };
  });

function decisionOf(policy: RestartPolicy, child: string, now: number, reason: ExitReason): Expected {
  const d = policy.onExit(child, now, reason);
  if (d.kind === 'ignore') {
    expect(d.child).toBe(child);
    return { kind: 'ignore' };
  }
  if (d.kind === 'give-up') return { kind: 'give-up', children: d.children };
  return { kind: 'restart', children: d.children, delay_cycles: d.delay_cycles };
}

describe('RestartPolicy against the model of OTP and MINIX 3', () => {
  it('decides exactly as the model, exit by exit, up to and past the give-up point', () => {
    const seen = { restart: 0, ignore: 0, 'give-up': 0, backoff: 0, collateral: 0 };
    fc.assert(
      fc.property(scenarioArb, ({ config, children, exits }) => {
        const policy = new RestartPolicy(config, children);
        const model = new PolicyModel(config, children);
        for (const e of exits) {
          const expected = model.exit(e.child, e.now, e.reason);
          expect({ exit: e, decision: decisionOf(policy, e.child, e.now, e.reason) }).toEqual({ exit: e, decision: expected });
          seen[expected.kind]++;
          if (expected.kind === 'restart' && expected.delay_cycles > 0) seen.backoff++;
          if (expected.kind === 'restart' && expected.children.length > 1) seen.collateral++;
          expect(policy.given_up).toBe(model.gave_up);
        }
      }),
      { numRuns: 3_000, seed: 0x5ced },
    );
    // The runs reached every kind of decision, often.
    for (const [kind, n] of Object.entries(seen)) expect({ kind, n: n > 100 }).toEqual({ kind, n: true });
  });

  it('the examples the semantics are stated with', () => {
    const config: RestartPolicyConfig = { strategy: 'rest-for-one', intensity: 3, period_cycles: 1_000, backoff_base_cycles: 10, backoff_max_cycles: 25, restart_types: { b: 'transient', c: 'temporary' } };
    const policy = new RestartPolicy(config, ['a', 'b', 'c', 'd']);
    expect(policy.onExit('c', 0, 'crash')).toEqual({ kind: 'ignore', child: 'c' });
    expect(policy.onExit('b', 0, 'normal')).toEqual({ kind: 'ignore', child: 'b' });
    expect(policy.onExit('a', 100, 'crash')).toEqual({ kind: 'restart', children: ['a', 'b', 'd'], delay_cycles: 0 });
    expect(policy.onExit('a', 200, 'hang')).toEqual({ kind: 'restart', children: ['a', 'b', 'd'], delay_cycles: 10 });
    expect(policy.onExit('b', 300, 'crash')).toEqual({ kind: 'restart', children: ['b', 'd'], delay_cycles: 0 });
    // 4 restarts within 1000 cycles: give up.
    expect(policy.onExit('d', 400, 'crash')).toMatchObject({ kind: 'give-up', children: ['a', 'b', 'c', 'd'] });
    expect(policy.onExit('a', 5_000, 'crash')).toEqual({ kind: 'ignore', child: 'a' });

    const backoff = new RestartPolicy({ ...config, strategy: 'one-for-one', intensity: 10 }, ['a', 'b', 'c', 'd']);
    expect([0, 1, 2, 3, 4].map((i) => backoff.onExit('a', i, 'crash'))).toEqual([0, 10, 20, 25, 25].map((delay_cycles) => ({ kind: 'restart', children: ['a'], delay_cycles })));
    // Once the earlier restarts age out of the window, the next one is immediate again.
    expect(backoff.onExit('a', 2_000, 'crash')).toEqual({ kind: 'restart', children: ['a'], delay_cycles: 0 });
  });

  // OTP's supervisor keeps a restart in the window while `Now =< Then + Period`: one exactly T
  // cycles old still counts, and so it does here.
  it('counts a restart exactly T cycles old, as OTP does', () => {
    const config: RestartPolicyConfig = { strategy: 'one-for-one', intensity: 1, period_cycles: 1_000, backoff_base_cycles: 10, backoff_max_cycles: 100, restart_types: {} };
    const policy = new RestartPolicy(config, ['a']);
    const otp = new PolicyModel(config, ['a'], (then, now, period) => now <= then + period);
    expect(policy.onExit('a', 0, 'crash')).toEqual(otp.exit('a', 0, 'crash'));
    expect(policy.onExit('a', 1_000, 'crash').kind).toBe(otp.exit('a', 1_000, 'crash').kind);
  });
});
