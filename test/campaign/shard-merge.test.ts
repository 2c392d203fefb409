// Sharding and merging in process: shard i of n (i from 1) is a disjoint slice of the cells, the n
// slices cover them all, a sharded run gives exactly its slice of the unsharded results, and
// mergeShards of the n shard files — given in any order — is exactly the unsharded campaign. A set
// with a shard missing, given twice, or of another campaign is refused, naming the file.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { armsOf, cellsOf, type CampaignConfig } from '../../src/campaign/campaign.ts';
import { mergeShards, ShardFileError, type ShardInput } from '../../src/campaign/merge.ts';
import { campaignFile, runCampaign, type CampaignFile } from '../../src/campaign/run.ts';
import { shardCells, shardProblem } from '../../src/campaign/shard.ts';
import { identity } from '../helpers/campaign-file.ts';

const config: CampaignConfig = { seed: 5, servers: ['prng', 'timer'], faults: ['crash', 'bitflip'], modes: ['restart', 'curios'], trials: 3, commits: ['shadow'], clients: 2, ops_per_client: 6 };

const run = async (shard: { index: number; count: number } | null): Promise<CampaignFile> => (await runCampaign(config, { workers: 1, shard, clock_ms: () => 0 })).file;

describe('shards', () => {
  it('count from 1: shards 1..n of n are disjoint and cover every cell once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 9 }), (trials, n) => {
        const cells = cellsOf({ ...config, trials });
        const seen = Array.from({ length: n }, (_, i) => shardCells(cells, { index: i + 1, count: n })).flat().map((c) => c.index);
        expect(seen.sort((a, b) => a - b)).toEqual(cells.map((c) => c.index));
      }),
    );
  });

  it('keep a group’s cells (one server × trial number, which share their golden runs) in one shard', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 9 }), (trials, n) => {
        const cfg = { ...config, trials };
        const shardOf = new Map<string, number>();
        for (let i = 1; i <= n; i++) {
          for (const c of shardCells(cellsOf(cfg), { index: i, count: n })) {
            const group = `${c.server}/${c.trial}`;
            expect(shardOf.get(group) ?? i).toBe(i);
            shardOf.set(group, i);
          }
        }
        expect(shardOf.size).toBe(cfg.servers.length * trials);
      }),
    );
  });

  it('refuses 0/n saying that shards count from 1, and i > n', () => {
    expect(shardProblem({ index: 0, count: 2 })).toBe('shards count from 1 (1/2 … 2/2)');
    expect(shardProblem({ index: 3, count: 2 })).toBe('the shard index must be between 1 and 2');
    expect(shardProblem({ index: 1, count: 0 })).toMatch(/^the shard count must be between 1 and/);
    expect(shardProblem({ index: 2, count: 2 })).toBeNull();
  });
});

describe('mergeShards', () => {
  let whole: Promise<{ file: CampaignFile; results: CampaignFile['results'] }> | null = null;
  const unsharded = () => (whole ??= runCampaign(config, { workers: 1, shard: null, clock_ms: () => 0 }));
  // Shard i of n as `--shard i/n --format json` writes it: its slice of the unsharded results (the
  // next test checks that a sharded run gives exactly that).
  const shardFile = async (index: number, count: number): Promise<ShardInput> => {
    const shard = { index, count };
    const cells = new Set(shardCells(cellsOf(config), shard).map((c) => c.index));
    const results = ((await unsharded()).results ?? []).filter((r) => cells.has(Math.floor(r.index / armsOf(config).length)));
    return { name: `shard-${index}-of-${count}.json`, data: JSON.parse(JSON.stringify(campaignFile(config, results, 0, shard))) };
  };

  it('a sharded run gives its slice of the unsharded results', async () => {
    expect(await run({ index: 2, count: 3 })).toEqual((await shardFile(2, 3)).data);
  });

  it('of n shards, given in any order, is the unsharded campaign', async () => {
    const whole = (await unsharded()).file;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }).chain((n) => fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }).map((order) => ({ n, order }))),
        async ({ n, order }) => {
          const inputs: ShardInput[] = [];
          for (const i of order) inputs.push(await shardFile(i + 1, n));
          expect(identity(mergeShards(inputs))).toEqual(identity(whole));
        },
      ),
      { numRuns: 12 },
    );
  });

  it('refuses a set with one missing, one given twice, or a shard of another campaign, naming it', async () => {
    const [first, second, third] = [await shardFile(1, 3), await shardFile(2, 3), await shardFile(3, 3)];
    const refusal = (inputs: ShardInput[]): unknown => {
      try {
        return { merged: mergeShards(inputs).trials };
      } catch (e) {
        return e instanceof ShardFileError ? e.message : e;
      }
    };
    expect(refusal([first, third])).toBe('merge: 2 of 3 shards given; missing 2');
    expect(refusal([first, second, second])).toBe(`${second.name}: shard 2/3 given twice`);
    const other = { name: 'other.json', data: { ...(third.data as CampaignFile), seed: 6, config: { ...config, seed: 6 } } };
    expect(refusal([first, second, other])).toBe(`other.json: a shard of another campaign (its configuration differs from ${first.name})`);
    // 2 servers × 2 faults × 3 trials, each under 2 modes.
    expect(refusal([third, first, second])).toEqual({ merged: 24 });
  });
});
