// `curios campaign` over a user's server that, on some plans, loops forever or allocates without
// bound (test/fixtures/hostile, through --config): the command finishes with exit 0, its table
// counts those trials as host-limit, and its header says the digest depends on the host.
import { fileURLToPath } from 'node:url';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { shortHash } from '../../src/campaign/report/columns.ts';
import type { CampaignFile } from '../../src/campaign/run.ts';
import { makeWorkDir, runCli } from '../helpers/cli.ts';

const CONFIG = fileURLToPath(new URL('../fixtures/hostile/curios.config.ts', import.meta.url));
const dir = makeWorkDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Seed 2's regflip plans make the server hostile in some of the eight trials (a flipped bit 0 or
// bit 16 up of the count it reads back); seed 1's did before regflips were placed over the
// accesses they can act on (stop 21), and none do now.
const CAMPAIGN = ['campaign', '--config', CONFIG, '--servers', 'hostile', '--faults', 'regflip', '--modes', 'restart,curios', '--trials', '4', '--seed', '2', '--trial-budget', '5000', '--workers', '2', '--no-store'];

describe('curios campaign over a hostile server', { tags: ['slow'] }, () => {
  it('finishes (exit 0), reports the host-limit trials and says the digest depends on the host', async () => {
    const r = await runCli([...CAMPAIGN, '--format', 'json'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/\n?8 trials, [0-9.]+ trials\/s; crash seeds not stored \(--no-store\)\n$/);
    const file = JSON.parse(r.stdout) as CampaignFile;
    expect(file.trials).toBe(8);
    expect(file.hostLimited).toBeGreaterThan(0);
    expect(file.rows.reduce((n, row) => n + row.outcomes['host-limit'], 0)).toBe(file.hostLimited);
    const text = await runCli(CAMPAIGN, dir);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`digest ${shortHash(file.digest)} (${file.hostLimited} trial${file.hostLimited === 1 ? '' : 's'} stopped by a host limit: this digest depends on the host)`);
    // The host-limit column ("host" in the table that fits 100 columns).
    expect(text.stdout.split('\n')[1]).toMatch(/ host /);
  }, 300_000);
});
