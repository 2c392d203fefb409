// A campaign over a server whose code, on some plans, allocates 1e9 elements or loops forever in
// plain JavaScript (test/fixtures/hostile, registered through a config file as a user's server
// is): the campaign finishes, reports those trials as host-limit (with the limit each broke),
// keeps them as crash seeds, and keeps every other result — each the same as the trial run alone.
// A host-limit seed replays, in a worker, as host-limit again.
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { cellsOf, cellTrials, type CampaignConfig } from '../../src/campaign/campaign.ts';
import { loadCatalog } from '../../src/campaign/config-file.ts';
import type { CrashSeed } from '../../src/campaign/crash-seeds.ts';
import { HOST_LIMIT_KINDS } from '../../src/campaign/host-limits.ts';
import { replayIsolated } from '../../src/campaign/pool.ts';
import type { TrialResult } from '../../src/campaign/result-types.ts';
import { runCampaign, type CampaignFile } from '../../src/campaign/run.ts';
import { useCatalog } from '../../src/servers/catalog.ts';

const CONFIG = fileURLToPath(new URL('../fixtures/hostile/curios.config.ts', import.meta.url));
/** Short enough for a test, long enough for a trial of this server on a loaded machine. */
const BUDGET_MS = 8_000;

const config: CampaignConfig = { seed: 1, servers: ['hostile'], faults: ['regflip', 'bitflip'], modes: ['restart', 'curios'], trials: 10, commits: ['shadow'], clients: 2, ops_per_client: 6 };

describe('a campaign over a server that allocates without bound or loops forever', { tags: ['slow'] }, () => {
  let file: CampaignFile;
  let results: TrialResult[];
  const seeds: CrashSeed[] = [];

  beforeAll(async () => {
    useCatalog(await loadCatalog(CONFIG));
    ({ file, results } = await runCampaign(config, { workers: 2, shard: null, clock_ms: () => performance.now(), trial_budget_ms: BUDGET_MS, keep: 'broken', onSeed: (s) => void seeds.push(s) }));
  }, 600_000);

  it('finishes with every trial, some of them host-limit, and says the digest depends on the host', () => {
    expect(results.map((r) => r.index)).toEqual([...Array(cellsOf(config).length * config.modes.length).keys()]);
    const limited = results.filter((r) => r.outcome === 'host-limit');
    expect(limited.length).toBeGreaterThan(0);
    for (const r of limited) expect(HOST_LIMIT_KINDS).toContain(r.hostLimit);
    expect(file.hostLimited).toBe(limited.length);
    expect(file.rows.reduce((n, row) => n + row.outcomes['host-limit'], 0)).toBe(limited.length);
  });

  it('keeps every other result: each trial before a host-limit one in its cell is what it gives run alone', () => {
    let compared = 0;
    for (const cell of cellsOf(config)) {
      const mine = results.filter((r) => Math.floor(r.index / config.modes.length) === cell.index);
      const stop = mine.findIndex((r) => r.outcome === 'host-limit');
      const safe = stop < 0 ? mine.length : stop;
      // Run here only the trials that ran to their end in a worker: the next one would stop this process.
      const alone: TrialResult[] = [];
      if (safe > 0) {
        for (const { result } of cellTrials(config, cell, 0)) {
          alone.push(result);
          if (alone.length === safe) break;
        }
      }
      expect(mine.slice(0, safe)).toEqual(alone);
      compared += safe;
    }
    expect(compared).toBeGreaterThan(results.length / 2);
  });

  it('keeps each host-limit trial as a crash seed, as found, which replays in a worker as host-limit', async () => {
    const limited = results.filter((r) => r.outcome === 'host-limit');
    const kept = seeds.filter((s) => s.outcome === 'host-limit');
    expect(kept.map((s) => s.found.index).sort((a, b) => a - b)).toEqual(limited.map((r) => r.index));
    expect(kept.every((s) => s.shrink_runs === 0 && s.lines.length === 0)).toBe(true);
    const replayed = await replayIsolated({ config: kept[0].trial.config, plan: kept[0].trial.plan }, BUDGET_MS);
    expect(replayed.outcome).toBe('host-limit');
  }, 120_000);
});
