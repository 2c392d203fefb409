// No data lost at the command line: a second process writing the store is refused with one clear
// line (the store does not wait: src/store/lock.ts), two campaigns started together leave a
// database that reads and holds every seed either reported, and a campaign killed with SIGKILL
// while it saves its seeds leaves every seed it reported (test/store/crash.test.ts does the same
// with a child that adds sample seeds straight to the store).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { linesOf, makeWorkDir, reportedSeeds, runCli, startCli, type CliResult } from '../helpers/cli.ts';

const EXIT_STORE = 4;
const HOLD_STORE = fileURLToPath(new URL('./fixtures/hold-store.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A small campaign that stores crash seeds (mode none leaves crashed servers down: failed; mode none
 * promises nothing, so only --keep all stores them). */
const campaign = (seed: number): string[] => ['campaign', '--seed', String(seed), '--servers', 'prng', '--faults', 'bitflip,hang', '--modes', 'none,curios', '--trials', '2', '--clients', '2', '--ops', '6', '--workers', '1', '--format', 'json', '--db', 'db.json', '--keep', 'all', '--verbose'];

let dir: string;
let db: string;

beforeEach(() => {
  dir = realpathSync(makeWorkDir());
  db = join(dir, 'db.json');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The seeds in the store, id → outcome, read in this process (which also checks that it reads). */
function storedSeeds(): Map<string, string> {
  const store = openStore(db);
  try {
    return new Map(store.listSeeds().map((s) => [s.id, s.outcome]));
  } finally {
    store.close();
  }
}

function storedCampaigns(): unknown[] {
  return (JSON.parse(readFileSync(db, 'utf8')) as { campaigns: unknown[] }).campaigns;
}

describe('two writers', { tags: ['slow'] }, () => {
  it('refuses a campaign while another process holds the store, then lets it in', async () => {
    const holder = spawn(process.execPath, ['--import', 'tsx', HOLD_STORE, db], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    const holderEnded = new Promise<number | null>((resolve) => holder.on('close', resolve));
    await new Promise<void>((resolve, reject) => {
      holder.stdout.setEncoding('utf8').on('data', (chunk: string) => chunk.includes('opened') && resolve());
      void holderEnded.then((code) => reject(new Error(`the holder exited (${code}) before opening the store`)));
    });

    const refused = await runCli(campaign(1), dir);
    expect(refused.code).toBe(EXIT_STORE);
    expect(refused.stdout).toBe('');
    expect(linesOf(refused.stderr)).toEqual([`curios: the curios database is locked by pid ${holder.pid}: ${db}.lock. Wait for that process to finish; if it is not curios, delete the lock file`]);
    // Refused before any trial ran: nothing written, and the holder's lock is still its own.
    expect(existsSync(db)).toBe(false);
    expect(readFileSync(`${db}.lock`, 'utf8')).toBe(`${holder.pid}\n`);

    holder.stdin.end();
    expect(await holderEnded).toBe(0);
    const admitted = await runCli(campaign(1), dir);
    expect(admitted.code).toBe(0);
    const reported = reportedSeeds(linesOf(admitted.stderr));
    expect(reported.size).toBeGreaterThan(0);
    expect(storedSeeds()).toEqual(reported);
    expect(storedCampaigns()).toHaveLength(1);
  });

  it('two campaigns at once: each runs or is refused with the lock line; the store reads and holds every seed reported', async () => {
    const runs: CliResult[] = await Promise.all([runCli(campaign(1), dir), runCli(campaign(2), dir)]);
    const ran = runs.filter((r) => r.code === 0);
    expect(ran.length).toBeGreaterThan(0);
    for (const r of runs.filter((x) => x.code !== 0)) {
      expect(r.code).toBe(EXIT_STORE);
      expect(linesOf(r.stderr).at(-1)).toMatch(/^curios: the curios database is locked by pid \d+: .*db\.json\.lock\. Wait for that process to finish/);
    }
    const reported = new Map(runs.flatMap((r) => [...reportedSeeds(linesOf(r.stderr))]));
    expect(reported.size).toBeGreaterThan(0);
    const stored = storedSeeds();
    for (const [id, outcome] of reported) expect(stored.get(id)).toBe(outcome);
    expect(storedCampaigns()).toHaveLength(ran.length);
    expect(existsSync(`${db}.lock`)).toBe(false);
  });
});

describe('a campaign killed with SIGKILL while it saves its seeds', { tags: ['slow'] }, () => {
  it('leaves a store that reads and holds every seed it reported, and at most one more', async () => {
    // Mode none fails often: many seeds to shrink and save, one by one, after the trials.
    const child = startCli(['campaign', '--seed', '1', '--servers', 'prng,console,sched', '--faults', 'crash,hang,wild-write,regflip', '--modes', 'none', '--trials', '6', '--clients', '2', '--ops', '6', '--workers', '1', '--format', 'json', '--db', 'db.json', '--keep', 'all', '--verbose'], dir);
    await child.waitForStderr(/^saved seed /);
    child.process.kill('SIGKILL');
    const ended = await child.result;
    // Killed, not finished: it was still saving seeds.
    expect(ended.signal).toBe('SIGKILL');

    const reported = [...reportedSeeds(linesOf(ended.stderr)).keys()];
    expect(reported.length).toBeGreaterThanOrEqual(1);
    // The killed campaign left its lock behind; the next command takes it over.
    expect(existsSync(`${db}.lock`)).toBe(true);
    const listed = await runCli(['seeds', 'list', '--json', '--db', 'db.json'], dir);
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    const stored = (JSON.parse(listed.stdout) as { id: string }[]).map((s) => s.id);
    expect(stored.slice(0, reported.length)).toEqual(reported);
    expect(stored.length - reported.length).toBeLessThanOrEqual(1);
    // Killed before it recorded the campaign.
    expect(storedCampaigns()).toEqual([]);
  });
});
