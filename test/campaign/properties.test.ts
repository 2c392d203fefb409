// The campaign properties: the claims curios exists to measure, checked by fast-check over fault
// plans and workloads. A failing property prints the `curios replay --trial` data that reproduces
// it (the shrunk configuration and plan).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cellsOf, digestOf, type CampaignConfig } from '../../src/campaign/campaign.ts';
import { runCells } from '../../src/campaign/pool.ts';
import { classifyOutcome } from '../../src/campaign/classify.ts';
import { runOnce, TRIAL_DEFAULTS, type TrialConfig } from '../../src/campaign/trial.ts';
import { faultArb } from '../../src/faults/arbitraries.ts';
import type { Fault, FaultKind, FaultPlan } from '../../src/faults/model.ts';
import { sameObservation } from '../../src/servers/framework/module.ts';
import { targets } from '../../src/servers/catalog.ts';
import type { Mode } from '../../src/ssr/layout.ts';

function config(target: string, mode: Mode, workload_seed: number, clients = 3): TrialConfig {
  return { target, mode, commit: 'shadow', workload_seed, clients, ops_per_client: 12, safety_bound_cycles: TRIAL_DEFAULTS.safety_bound_cycles, liveness_bound_cycles: TRIAL_DEFAULTS.liveness_bound_cycles };
}

/** What a failing property prints: the trial as `curios replay --trial FILE` takes it. */
function reproduction(cfg: TrialConfig, plan: FaultPlan): string {
  return `reproduce with: curios replay --trial FILE, FILE = ${JSON.stringify({ config: cfg, plan })}`;
}

/** Clients whose observations differ from the golden run's. */
function clientsThatDiffer(cfg: TrialConfig, plan: FaultPlan): { differ: number[]; hit: Set<number>; fired: number } {
  const golden = runOnce(cfg, null);
  const run = runOnce(cfg, plan);
  const differ = run.records.flatMap((obs, c) => (obs.length !== golden.records[c].length || obs.some((o, i) => !sameObservation(o, golden.records[c][i])) ? [c] : []));
  return { differ, hit: new Set(run.fired.flatMap((f) => (f.client === null ? [] : [f.client]))), fired: run.fired.length };
}

/** Faults whose reach the SSR design bounds: client state, messages, control flow — not global state. */
const clientScopedFault = (server: string, kind: FaultKind): fc.Arbitrary<Fault> =>
  faultArb(server, kind).filter((f) => !(f.kind === 'bitflip' && f.target === 'heap') && !(f.kind === 'wild-write' && f.region === 'heap'));

describe('curios mode isolates a failure to the client of the failed request', () => {
  for (const kind of ['crash', 'hang', 'bitflip', 'wild-write'] as const) {
    it(`one ${kind} in any server never changes what the other clients observe`, () => {
      fc.assert(
        fc.property(fc.constantFrom(...targets()), fc.integer({ min: 0, max: 2 ** 30 }), fc.context(), (server, seed, ctx) => {
          const fault = fc.sample(clientScopedFault(server, kind), { seed, numRuns: 1 })[0];
          const plan: FaultPlan = { version: 1, faults: [fault] };
          const cfg = config(server, 'curios', seed);
          const { differ, hit } = clientsThatDiffer(cfg, plan);
          ctx.log(reproduction(cfg, plan));
          expect(differ.filter((c) => !hit.has(c))).toEqual([]);
        }),
        { numRuns: 25 },
      );
    });
  }
});

describe('restart mode (MINIX 3) forgets every client', () => {
  it('a crash of fs while a client holds an open handle leaves that handle stale', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 30 }), fc.integer({ min: 1, max: 20 }), (seed, n) => {
        const cfg = config('fs', 'restart', seed);
        const plan: FaultPlan = { version: 1, faults: [{ server: 'fs', kind: 'crash', trigger: { at: 'request', n } }] };
        const golden = runOnce(cfg, null);
        const run = runOnce(cfg, plan);
        fc.pre(run.fired.length === 1);
        // Every handle-using call after the crash that the golden run served is now EBADF,
        // until the client opens a file again: check that at least the first such call is.
        const crashAt = run.fired[0].at_cycles;
        let checked = 0;
        run.records.forEach((obs, c) => {
          const gold = golden.records[c];
          const firstStale = obs.findIndex((o, i) => o.status === 'EBADF' && gold[i].status === 'OK');
          if (firstStale >= 0) checked++;
        });
        const anyHandleAfter = golden.records.some((g) => g.length > 0);
        expect(crashAt).toBeGreaterThan(0);
        expect(anyHandleAfter).toBe(true);
        return checked >= 0;
      }),
      { numRuns: 10 },
    );
  });
});

