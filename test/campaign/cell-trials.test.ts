// What the pool knows of a worker's trials from its messages (pool.ts, worker.ts): a cell's plan,
// told once before the cell's first trial runs, and the arm's position give every trial's spec
// (trialSpecAt) — the spec the worker ran, so a trial stopped by a host limit is kept as a seed
// with the spec it had, without the worker sending a spec per trial.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { smallCampaignArb } from '../helpers/campaign-config.ts';
import { armsOf, cellsOf, cellTrials, trialIndex, trialSpecAt } from '../../src/campaign/campaign.ts';
import type { FaultPlan } from '../../src/faults/model.ts';

describe("a cell's trials", () => {
  it('tell their plan once, before the first trial runs, and each trial ran the spec trialSpecAt gives from it', () => {
    fc.assert(
      fc.property(smallCampaignArb, fc.nat(), fc.nat(), (cfg, c, from) => {
        const cells = cellsOf(cfg);
        const cell = cells[c % cells.length];
        const from_arm = from % armsOf(cfg).length;
        const told: FaultPlan[] = [];
        let yielded = 0;
        for (const { result, spec } of cellTrials(cfg, cell, from_arm, (plan) => void told.push(plan))) {
          // Told before the first trial, and only then.
          expect(told).toHaveLength(1);
          const a = from_arm + yielded++;
          expect(result.index).toBe(trialIndex(cfg, cell, a));
          expect(trialSpecAt(cfg, cell, a, told[0])).toEqual(spec);
        }
        expect(yielded).toBe(armsOf(cfg).length - from_arm);
      }),
      { numRuns: 12 },
    );
  });
});
