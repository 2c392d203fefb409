// A lowdb adapter over node:fs that never leaves a half-written database and never overwrites
// one it cannot read. lowdb's own JSONFile (steno) renames a temp file into place but does not
// fsync, so after a power cut the rename may survive and the data not; this one writes the temp
// file, fsyncs it, renames it over the database and fsyncs the directory. The temp file has a
// fixed name beside the database: the lock file guarantees one writer, so one name suffices.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { SyncAdapter } from 'lowdb';
import type { Decoded } from './decode.ts';
import { StoreError } from './errors.ts';

// JSON.parse quotes the start of the text it rejects, newlines and control bytes included; an
// error about the database is one line on a terminal, so those characters are escaped.
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function isMissingFile(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export class AtomicJsonFile<T> implements SyncAdapter<T> {
  readonly #path: string;
  readonly #tempPath: string;
  readonly #decode: (value: unknown) => Decoded<T>;

  constructor(path: string, decode: (value: unknown) => Decoded<T>) {
    this.#path = path;
    this.#tempPath = join(dirname(path), `.${basename(path)}.tmp`);
    this.#decode = decode;
  }

  /** The decoded file, or null when there is no file yet. Anything else unreadable throws. */
  read(): T | null {
    let text: string;
    try {
      text = readFileSync(this.#path, 'utf8');
    } catch (error) {
      if (isMissingFile(error)) return null;
      throw this.#unreadable(reasonOf(error), error);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw this.#unreadable(`it is not valid JSON (${reasonOf(error)})`, error);
    }
    const decoded = this.#decode(parsed);
    if (!decoded.ok) throw this.#unreadable(decoded.problem);
    return decoded.value;
  }

  write(data: T): void {
    const text = `${JSON.stringify(data, null, 2)}\n`;
    try {
      const fd = openSync(this.#tempPath, 'w', 0o644);
      try {
        writeFileSync(fd, text, 'utf8');
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(this.#tempPath, this.#path);
    } catch (error) {
      rmSync(this.#tempPath, { force: true });
      throw new StoreError(
        `cannot write the curios database ${this.#path}: ${reasonOf(error)}; ` +
          'the previous contents are unchanged',
        { cause: error },
      );
    }
    // The rename is only durable once the directory entry is; Windows cannot fsync a directory.
    if (process.platform !== 'win32') fsyncPath(dirname(this.#path));
  }

  #unreadable(problem: string, cause?: unknown): StoreError {
    return new StoreError(
      `cannot read the curios database ${this.#path}: ${problem}. ` +
        'Move it aside or restore it from a backup; curios will not overwrite it.',
      { cause },
    );
  }
}
