// Small random campaign configurations, for properties that run a campaign's cells in the test
// process (one or two servers, a few fault kinds, every mode and commit policy, short workloads).
import fc from 'fast-check';
import type { CampaignConfig } from '../../src/campaign/campaign.ts';
import { FAULT_KINDS } from '../../src/faults/model.ts';
import { targets } from '../../src/servers/catalog.ts';
import { COMPARE_COMMITS, MODES } from '../../src/ssr/modes.ts';

export const smallCampaignArb: fc.Arbitrary<CampaignConfig> = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  servers: fc.shuffledSubarray(targets(), { minLength: 1, maxLength: 2 }),
  faults: fc.shuffledSubarray([...FAULT_KINDS], { minLength: 2, maxLength: 4 }),
  modes: fc.shuffledSubarray([...MODES], { minLength: 1, maxLength: 4 }),
  commits: fc.shuffledSubarray([...COMPARE_COMMITS], { minLength: 1, maxLength: 2 }),
  trials: fc.integer({ min: 1, max: 2 }),
  clients: fc.constant(2),
  ops_per_client: fc.integer({ min: 3, max: 8 }),
});
