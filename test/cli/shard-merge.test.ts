// Sharding: `curios campaign --shard i/n` runs a disjoint slice of the cells, and `curios merge`
// of the n shard files is exactly the unsharded campaign — the same digest, the same rows. Shard
// indices count from 0 (--shard 0/n … n-1/n). In process, a property over n in 1..4 and over the
// order the shard files are given in, and the refusal of a shard missing or given twice.
import { realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { CampaignConfig } from '../../src/campaign/campaign.ts';
import { mergeFiles, report, runCampaign, type CampaignFile } from '../../src/cli/campaign.ts';
import { CliError, EXIT } from '../../src/cli/errors.ts';
import { makeWorkDir, runCli } from '../helpers/cli.ts';

const CAMPAIGN = ['campaign', '--trials', '3', '--servers', 'prng,fs', '--faults', 'crash,bitflip', '--clients', '2', '--ops', '6', '--no-store', '--format', 'json'];

const dir = realpathSync(makeWorkDir());

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** What must agree between a merged and an unsharded result (trialsPerSecond is the machine's). */
function identity(f: CampaignFile): Omit<CampaignFile, 'trialsPerSecond'> {
  const { trialsPerSecond: _rate, ...rest } = f;
  return rest;
}

describe('curios campaign --shard i/n, then curios merge', { tags: ['slow'] }, () => {
  const SHARDS = 2;

  it('gives the unsharded result: same digest, same rows', async () => {
    const [whole, ...shards] = await Promise.all([runCli(CAMPAIGN, dir), ...Array.from({ length: SHARDS }, (_, i) => runCli([...CAMPAIGN, '--workers', '1', '--shard', `${i}/${SHARDS}`, '--out', `shard-${i}.json`], dir))]);
    expect(whole.code).toBe(0);
    for (const s of shards) expect(s.code).toBe(0);
    const merged = await runCli(['merge', ...Array.from({ length: SHARDS }, (_, i) => `shard-${i}.json`).reverse(), '--format', 'json'], dir);
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(0);

    const wholeFile = JSON.parse(whole.stdout) as CampaignFile;
    const mergedFile = JSON.parse(merged.stdout) as CampaignFile;
    // 2 servers × 2 faults × 3 trials, each under 4 modes.
    expect(wholeFile.trials).toBe(48);
    expect(mergedFile.digest).toBe(wholeFile.digest);
    expect(identity(mergedFile)).toEqual(identity(wholeFile));
  });

});

describe('merging shards, in process', () => {
  const config: CampaignConfig = { seed: 5, servers: ['prng', 'timer'], faults: ['crash', 'bitflip'], modes: ['restart', 'curios'], trials: 3, commit: 'shadow', clients: 2, ops_per_client: 6 };
  // Each shard file, as `--shard i/n --format json --out FILE` writes it, made once.
  const written = new Set<string>();
  const shardFile = async (index: number, count: number): Promise<string> => {
    const path = join(dir, `in-process-${index}-of-${count}.json`);
    if (!written.has(path)) {
      writeFileSync(path, report((await runCampaign(config, 1, { index, count }, false)).file, 'json', false));
      written.add(path);
    }
    return path;
  };

  it('the merge of n shards, given in any order, is the unsharded campaign', async () => {
    const whole = (await runCampaign(config, 1, null, false)).file;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }).chain((n) => fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }).map((order) => ({ n, order }))),
        async ({ n, order }) => {
          const paths: string[] = [];
          for (const index of order) paths.push(await shardFile(index, n));
          expect(identity(mergeFiles(paths))).toEqual(identity(whole));
        },
      ),
      { numRuns: 12 },
    );
  });

  it('refuses a set of shards with one missing, or one given twice, naming it (exit 2)', async () => {
    const [first, second, third] = [await shardFile(0, 3), await shardFile(1, 3), await shardFile(2, 3)];
    const refusal = (paths: string[]): unknown => {
      try {
        return { merged: mergeFiles(paths).trials };
      } catch (e) {
        return e instanceof CliError ? { message: e.message, code: e.code } : e;
      }
    };
    expect(refusal([first, third])).toEqual({ message: 'merge: 2 of 3 shards given; missing 1', code: EXIT.usage });
    expect(refusal([first, second, second])).toEqual({ message: `${second}: shard 1/3 given twice`, code: EXIT.usage });
    // 2 servers × 2 faults × 3 trials, each under 2 modes.
    expect(refusal([third, first, second])).toEqual({ merged: 24 });
  });
});
