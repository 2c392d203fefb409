// The store's round trip: seeds and campaigns go in, come back out, survive a reopen, and are
// on disk as soon as each method returns.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/errors.ts';
import { DB_VERSION, type NewCampaign, type SeedRecord } from '../../src/store/records.ts';
import { readStore } from '../../src/store/reader.ts';
import { openStore } from '../../src/store/store.ts';
import { makeTempDir, sampleSeed } from './fixtures/seeds.ts';

let dir: string;
let dbPath: string;

beforeEach(() => {
  dir = makeTempDir();
  dbPath = join(dir, 'nested', 'db.json');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function seedsOnDisk(): unknown[] {
  const parsed: unknown = JSON.parse(readFileSync(dbPath, 'utf8'));
  expect(parsed).toMatchObject({ version: DB_VERSION });
  return (parsed as { seeds: unknown[] }).seeds;
}

const campaign: NewCampaign = {
  config: { trials: 10, modes: ['ssr', 'restart'] },
  summary: { failed: 1, silentCorruption: 2 },
  digest: 'abc123',
  startedAt: '2025-01-01T00:00:00.000Z',
  endedAt: '2025-01-01T00:01:00.000Z',
};

describe('Store', () => {
  it('opens a missing database as empty, creating its directory, and writes nothing until a change', () => {
    const store = openStore(dbPath);
    expect(store.listSeeds()).toEqual([]);
    expect(store.listCampaigns()).toEqual([]);
    expect(existsSync(join(dir, 'nested'))).toBe(true);
    expect(existsSync(dbPath)).toBe(false);
    store.close();
  });

  it('adds, lists, gets and removes seeds, and they survive a reopen', () => {
    const store = openStore(dbPath);
    const first = store.addSeed(sampleSeed(1));
    const second = store.addSeed({ ...sampleSeed(2), note: 'found by hand' });
    expect(first.added).toBe(true);
    expect(second.added).toBe(true);
    expect(first.seed.id).toBe(sampleSeed(1).dedupKey.slice(0, 12));
    expect(first.seed).toMatchObject(sampleSeed(1));
    expect(Number.isNaN(Date.parse(first.seed.createdAt))).toBe(false);
    expect(store.listSeeds()).toEqual([first.seed, second.seed]);
    expect(store.getSeed(second.seed.id)).toEqual(second.seed);
    store.close();

    const reopened = openStore(dbPath);
    expect(reopened.listSeeds()).toEqual([first.seed, second.seed]);
    expect(reopened.getSeed(second.seed.id).note).toBe('found by hand');
    expect(reopened.removeSeed(first.seed.id)).toEqual(first.seed);
    expect(reopened.listSeeds()).toEqual([second.seed]);
    reopened.close();

    const again = openStore(dbPath);
    expect(again.listSeeds()).toEqual([second.seed]);
    again.close();
  });

  it('writes each seed to disk before addSeed returns', () => {
    const store = openStore(dbPath);
    for (let n = 0; n < 5; n++) {
      const { seed } = store.addSeed(sampleSeed(n));
      expect(seedsOnDisk()).toHaveLength(n + 1);
      expect(seedsOnDisk()[n]).toEqual(seed);
    }
    store.removeSeed(store.listSeeds()[0].id);
    expect(seedsOnDisk()).toHaveLength(4);
    store.close();
  });

  it('leaves no temp file beside the database', () => {
    const store = openStore(dbPath);
    store.addSeed(sampleSeed(1));
    store.addCampaign(campaign);
    store.close();
    expect(readdirSync(join(dir, 'nested'))).toEqual(['db.json']);
  });

  it('returns the stored seed for a known dedupKey and does not write again', () => {
    const store = openStore(dbPath);
    const first = store.addSeed(sampleSeed(7));
    const before = statSync(dbPath);
    const bytesBefore = readFileSync(dbPath);
    // Same dedupKey, other details: the first record wins.
    const again = store.addSeed({ ...sampleSeed(7), traceHash: 'different', note: 'second find' });
    expect(again.added).toBe(false);
    expect(again.seed).toEqual(first.seed);
    expect(store.listSeeds()).toHaveLength(1);
    // A write renames a new file into place: the inode would change.
    expect(statSync(dbPath).ino).toBe(before.ino);
    expect(readFileSync(dbPath).equals(bytesBefore)).toBe(true);
    store.close();
  });

  it('hands out copies: mutating a returned record does not change the store', () => {
    const store = openStore(dbPath);
    const { seed } = store.addSeed(sampleSeed(1));
    seed.outcome = 'mutated';
    store.listSeeds()[0].outcome = 'mutated too';
    expect(store.getSeed(seed.id).outcome).toBe('silent-corruption');
    store.close();
  });

  it('finds a seed by a unique prefix and refuses unknown, ambiguous and empty ids', () => {
    const store = openStore(dbPath);
    const ids = Array.from({ length: 40 }, (_, n) => store.addSeed(sampleSeed(n)).seed.id);
    const target = ids[0];
    const prefix = target.slice(0, 6);
    expect(ids.filter((id) => id.startsWith(prefix))).toEqual([target]);
    expect(store.getSeed(prefix).id).toBe(target);
    expect(store.getSeed(target).id).toBe(target);

    // 40 ids over 16 first hex digits: some first digit is shared.
    const firstDigit = ids.map((id) => id[0]).find((digit, i, all) => all.indexOf(digit) !== i)!;
    const sharing = ids.filter((id) => id.startsWith(firstDigit));
    expect(() => store.getSeed(firstDigit)).toThrow(StoreError);
    expect(() => store.getSeed(firstDigit)).toThrow(
      `seed id "${firstDigit}" is ambiguous: it matches ${sharing[0]}`,
    );
    expect(() => store.removeSeed(firstDigit)).toThrow(/ambiguous/);

    const unknown = 'zzzz';
    expect(() => store.getSeed(unknown)).toThrow(StoreError);
    expect(() => store.getSeed(unknown)).toThrow(`no seed has an id starting with "zzzz" in ${dbPath}`);
    expect(() => store.removeSeed(unknown)).toThrow(/no seed has an id/);
    expect(() => store.getSeed('')).toThrow(/cannot be empty/);
    expect(store.listSeeds()).toHaveLength(40);
    store.close();
  });

  it('names at most five candidates in an ambiguous-id error, and how many match', () => {
    const store = openStore(dbPath);
    for (let n = 0; n < 100; n++) store.addSeed(sampleSeed(n));
    const byFirstDigit = new Map<string, SeedRecord[]>();
    for (const seed of store.listSeeds()) {
      byFirstDigit.set(seed.id[0], [...(byFirstDigit.get(seed.id[0]) ?? []), seed]);
    }
    const [digit, crowd] = [...byFirstDigit.entries()].sort((a, b) => b[1].length - a[1].length)[0];
    expect(crowd.length).toBeGreaterThan(5);
    let message = '';
    try {
      store.getSeed(digit);
    } catch (error) {
      expect(error).toBeInstanceOf(StoreError);
      message = (error as StoreError).message;
    }
    const firstFive = crowd.slice(0, 5).map((seed) => seed.id);
    expect(message).toContain(`${firstFive.join(', ')}, … (${crowd.length} in all)`);
    expect(message).not.toContain(crowd[5].id);
    store.close();
  });

  it('refuses a seed that cannot round-trip through JSON, and writes nothing', () => {
    const store = openStore(dbPath);
    store.addSeed(sampleSeed(1));
    const bytesBefore = readFileSync(dbPath);
    expect(() => store.addSeed({ ...sampleSeed(2), workloadSeed: Number.NaN })).toThrow(
      'the seed cannot be stored: seed.workloadSeed: expected a finite number, found null',
    );
    expect(() => store.addSeed({ ...sampleSeed(3), config: undefined })).toThrow('seed.config: missing');
    expect(() => store.addSeed({ ...sampleSeed(4), plan: { big: 1n } })).toThrow(/not plain JSON/);
    expect(() => store.addSeed({ ...sampleSeed(5), dedupKey: 'not-hex' })).toThrow(/lowercase hex/);
    expect(readFileSync(dbPath).equals(bytesBefore)).toBe(true);
    expect(store.listSeeds()).toHaveLength(1);
    store.close();
  });

  it('adds and lists campaigns with fresh ids, and they survive a reopen', () => {
    const store = openStore(dbPath);
    const a = store.addCampaign(campaign);
    const b = store.addCampaign({ ...campaign, digest: 'def456' });
    expect(a).toEqual({ ...campaign, id: a.id });
    expect(a.id).toMatch(/^[0-9a-f]{12}$/);
    expect(b.id).not.toBe(a.id);
    store.close();
    const reopened = openStore(dbPath);
    expect(reopened.listCampaigns()).toEqual([a, b]);
    reopened.close();
  });

  it('adds and lists explorations apart from campaigns, read by a reader too, and they survive a reopen', () => {
    const store = openStore(dbPath);
    const c = store.addCampaign(campaign);
    const e = store.addExploration({ ...campaign, digest: 'e0' });
    expect(e).toEqual({ ...campaign, digest: 'e0', id: e.id });
    expect(e.id).toMatch(/^[0-9a-f]{12}$/);
    expect(store.listCampaigns()).toEqual([c]);
    expect(store.listExplorations()).toEqual([e]);
    expect(readStore(dbPath).listExplorations()).toEqual([e]);
    expect(() => store.addExploration({ ...campaign, summary: undefined })).toThrow('exploration.summary: missing');
    store.close();
    const reopened = openStore(dbPath);
    expect(reopened.listExplorations()).toEqual([e]);
    reopened.close();
  });

  it('reads a database written before explorations were recorded as one with none, and keeps its records', () => {
    const seed = { ...sampleSeed(1), id: 'abc', createdAt: 'now' };
    mkdirSync(dirname(dbPath), { recursive: true });
    writeFileSync(dbPath, JSON.stringify({ version: 1, campaigns: [{ ...campaign, id: 'c1' }], seeds: [seed] }));
    const store = openStore(dbPath);
    expect(store.listExplorations()).toEqual([]);
    const e = store.addExploration(campaign);
    store.close();
    expect(JSON.parse(readFileSync(dbPath, 'utf8'))).toEqual({ version: 1, campaigns: [{ ...campaign, id: 'c1' }], explorations: [e], seeds: [seed] });
  });

  it('refuses every call after close, and a second close does nothing', () => {
    const store = openStore(dbPath);
    store.close();
    store.close();
    expect(() => store.listSeeds()).toThrow(`the store ${dbPath} is closed`);
    expect(() => store.addSeed(sampleSeed(1))).toThrow(StoreError);
    expect(() => store.addCampaign(campaign)).toThrow(StoreError);
  });
});
