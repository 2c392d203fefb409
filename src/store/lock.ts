// One writer at a time: an exclusive lock file beside the database, created with O_EXCL and
// holding the writer's pid. A lock whose pid is no longer alive was left by a process that was
// killed, and is taken over. The lock is released by `release()` or, failing that, when the
// process exits; a process killed by a signal leaves it behind, stale, for the next opener.
// Taking over a stale lock is remove-then-create, not one atomic step: two openers that find the
// same stale lock at the same instant could both succeed. Node offers no flock(2); the window
// needs two curios processes starting together right after one was killed.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { StoreError } from './errors.ts';
import { STORE_LIMITS } from './limits.ts';

export interface Lock {
  readonly path: string;
  release(): void;
}

type Holder = { kind: 'gone' } | { kind: 'pid'; pid: number } | { kind: 'unreadable'; text: string };

function errorCode(error: unknown): unknown {
  return error instanceof Error && 'code' in error ? error.code : undefined;
}

/** The lock file's descriptor, or null when the file already exists. */
function createExclusive(path: string): number | null {
  try {
    return openSync(path, 'wx', 0o644);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return null;
    throw new StoreError(`cannot create the lock file ${path}: ${String(error)}`, { cause: error });
  }
}

function readHolder(path: string): Holder {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return { kind: 'gone' };
    throw new StoreError(`cannot read the lock file ${path}: ${String(error)}`, { cause: error });
  }
  // Only a positive pid: process.kill(0 or negative) would signal a whole process group.
  if (!/^[1-9][0-9]*\n?$/.test(text)) return { kind: 'unreadable', text };
  return { kind: 'pid', pid: Number(text.trim()) };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    if (errorCode(error) === 'EPERM') return true;
    if (errorCode(error) === 'ESRCH') return false;
    throw error;
  }
}

function holdsOurPid(path: string): boolean {
  const holder = readHolder(path);
  return holder.kind === 'pid' && holder.pid === process.pid;
}

function heldLock(path: string): Lock {
  const releaseOnExit = (): void => {
    if (holdsOurPid(path)) rmSync(path, { force: true });
  };
  process.on('exit', releaseOnExit);
  return {
    path,
    release(): void {
      process.off('exit', releaseOnExit);
      releaseOnExit();
    },
  };
}

export function acquireLock(path: string): Lock {
  for (let attempt = 0; attempt < STORE_LIMITS.lock_attempts_max; attempt++) {
    const fd = createExclusive(path);
    if (fd !== null) {
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      return heldLock(path);
    }
    const holder = readHolder(path);
    if (holder.kind === 'unreadable') {
      throw new StoreError(
        `the lock file ${path} does not hold a pid ` +
          `(it holds ${JSON.stringify(holder.text.slice(0, STORE_LIMITS.lock_text_shown_max_chars))}); ` +
          'if no curios process is using the database, delete the lock file',
      );
    }
    if (holder.kind === 'pid' && isAlive(holder.pid)) {
      const who = holder.pid === process.pid ? ' (this process)' : '';
      throw new StoreError(
        `the curios database is locked by pid ${holder.pid}${who}: ${path}. ` +
          'Wait for that process to finish; if it is not curios, delete the lock file',
      );
    }
    // Stale (its writer is dead) or gone: remove it and try to create it again.
    rmSync(path, { force: true });
  }
  throw new StoreError(
    `could not take the lock ${path} in ${STORE_LIMITS.lock_attempts_max} attempts: ` +
      'other processes keep taking it',
  );
}
