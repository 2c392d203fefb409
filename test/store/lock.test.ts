// One writer at a time: a second opener is refused while the first is alive, a lock left by a
// dead process is taken over, and the lock goes away on close() and on process exit.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/errors.ts';
import { openStore } from '../../src/store/store.ts';
import { spawnAddSeeds } from './fixtures/child.ts';
import { makeTempDir, sampleSeed } from './fixtures/seeds.ts';

// Above Linux's pid_max (2^22), so no process can have it.
const DEAD_PID = 2 ** 22 + 12345;

let dir: string;
let dbPath: string;
let lockPath: string;

beforeEach(() => {
  dir = makeTempDir();
  dbPath = join(dir, 'db.json');
  lockPath = `${dbPath}.lock`;
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the writer lock', () => {
  it('is a file beside the database holding the pid, removed by close()', () => {
    const store = openStore(dbPath);
    expect(readFileSync(lockPath, 'utf8')).toBe(`${process.pid}\n`);
    store.close();
    expect(existsSync(lockPath)).toBe(false);
  });

  it('refuses a second writer while the first holds it, then lets it in after close()', () => {
    const first = openStore(dbPath);
    first.addSeed(sampleSeed(1));
    expect(() => openStore(dbPath)).toThrow(StoreError);
    expect(() => openStore(dbPath)).toThrow(
      `the curios database is locked by pid ${process.pid} (this process): ${lockPath}`,
    );
    // The refused opener did not take or remove the lock.
    expect(readFileSync(lockPath, 'utf8')).toBe(`${process.pid}\n`);
    first.addSeed(sampleSeed(2));
    first.close();

    const second = openStore(dbPath);
    expect(second.listSeeds()).toHaveLength(2);
    second.close();
  });

  it('takes over a stale lock whose pid is not alive', () => {
    writeFileSync(lockPath, `${DEAD_PID}\n`);
    const store = openStore(dbPath);
    expect(readFileSync(lockPath, 'utf8')).toBe(`${process.pid}\n`);
    store.addSeed(sampleSeed(1));
    store.close();
    expect(existsSync(lockPath)).toBe(false);
  });

  it('refuses a lock file that holds no pid, and leaves it', () => {
    for (const text of ['', 'garbage', '0\n', '-1\n']) {
      writeFileSync(lockPath, text);
      expect(() => openStore(dbPath)).toThrow(`the lock file ${lockPath} does not hold a pid`);
      expect(readFileSync(lockPath, 'utf8')).toBe(text);
    }
  });

  it('is released by the exit hook of a process that never called close()', async () => {
    const child = spawnAddSeeds(dbPath, 'exit-without-close');
    await child.waitForLines(1);
    expect(child.lines[0]).toBe('opened');
    const exited = await child.closed;
    expect(exited).toEqual({ code: 0, signal: null });
    // The child never called close(): its exit hook removed the lock.
    expect(existsSync(lockPath)).toBe(false);
  });
});
