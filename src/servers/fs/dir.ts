// Directories: files of fixed 32-byte entries (inode, NUL-padded name). Entries are found by a
// scan in order; a new entry takes the first free one, and a full directory grows by a block (up
// to DIRECT_BLOCKS). Listing order is entry order, which the reference model follows.
import type { VirtAddr } from '../../hw/types.ts';
import type { Sys } from '../../kernel/sys.ts';
import type { ServerEnv } from '../framework/define.ts';
import { check, fsError, readBlock, writeBlock, zeroBuffer } from './disk-io.ts';
import { allocDataBlocks, allocInode, freeDataBlocks, writeInode, type FileType, type Inode } from './inode.ts';
import { BLOCK_BYTES, DIRECT_BLOCKS, DIRENT, DIRENT_BYTES, DIRENT_NAME_BYTES, DIRENTS_PER_BLOCK, FILE_TYPE, HEAP } from './layout.ts';

interface Entry {
  /** the entry's index in the directory (block × DIRENTS_PER_BLOCK + slot) */
  index: number;
  ino: number;
  name: Uint8Array;
}

function entryAddr(env: ServerEnv, slot: number): VirtAddr {
  return env.heap + HEAP.dir_buf + slot * DIRENT_BYTES;
}

/**
 * The name of the entry `scan` is visiting: its field's bytes and, in `scanned_len`, the length
 * before the first NUL (0 for a free entry). Valid during one visit; scan copies it out only for
 * the entry it returns.
 */
const scanned = new Uint8Array(DIRENT_NAME_BYTES);
let scanned_len = 0;

function loadName(env: ServerEnv, at: VirtAddr): void {
  env.mem.loadBytesInto(at + DIRENT.name, scanned);
  const end = scanned.indexOf(0);
  scanned_len = end < 0 ? scanned.length : end;
}

/** The visited entry's name is `name`. */
function scannedIs(name: Uint8Array): boolean {
  if (name.length !== scanned_len) return false;
  for (let i = 0; i < scanned_len; i++) if (scanned[i] !== name[i]) return false;
  return true;
}

function blocksOf(dir: Inode): number {
  return dir.size / BLOCK_BYTES;
}

/**
 * What a scan looks for: the live entry of a name, the first free entry, the first live entry, or
 * none (it lists every live entry). Plain values, not a visitor: a closure per scan costs more
 * than the scan's compare (and tsx wraps each one it makes).
 */
const SEEK = { named: 0, free: 1, live: 2, none: 3 } as const;
type Seek = (typeof SEEK)[keyof typeof SEEK];

/** The entry being visited (inode `ino`, its name in `scanned`) is what `seek` asks. */
function isSought(seek: Seek, ino: number, name: Uint8Array | null): boolean {
  if (seek === SEEK.named) return ino !== 0 && name !== null && scannedIs(name);
  if (seek === SEEK.free) return ino === 0;
  if (seek === SEEK.live) return ino !== 0;
  return false;
}

/**
 * Every entry of `dir` in order, free ones (ino 0) included, until one is what `seek` asks (with
 * `name`, for SEEK.named): that entry, or null. `list`, when given, gets every live entry visited.
 */
function* scan(env: ServerEnv, dir: Inode, seek: Seek, name: Uint8Array | null, list: Entry[] | null): Sys<Entry | null> {
  check(dir.type === FILE_TYPE.dir, 'ENOTDIR');
  for (let b = 0; b < blocksOf(dir); b++) {
    check(dir.direct[b] !== 0, 'EIO');
    yield* readBlock(env, dir.direct[b], env.heap + HEAP.dir_buf);
    for (let slot = 0; slot < DIRENTS_PER_BLOCK; slot++) {
      const at = entryAddr(env, slot);
      const ino = env.mem.load32(at + DIRENT.inode);
      if (ino === 0) scanned_len = 0;
      else loadName(env, at);
      const index = b * DIRENTS_PER_BLOCK + slot;
      if (list !== null && ino !== 0) list.push({ index, ino, name: scanned.slice(0, scanned_len) });
      if (isSought(seek, ino, name)) return { index, ino, name: scanned.slice(0, scanned_len) };
    }
  }
  return null;
}

/** The inode number `name` names in `dir`, or 0. */
export function* lookup(env: ServerEnv, dir: Inode, name: Uint8Array): Sys<number> {
  const e = yield* scan(env, dir, SEEK.named, name, null);
  return e === null ? 0 : e.ino;
}

/** The live entries of `dir`, in entry order. */
export function* listEntries(env: ServerEnv, dir: Inode): Sys<Entry[]> {
  const entries: Entry[] = [];
  yield* scan(env, dir, SEEK.none, null, entries);
  return entries;
}

export function* listNames(env: ServerEnv, dir: Inode): Sys<Uint8Array[]> {
  return (yield* listEntries(env, dir)).map((e) => e.name);
}

export function* isEmpty(env: ServerEnv, dir: Inode): Sys<boolean> {
  return (yield* scan(env, dir, SEEK.live, null, null)) === null;
}

/**
 * Makes a new `type` inode named `name` in `dir` (which has no such name): the entry's place and
 * a new directory block if one is needed are secured before the inode, so that ENOSPC changes
 * nothing. The directory's inode is written through when it grows.
 */
export function* createIn(env: ServerEnv, dir: Inode, name: Uint8Array, type: FileType): Sys<Inode> {
  const free = yield* scan(env, dir, SEEK.free, null, null);
  const index = free === null ? blocksOf(dir) * DIRENTS_PER_BLOCK : free.index;
  const b = Math.floor(index / DIRENTS_PER_BLOCK);
  check(b < DIRECT_BLOCKS, 'ENOSPC');
  const grows = free === null;
  const fresh = grows ? yield* allocDataBlocks(env, 1) : [];
  check(fresh !== null, 'ENOSPC');
  const inode = yield* allocInode(env, type);
  if (inode === null) {
    yield* freeDataBlocks(env, fresh);
    throw fsError('ENOSPC');
  }
  const buf = env.heap + HEAP.dir_buf;
  if (grows) zeroBuffer(env, buf);
  else yield* readBlock(env, dir.direct[b], buf);
  yield* writeEntry(env, grows ? fresh[0] : dir.direct[b], index % DIRENTS_PER_BLOCK, inode.ino, name);
  if (grows) {
    dir.direct[b] = fresh[0];
    dir.size += BLOCK_BYTES;
    yield* writeInode(env, dir);
  }
  return inode;
}

/** Frees the entry naming `name` in `dir`; the directory keeps its blocks. */
export function* removeEntry(env: ServerEnv, dir: Inode, name: Uint8Array): Sys<void> {
  const e = yield* scan(env, dir, SEEK.named, name, null);
  check(e !== null, 'ENOENT');
  const b = Math.floor(e.index / DIRENTS_PER_BLOCK);
  yield* writeEntry(env, dir.direct[b], e.index % DIRENTS_PER_BLOCK, 0, NO_NAME);
}

const NO_NAME = new Uint8Array(0);
/** an entry's name field on its way to the dir buffer (filled and stored with no yield between) */
const field = new Uint8Array(DIRENT_NAME_BYTES);

/** Sets one entry of the block in the dir buffer, then writes the block to `block`. */
function* writeEntry(env: ServerEnv, block: number, slot: number, ino: number, name: Uint8Array): Sys<void> {
  const at = entryAddr(env, slot);
  field.fill(0);
  field.set(name);
  env.mem.store32(at + DIRENT.inode, ino);
  env.mem.storeBytes(at + DIRENT.name, field);
  yield* writeBlock(env, block, env.heap + HEAP.dir_buf);
}