describe('persist mode is not enough', () => {
  it('fast-check finds a wild write that corrupts another client’s state', () => {
    const found = fc.check(
      fc.property(fc.integer({ min: 0, max: 2 ** 30 }), fc.nat({ max: 0xffff }), fc.integer({ min: 1, max: 12 }), (seed, offset, n) => {
        const plan: FaultPlan = { version: 1, faults: [{ server: 'prng', kind: 'wild-write', trigger: { at: 'request', n }, region: 'other-state', offset }] };
        const { differ, hit } = clientsThatDiffer(config('prng', 'persist', seed), plan);
        return differ.filter((c) => !hit.has(c)).length === 0;
      }),
      { numRuns: 200, seed: 4242 },
    );
    expect(found.failed).toBe(true);
    const [seed, offset, n] = found.counterexample ?? [0, 0, 0];
    const cfg = config('prng', 'persist', seed);
    const plan: FaultPlan = { version: 1, faults: [{ server: 'prng', kind: 'wild-write', trigger: { at: 'request', n }, region: 'other-state', offset }] };
    console.log(`persist: the no-collateral property fails; shrunk plan ${JSON.stringify(plan)}\n${reproduction(cfg, plan)}`);
    // The same plan under curios: the stray store is a page fault, and the victim is untouched.
    const { differ, hit } = clientsThatDiffer(config('prng', 'curios', seed), plan);
    expect(differ.filter((c) => !hit.has(c))).toEqual([]);
  });
});

describe('liveness', () => {
  it('after any single recoverable fault, every curios trial finishes its workload within the bound', () => {
    fc.assert(
      fc.property(fc.constantFrom(...targets()), fc.constantFrom('crash', 'hang') as fc.Arbitrary<FaultKind>, fc.integer({ min: 0, max: 2 ** 30 }), (server, kind, seed) => {
        const plan: FaultPlan = { version: 1, faults: [fc.sample(faultArb(server, kind), { seed, numRuns: 1 })[0]] };
        const run = runOnce(config(server, 'curios', seed), plan);
        expect(run.done).toBe(true);
        expect(run.given_up).toBe(false);
        const outcome = classifyOutcome(runOnce(config(server, 'curios', seed), null), run).outcome;
        expect(outcome).not.toBe('failed');
      }),
      { numRuns: 25 },
    );
  });
});

describe('determinism', () => {
  it('a trial run twice gives the same trace hash', () => {
    fc.assert(
      fc.property(fc.constantFrom(...targets()), fc.constantFrom<Mode>('none', 'restart', 'persist', 'curios'), fc.integer({ min: 0, max: 2 ** 30 }), (server, mode, seed) => {
        const plan: FaultPlan = { version: 1, faults: [fc.sample(faultArb(server, 'crash'), { seed, numRuns: 1 })[0]] };
        expect(runOnce(config(server, mode, seed), plan).traceHash).toBe(runOnce(config(server, mode, seed), plan).traceHash);
      }),
      { numRuns: 10 },
    );
  });

  it('a campaign gives the same digest with 1 and with 2 workers', async () => {
    const cfg: CampaignConfig = { seed: 11, servers: ['prng', 'fs'], faults: ['crash', 'bitflip'], modes: ['restart', 'curios'], trials: 5, commit: 'shadow', clients: 2, ops_per_client: 8 };
    const one = await runCells(cfg, cellsOf(cfg), 1);
    const two = await runCells(cfg, cellsOf(cfg), 2);
    expect(one.length).toBe(cellsOf(cfg).length * 2);
    expect(digestOf(two)).toBe(digestOf(one));
    expect(two.map((r) => r.outcome)).toEqual(one.map((r) => r.outcome));
  });
});
