// The order a pool hands a run's groups out in (sharesOf in src/campaign/pool.ts): each worker a
// contiguous part of the groups, in cell order. The results do not depend on it
// (properties.test.ts: the same digest with 1 and with 2 workers); what it must keep is that every
// group is run once, whole, and by one worker unless taken from its share at the end.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CAMPAIGN_DEFAULTS, cellsOf, type CampaignConfig } from '../../src/campaign/campaign.ts';
import { groupsOf, sharesOf } from '../../src/campaign/pool.ts';
import { FAULT_KINDS } from '../../src/faults/model.ts';
import { MODES } from '../../src/ssr/modes.ts';

const configArb = fc.record({
  servers: fc.uniqueArray(fc.constantFrom('console', 'prng', 'fs', 'disk', 'net', 'timer', 'sched'), { minLength: 1 }),
  trials: fc.integer({ min: 1, max: 9 }),
  faults: fc.subarray([...FAULT_KINDS], { minLength: 1 }),
});

describe("a run's shares", () => {
  it('hold every group once, whole; share k is the k-th contiguous part of the groups, in order; one worker has the whole run in cell order', () => {
    fc.assert(
      fc.property(configArb, fc.integer({ min: 1, max: 8 }), ({ servers, trials, faults }, workers) => {
        const cfg: CampaignConfig = { seed: 1, servers, faults, modes: [...MODES], trials, ...CAMPAIGN_DEFAULTS };
        const groups = groupsOf(cellsOf(cfg));
        const shares = sharesOf(groups, workers);
        expect(shares).toHaveLength(workers);
        // Every group once, whole (the same cells, in the same order inside it).
        expect(shares.flat().sort((a, b) => a[0].index - b[0].index)).toEqual(groups);
        // Contiguous parts, in order, of sizes that differ by one at most.
        let start = 0;
        for (const share of shares) {
          expect(share).toEqual(groups.slice(start, start + share.length));
          start += share.length;
        }
        const sizes = shares.map((s) => s.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        expect(sharesOf(groups, 1)[0]).toEqual(groups);
      }),
      { numRuns: 200 },
    );
  });
});
