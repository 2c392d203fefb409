// What must agree between two results of one campaign (a merged and an unsharded one, or two
// worker counts): everything but trialsPerSecond, which is the machine's.
import type { CampaignFile } from '../../src/campaign/run.ts';

export function identity(f: CampaignFile): Omit<CampaignFile, 'trialsPerSecond'> {
  const { trialsPerSecond: _rate, ...rest } = f;
  return rest;
}
