// Trials and their golden runs: a plan the golden run never reaches is not-activated without being
// run, and that shortcut gives exactly what running it gives; a single fault placed over the
// golden run fires under every mode alike wherever their golden runs offer what it acts on.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyOutcome } from '../../src/campaign/classify.ts';
import { offers, reaches, runOnce, runTrial, shapeOf, TRIAL_DEFAULTS, type RunRecord, type TrialConfig } from '../../src/campaign/trial.ts';
import { faultArb, placedFaultArb } from '../../src/faults/arbitraries.ts';
import { FAULT_KINDS, type Fault, type FaultKind, type FaultPlan } from '../../src/faults/model.ts';
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

  it("an access point one past its request's span is not reached, and running it fires nothing (it does not spill into the next span)", () => {
    // Found by the property above (seed 1896869680, path 32:0:0): console, mode none, a crash at
    // access 5/11 where span 5 held fewer accesses; the injector kept counting into span 6.
    const cfg = config('console', 'none', 418209201);
    const golden = runOnce(cfg, null);
    const spans = golden.reach.accesses.console ?? [];
    const n = spans.findIndex((_, i) => i + 1 < spans.length && spans[i + 1] > 0) + 1;
    expect(n).toBeGreaterThan(0);
    const plan: FaultPlan = { version: 1, faults: [{ server: 'console', kind: 'crash', trigger: { at: 'access', n, k: spans[n - 1] + 1 } }] };
    expect(reaches(golden.reach, plan.faults[0])).toBe(false);
    expect(runOnce(cfg, plan).fired).toEqual([]);
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
 * Whether a single fault fires may differ between modes only by what the modes themselves change
 * (docs/fault-model.md lists it): modes change the cycles a run takes (SSR checks, maps, copies),
 * so a server whose work depends on virtual time (the timer: whether an alarm is due, when its
 * interrupts come; sched: quantum expiries) may do other work in a request's span. So a trigger
 * may be reached under one mode's golden run and not another's; a regflip or wild write at an
 * access point, which acts on the first access from the k-th on in its span that it can act on
 * (a store; a load or store of at most 4 bytes), may find one under one mode and none under
 * another although both reach the point; and a fault armed at a time waits for the server's next
 * memory access, which one mode's run may not have after it.
 *
 * What is promised, per mode (until a fault fires a run is its golden run): a fault fires only
 * where its golden run offers what it acts on (`offers`), and one at an access point fires
 * exactly where it is offered; and whenever two modes' golden runs both offer a fault, it fires
 * under both or under neither.
 */
describe('a single fault fires under every mode alike', () => {
  const ACCESS_WAITING = new Set<FaultKind>(['hang', 'regflip', 'wild-write']);

  /** A golden run, with its target's access kinds (what `offers` reads of a regflip or a wild write at an access point). */
  function goldenWithKinds(cfg: TrialConfig): RunRecord {
    const golden = runOnce(cfg, null);
    if (golden.reach.access_kinds?.[cfg.target] === undefined) throw new Error(`the golden run recorded no access kinds of ${cfg.target}`);
    return golden;
  }

  /** One case of the property: the fault placed over the restart golden run of `seed`, run under every mode. Whether it fired everywhere. */
  function firesAlikeOnce(server: string, kind: FaultKind, seed: number): boolean {
    const base = config(server, 'restart', seed);
    const [fault] = fc.sample(placedFaultArb(server, kind, shapeOf(base, runOnce(base, null))), { seed, numRuns: 1 });
    const plan: FaultPlan = { version: 1, faults: [fault] };
    const exempt = fault.trigger.at === 'time' && ACCESS_WAITING.has(kind);
    const per = MODES.map((mode) => {
      const cfg = config(server, mode, seed);
      const reach = goldenWithKinds(cfg).reach;
      return { mode, reached: reaches(reach, fault), offered: offers(reach, fault), fired: runOnce(cfg, plan).fired.length > 0 };
    });
    const what = `${JSON.stringify(plan)}, workload seed ${seed}`;
    for (const m of per) {
      if (m.fired) expect(m.reached, `${m.mode}: fired, not reached: ${what}`).toBe(true);
      if (m.fired) expect(m.offered, `${m.mode}: fired where nothing it acts on is offered: ${what}`).toBe(true);
      if (fault.trigger.at === 'access') expect(m.fired, `${m.mode}: at an access point, fired iff offered: ${what}`).toBe(m.offered);
    }
    const offeredByAll = per.filter((m) => m.offered);
    if (!exempt) expect(offeredByAll.map((m) => m.fired), `${what} under ${offeredByAll.map((m) => `${m.mode}:${m.fired}`).join(' ')}`).toEqual(offeredByAll.map(() => offeredByAll[0]?.fired));
    return per.every((m) => m.fired);
  }

  // The property runs with a fixed seed in the default suite (CI cannot flake) and with a fresh
  // seed in the slow suite.
  function firesAlike(params: fc.Parameters<[string, FaultKind, number]>): void {
    let everywhere = 0;
    fc.assert(
      fc.property(fc.constantFrom(...targets()), fc.constantFrom(...FAULT_KINDS), fc.nat({ max: 2 ** 30 }), (server, kind, seed) => {
        if (firesAlikeOnce(server, kind, seed)) everywhere++;
      }),
      { numRuns: 40, ...params },
    );
    // Placement over the golden run makes firing the rule, not the exception.
    expect(everywhere).toBeGreaterThan(40 / 2);
  }

  it('over placed plans: offered under two modes ⇒ fired under both or neither (fixed seed)', () => firesAlike({ seed: 2026 }));

  it('a timer regflip of a store at access 22/8, reached under every mode, fires only where a store follows in its span', () => {
    // Found by the random-seed property when it asked only that the point be reached (workload
    // seed 878758387, 8 ops per client), when placement drew a regflip over every access: span 22
    // is 8 loads under none and restart, so the flip finds no store and does not fire (it does not
    // spill into span 23); under persist and curios, where requests take more cycles, the timer's
    // alarm work after that reply (with its stores) falls in span 22 (under none and restart, in
    // span 24). Placement now puts a store flip on a store of the restart run (never here), but a
    // plan file may still say it.
    const seed = 878758387;
    const fault: Fault = { server: 'timer', kind: 'regflip', trigger: { at: 'access', n: 22, k: 8 }, target: 'store', bit: 22 };
    for (const mode of MODES) {
      const cfg = config('timer', mode, seed);
      const reach = goldenWithKinds(cfg).reach;
      const offered = mode === 'persist' || mode === 'curios';
      expect(reaches(reach, fault), mode).toBe(true);
      expect(offers(reach, fault), mode).toBe(offered);
      expect(runOnce(cfg, { version: 1, faults: [fault] }).fired.length, mode).toBe(offered ? 1 : 0);
    }
  });

  it('a timer crash at access 28/34, reached under every mode, fires under every mode', () => {
    // Seen once fired under none and restart only (not reproduced since; workload seeds 0..400
    // and 900 placed timer crashes all fire alike): whichever workload seed reaches it, it fires.
    const fault = { server: 'timer', kind: 'crash', trigger: { at: 'access', n: 28, k: 34 } } as const;
    for (const seed of [4, 6, 7, 12]) {
      for (const mode of MODES) {
        const cfg = config('timer', mode, seed);
        expect(reaches(runOnce(cfg, null).reach, fault), `${mode} seed ${seed}`).toBe(true);
        expect(runOnce(cfg, { version: 1, faults: [fault] }).fired.length, `${mode} seed ${seed}`).toBe(1);
      }
    }
  });

  describe('over fresh seeds', { tags: ['slow'] }, () => {
    it('over placed plans: offered under two modes ⇒ fired under both or neither (random seed)', () => firesAlike({}));
  });
});
