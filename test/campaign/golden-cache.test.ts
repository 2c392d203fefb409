// Golden runs shared between cells (golden-cache.ts): the cells of one server × trial number run
// one workload, so a worker makes their golden runs once. Sharing must be exact: a campaign run
// with one cache for every cell gives, trial for trial, the results of one where every cell makes
// every golden run afresh — whatever the seed, the servers, the arms and the cache's bound.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { smallCampaignArb } from '../helpers/campaign-config.ts';
import { armsOf, cellsOf, runCell, type CampaignConfig } from '../../src/campaign/campaign.ts';
import { GoldenCache } from '../../src/campaign/golden-cache.ts';
import { runOnce, runTrial, TRIAL_DEFAULTS, type TrialConfig } from '../../src/campaign/trial.ts';
import { classifyOutcome } from '../../src/campaign/classify.ts';
import { shrinkTrial } from '../../src/campaign/shrink.ts';
import type { FaultPlan } from '../../src/faults/model.ts';
import { targets } from '../../src/servers/catalog.ts';
import { faultFreeKey } from '../../src/ssr/modes.ts';


/** Every cell with a fresh cache: every golden run made for its own cell (as before sharing). */
const afresh = (cfg: CampaignConfig) => cellsOf(cfg).flatMap((cell) => runCell(cfg, cell));

describe('the golden cache', () => {
  it('gives every trial the result it has when every golden run is made afresh, making each group’s once', () => {
    fc.assert(
      fc.property(smallCampaignArb, fc.integer({ min: 1, max: 8 }), (cfg, runs_kept) => {
        const shared = new GoldenCache();
        expect(cellsOf(cfg).flatMap((cell) => runCell(cfg, cell, shared))).toEqual(afresh(cfg));
        // One golden run per group (server × trial number) and arm, the baseline (restart) included, the arms of modes alike before a failure (none, restart) sharing one (golden-share.test.ts).
        const arms = new Set([...armsOf(cfg), { mode: 'restart' as const, commit: null }].map((a) => `${faultFreeKey(a.mode)} ${a.commit}`));
        expect(shared.made).toBe(cfg.servers.length * cfg.trials * arms.size);
        // A small bound drops runs and makes them again: still the same results.
        const small = new GoldenCache(runs_kept);
        expect(cellsOf(cfg).flatMap((cell) => runCell(cfg, cell, small))).toEqual(afresh(cfg));
        expect(small.made).toBeGreaterThanOrEqual(shared.made);
      }),
      { numRuns: 4 },
    );
  });

  it('tells configurations apart by every field, not by the order they were written in', () => {
    const cfg: TrialConfig = { target: 'prng', mode: 'restart', commit: 'shadow', workload_seed: 7, clients: 2, ops_per_client: 5, safety_bound_cycles: TRIAL_DEFAULTS.safety_bound_cycles, liveness_bound_cycles: TRIAL_DEFAULTS.liveness_bound_cycles, isolated: true };
    const cache = new GoldenCache();
    const first = cache.golden(cfg);
    expect(cache.golden(Object.fromEntries(Object.entries(cfg).reverse()) as unknown as TrialConfig)).toBe(first);
    expect(cache.made).toBe(1);
    for (const other of [{ ...cfg, workload_seed: 8 }, { ...cfg, mode: 'curios' as const }, { ...cfg, ops_per_client: 6 }, { ...cfg, isolated: false }]) {
      expect(cache.golden(other).traceHash).toBe(runOnce(other, null).traceHash);
    }
    expect(cache.made).toBe(5);
  });

  it('shrinks a failing trial to the same seed as making every candidate’s golden run afresh', () => {
    // A cache that keeps nothing: every golden run made anew, as the shrink did before it shared them.
    const none = { golden: (c: TrialConfig) => runOnce(c, null) } as unknown as GoldenCache;
    fc.assert(
      fc.property(fc.constantFrom(...targets()), fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 2, max: 6 }), (target, workload_seed, n) => {
        const config: TrialConfig = { target, mode: 'none', commit: 'shadow', workload_seed, clients: 2, ops_per_client: 6, safety_bound_cycles: TRIAL_DEFAULTS.safety_bound_cycles, liveness_bound_cycles: TRIAL_DEFAULTS.liveness_bound_cycles, isolated: true };
        const plan: FaultPlan = { version: 1, faults: [{ server: target, kind: 'crash', trigger: { at: 'request', n } }] };
        const golden = runOnce(config, null);
        const outcome = classifyOutcome(golden, runTrial(config, plan, golden)).outcome;
        const cache = new GoldenCache();
        const shared = shrinkTrial(config, plan, outcome, 24, undefined, cache);
        expect(shared.attempts).toBeGreaterThan(0);
        expect(shared).toEqual(shrinkTrial(config, plan, outcome, 24, undefined, none));
        // A crash at request n ≥ 2 first shrinks to an earlier request: a candidate that changes only
        // the plan, whose golden run is the trial's own.
        expect(cache.made).toBeLessThan(shared.attempts + 1);
      }),
      { numRuns: 6 },
    );
  });

  it('keeps at least one run', () => {
    expect(() => new GoldenCache(0)).toThrow('a golden cache keeps at least one run, not 0');
  });
});
