// A database that cannot be read is never overwritten: opening it throws a StoreError that names
// the file and says how to recover, and the file's bytes are exactly what they were.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/errors.ts';
import { openStore } from '../../src/store/store.ts';
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

/** The bytes of a real database holding three seeds. */
function validDatabaseBytes(): Buffer {
  const store = openStore(dbPath);
  for (let n = 0; n < 3; n++) store.addSeed(sampleSeed(n));
  store.close();
  return readFileSync(dbPath);
}

function expectRefused(bytes: Buffer | string, problem: RegExp): void {
  writeFileSync(dbPath, bytes);
  const before = readFileSync(dbPath);
  let caught: unknown;
  try {
    openStore(dbPath).close();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(StoreError);
  const message = (caught as StoreError).message;
  expect(message).toContain(`cannot read the curios database ${dbPath}`);
  expect(message).toMatch(problem);
  expect(message).toContain('Move it aside or restore it from a backup; curios will not overwrite it.');
  expect(readFileSync(dbPath).equals(before)).toBe(true);
  // The failed open let go of its lock, and left nothing else behind.
  expect(existsSync(`${dbPath}.lock`)).toBe(false);
  expect(existsSync(join(dir, '.db.json.tmp'))).toBe(false);
}

describe('an unreadable database', () => {
  it('refuses garbage', () => {
    expectRefused(Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x7b, 0x0a]), /it is not valid JSON/);
  });

  it('refuses a database truncated to half its length', () => {
    const bytes = validDatabaseBytes();
    expectRefused(bytes.subarray(0, Math.floor(bytes.length / 2)), /it is not valid JSON/);
  });

  it('refuses an empty file', () => {
    expectRefused('', /it is not valid JSON/);
  });

  it('refuses another version', () => {
    expectRefused(
      JSON.stringify({ version: 2, campaigns: [], seeds: [] }),
      /it is version 2; this curios reads version 1 only/,
    );
    expectRefused(JSON.stringify({ campaigns: [], seeds: [] }), /it has no version/);
  });

  it('refuses JSON of the wrong shape', () => {
    expectRefused('null', /expected an object, found null/);
    expectRefused('[]', /expected an object, found an array/);
    expectRefused(JSON.stringify({ version: 1, campaigns: [] }), /seeds: expected an array, found nothing/);
    const seed = { ...sampleSeed(1), id: 'abc', createdAt: 'now' };
    expectRefused(
      JSON.stringify({ version: 1, campaigns: [], seeds: [{ ...seed, workloadSeed: '7' }] }),
      /seeds\[0\]\.workloadSeed: expected a finite number, found a string/,
    );
    expectRefused(
      JSON.stringify({ version: 1, campaigns: [], seeds: [seed, { ...seed, dedupKey: 'other' }] }),
      /seed id "abc" appears twice/,
    );
    expectRefused(
      JSON.stringify({ version: 1, campaigns: [{ id: 'c' }], seeds: [] }),
      /campaigns\[0\]\.config: missing/,
    );
    expectRefused(
      JSON.stringify({ version: 1, campaigns: [], explorations: [{ id: 'e', config: {}, summary: {}, digest: 1 }], seeds: [] }),
      /explorations\[0\]\.digest: expected a string, found a number/,
    );
    expectRefused(JSON.stringify({ version: 1, campaigns: [], explorations: {}, seeds: [] }), /explorations: expected an array, found a object/);
  });

  it('refuses a path that is a directory, and the directory stays', () => {
    mkdirSync(dbPath);
    expect(() => openStore(dbPath)).toThrow(StoreError);
    expect(() => openStore(dbPath)).toThrow(`cannot read the curios database ${dbPath}: EISDIR`);
    expect(statSync(dbPath).isDirectory()).toBe(true);
    expect(existsSync(`${dbPath}.lock`)).toBe(false);
  });

  it('opens again once the file is restored', () => {
    const bytes = validDatabaseBytes();
    expectRefused('{"version": 1, "campa', /not valid JSON/);
    writeFileSync(dbPath, bytes);
    const store = openStore(dbPath);
    expect(store.listSeeds()).toHaveLength(3);
    store.close();
  });
});
