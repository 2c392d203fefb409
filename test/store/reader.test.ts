// Readers of the store take no lock: while a writer holds it (here, this very process), a reader
// sees the last committed file, never a change still being made; and a reader creates nothing —
// a database whose directory does not exist is an error, not an empty store.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/errors.ts';
import { readStore } from '../../src/store/reader.ts';
import { openStore } from '../../src/store/store.ts';
import { makeTempDir, sampleSeed } from './fixtures/seeds.ts';

let dir: string;

beforeEach(() => {
  dir = makeTempDir();
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('readStore', () => {
  it('reads while the writer holds the lock, and sees each committed change', () => {
    const path = join(dir, 'db.json');
    const writer = openStore(path);
    try {
      expect(existsSync(`${path}.lock`)).toBe(true);
      expect(readStore(path).listSeeds()).toEqual([]);
      const { seed } = writer.addSeed(sampleSeed(1));
      expect(readStore(path).listSeeds()).toEqual([seed]);
      expect(readStore(path).getSeed(seed.id.slice(0, 4))).toEqual(seed);
      writer.addSeed(sampleSeed(2));
      expect(readStore(path).listSeeds()).toHaveLength(2);
    } finally {
      writer.close();
    }
  });

  it('leaves the lock to the writer', () => {
    const path = join(dir, 'db.json');
    readStore(path);
    expect(existsSync(`${path}.lock`)).toBe(false);
    const writer = openStore(path);
    writer.close();
  });

  it('refuses a database whose directory does not exist, and creates nothing', () => {
    const path = join(dir, 'typo', 'db.json');
    expect(() => readStore(path)).toThrow(StoreError);
    expect(() => readStore(path)).toThrow(/the directory .*typo does not exist/);
    expect(existsSync(join(dir, 'typo'))).toBe(false);
  });

  it('reads a missing file in an existing directory as an empty store, without writing it', () => {
    const path = join(dir, 'db.json');
    expect(readStore(path).listSeeds()).toEqual([]);
    expect(readStore(path).listCampaigns()).toEqual([]);
    expect(existsSync(path)).toBe(false);
  });
});
