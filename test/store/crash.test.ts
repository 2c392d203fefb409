// No data lost on a crash: a writer killed with SIGKILL in the middle of adding seeds leaves a
// database that opens, holds every seed it reported as stored, and at most one more.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/store.ts';
import { spawnAddSeeds } from './fixtures/child.ts';
import { makeTempDir, sampleSeed } from './fixtures/seeds.ts';

let dir: string;
let dbPath: string;

beforeEach(() => {
  dir = makeTempDir();
  dbPath = join(dir, 'db.json');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('a writer killed with SIGKILL', () => {
  it.each([5, 40, 120])('loses no reported seed when killed after %i', async (reported_min) => {
    const child = spawnAddSeeds(dbPath, '100000');
    // 'opened' and then the ids.
    await child.waitForLines(1 + reported_min);
    const pid = child.process.pid;
    expect(pid).toBeDefined();
    // While it lives, nobody else may write.
    expect(() => openStore(dbPath)).toThrow(`locked by pid ${pid}`);
    child.process.kill('SIGKILL');
    expect(await child.closed).toEqual({ code: null, signal: 'SIGKILL' });

    const reportedIds = child.lines.slice(1);
    expect(reportedIds.length).toBeGreaterThanOrEqual(reported_min);
    // The killed child left its lock behind; a dead pid's lock is taken over.
    expect(readFileSync(`${dbPath}.lock`, 'utf8')).toBe(`${pid}\n`);
    const store = openStore(dbPath);
    const stored = store.listSeeds();
    store.close();

    expect(stored.slice(0, reportedIds.length).map((seed) => seed.id)).toEqual(reportedIds);
    // Killed between storing a seed and printing its id: that one seed is stored, unreported.
    expect(stored.length - reportedIds.length).toBeLessThanOrEqual(1);
    for (const [n, seed] of stored.entries()) expect(seed).toMatchObject(sampleSeed(n));
  });
});
