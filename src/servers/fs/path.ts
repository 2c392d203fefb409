// Paths: decoded and checked whole before any lookup (decode before invoke), then walked from the
// root. A path is absolute and '/'-separated; empty components are skipped ("/a//b/" is "/a/b");
// "." and ".." are not supported (EINVAL), nor are NUL bytes.
import type { Sys } from '../../kernel/sys.ts';
import type { ServerEnv } from '../framework/define.ts';
import { check } from './disk-io.ts';
import { lookup } from './dir.ts';
import { readInode, type Inode } from './inode.ts';
import { FILE_TYPE, NAME_BYTES_MAX, PATH_BYTES_MAX, ROOT_INODE } from './layout.ts';

const SLASH = 0x2f;
const DOT = 0x2e;

/** The components of an absolute path (none for the root). */
export function parsePath(bytes: Uint8Array): Uint8Array[] {
  check(bytes.length > 0 && bytes[0] === SLASH, 'EINVAL');
  check(bytes.length <= PATH_BYTES_MAX, 'ENAMETOOLONG');
  const parts: Uint8Array[] = [];
  let start = 1;
  for (let i = 1; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== SLASH) continue;
    if (i > start) parts.push(bytes.subarray(start, i));
    start = i + 1;
  }
  for (const part of parts) {
    check(!part.includes(0), 'EINVAL');
    check(!isDots(part), 'EINVAL');
    check(part.length <= NAME_BYTES_MAX, 'ENAMETOOLONG');
  }
  return parts;
}

function isDots(part: Uint8Array): boolean {
  return part.every((b) => b === DOT) && part.length <= 2;
}

/** The inode the components name. */
export function* resolve(env: ServerEnv, parts: readonly Uint8Array[]): Sys<Inode> {
  let at = yield* readInode(env, ROOT_INODE);
  check(at.type === FILE_TYPE.dir, 'EIO');
  for (const part of parts) {
    check(at.type === FILE_TYPE.dir, 'ENOTDIR');
    const ino = yield* lookup(env, at, part);
    check(ino !== 0, 'ENOENT');
    at = yield* readInode(env, ino);
    check(at.type !== FILE_TYPE.free, 'EIO');
  }
  return at;
}

/** The directory that holds the last component (which must exist: not the root). */
export function* resolveParent(env: ServerEnv, parts: readonly Uint8Array[]): Sys<Inode> {
  const dir = yield* resolve(env, parts.slice(0, -1));
  check(dir.type === FILE_TYPE.dir, 'ENOTDIR');
  return dir;
}
