// Sharding on the command line: `curios campaign --shard i/n` (i from 1, as vitest, Jest and
// Playwright count) runs a disjoint slice of the cells, and `curios merge` of the n shard files is
// exactly the unsharded campaign — the same digest, the same rows. `--shard 0/n` is refused with a
// line saying shards count from 1. (In process: test/campaign/shard-merge.test.ts.)
import { realpathSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { CampaignFile } from '../../src/campaign/run.ts';
import { identity } from '../helpers/campaign-file.ts';
import { makeWorkDir, runCli } from '../helpers/cli.ts';

const CAMPAIGN = ['campaign', '--trials', '3', '--servers', 'prng,fs', '--faults', 'crash,bitflip', '--clients', '2', '--ops', '6', '--no-store', '--format', 'json'];

const dir = realpathSync(makeWorkDir());

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('curios campaign --shard i/n, then curios merge', { tags: ['slow'] }, () => {
  const SHARDS = 2;

  it('gives the unsharded result: same digest, same rows', async () => {
    const [whole, ...shards] = await Promise.all([runCli(CAMPAIGN, dir), ...Array.from({ length: SHARDS }, (_, i) => runCli([...CAMPAIGN, '--workers', '1', '--shard', `${i + 1}/${SHARDS}`, '--out', `shard-${i + 1}.json`], dir))]);
    expect(whole.code).toBe(0);
    for (const s of shards) expect(s.code).toBe(0);
    const merged = await runCli(['merge', ...Array.from({ length: SHARDS }, (_, i) => `shard-${i + 1}.json`).reverse(), '--format', 'json'], dir);
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

describe('curios campaign --shard', () => {
  it('refuses 0/n with one line saying shards count from 1 (exit 2)', async () => {
    const r = await runCli([...CAMPAIGN, '--shard', '0/2'], dir);
    expect({ code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({ code: 2, stderr: 'curios: --shard 0/2: shards count from 1 (1/2 … 2/2)\n', stdout: '' });
  });

  it('refuses i > n (exit 2)', async () => {
    const r = await runCli([...CAMPAIGN, '--shard', '3/2'], dir);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 2, stderr: 'curios: --shard 3/2: the shard index must be between 1 and 2\n' });
  });
});
