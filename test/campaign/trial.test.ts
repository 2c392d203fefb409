// Trials and their golden runs: a plan the golden run never reaches is not-activated without being
// run, and that shortcut gives exactly what running it gives; a single fault placed over the
// golden run fires under every mode alike.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyOutcome } from '../../src/campaign/classify.ts';
import { reaches, runOnce, runTrial, shapeOf, TRIAL_DEFAULTS, type TrialConfig } from '../../src/campaign/trial.ts';
import { faultArb, placedFaultArb } from '../../src/faults/arbitraries.ts';
import { FAULT_KINDS, type FaultKind, type FaultPlan } from '../../src/faults/model.ts';
import { profileFor, targets } from '../../src/servers/catalog.ts';
import { MODES, type Mode } from '../../src/ssr/modes.ts';

function config(target: string, mode: Mode, workload_seed: number): TrialConfig {
  return { target, mode, commit: 'shadow', workload_seed, clients: 3, ops_per_client: 8, safety_bound_cycles: TRIAL_DEFAULTS.safety_bound_cycles, liveness_bound_cycles: TRIAL_DEFAULTS.liveness_bound_cycles, isolated: true };
}

const sitesOf = (server: string) => profileFor(server).servers.find((d) => d.name === server)?.sites ?? [];

describe('a plan the golden run never reaches is not-activated without running it', () => {
  it('the shortcut gives the same outcome, trace hash and fired faults as running the trial', () => {
    let shortcuts = 0;
    let runs = 0;
    fc.assert(
      fc.property(fc.constantFrom(...targets()), fc.constantFrom(...MODES), fc.constantFrom(...FAULT_KINDS), fc.nat({ max: 2 ** 30 }), fc.boolean(), (server, mode, kind, seed, placed) => {
        const cfg = config(server, mode, seed);
        const golden = runOnce(cfg, null);
        // Half the faults anywhere in their range (mostly out of reach), half placed over the run.
        const arb = placed ? placedFaultArb(server, kind, shapeOf(cfg, golden)) : faultArb(server, kind, sitesOf(server));
        const [fault] = fc.sample(arb, { seed, numRuns: 1 });
        const plan: FaultPlan = { version: 1, faults: [fault] };
        const short = runTrial(cfg, plan, golden);
        const full = runOnce(cfg, plan);
        if (short === golden) shortcuts++;
        else runs++;
        expect(short.traceHash).toBe(full.traceHash);
        expect(short.fired).toEqual(full.fired);
        expect(classifyOutcome(golden, short)).toEqual(classifyOutcome(golden, full));
      }),
      { numRuns: 40 },
    );
    expect(shortcuts).toBeGreaterThan(0);
    expect(runs).toBeGreaterThan(0);
  });

  it('a fault the golden run reaches is run (a trigger inside the run is never cut short)', () => {
    const cfg = config('prng', 'curios', 11);
    const golden = runOnce(cfg, null);
    const plan: FaultPlan = { version: 1, faults: [{ server: 'prng', kind: 'crash', trigger: { at: 'request', n: 1 } }] };
    expect(reaches(golden.reach, plan.faults[0])).toBe(true);
    expect(runTrial(cfg, plan, golden).fired.length).toBe(1);
  });
});

/**
 * Whether a single fault fires may differ between modes only by what the modes themselves change.
 * Placed over the baseline golden run, a trigger is reached under every mode: modes change the
 * cycles a run takes (SSR checks, maps, copies), not the server's requests or the memory accesses
 * its code makes. What legitimately differs (docs/fault-model.md): a fault armed at a time that
 * waits for the server's next memory access, when the server makes none after that time in one
 * mode's run (its length differs); and an SSR flip under a mode that keeps no SSRs lands in the
 * server's own copy of the state instead — it fires in both.
 */
describe('a single fault fires under every mode alike', () => {
  const ACCESS_WAITING = new Set<FaultKind>(['hang', 'regflip', 'wild-write']);
  it('over placed plans, fired under one mode ⇔ fired under every other', () => {
    let everywhere = 0;
    fc.assert(
      fc.property(fc.constantFrom(...targets()), fc.constantFrom(...FAULT_KINDS), fc.nat({ max: 2 ** 30 }), (server, kind, seed) => {
        const base = config(server, 'restart', seed);
        const [fault] = fc.sample(placedFaultArb(server, kind, shapeOf(base, runOnce(base, null))), { seed, numRuns: 1 });
        const plan: FaultPlan = { version: 1, faults: [fault] };
        const fired = MODES.map((mode) => runOnce(config(server, mode, seed), plan).fired.length > 0);
        const exempt = fault.trigger.at === 'time' && ACCESS_WAITING.has(kind);
        if (!exempt) expect(fired, `${JSON.stringify(plan)} fired under ${MODES.filter((_, i) => fired[i]).join(', ')}`).toEqual(MODES.map(() => fired[0]));
        if (fired.every((f) => f)) everywhere++;
      }),
      { numRuns: 40 },
    );
    // Placement over the golden run makes firing the rule, not the exception.
    expect(everywhere).toBeGreaterThan(40 / 2);
  });
});
