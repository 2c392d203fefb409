// Inodes: reading and writing one slot of the inode table, allocating and freeing an inode with its
// blocks. An inode read is decoded into a JS record — a register copy for the length of one
// request — and written back whole.
import type { Sys } from '../../kernel/sys.ts';
import type { ServerEnv } from '../framework/define.ts';
import { allocBits, freeBits } from './bitmap.ts';
import { check, readBlock, writeBlock } from './disk-io.ts';
import { BLOCK_BITMAP_BLOCK, DATA_START, DIRECT_BLOCKS, FILE_TYPE, FS_BLOCKS, FS_SITES, HEAP, INODE, INODE_BITMAP_BLOCK, INODE_BYTES, INODE_TABLE_BLOCK, INODES, INODES_PER_BLOCK, MAX_FILE_BYTES } from './layout.ts';

export type FileType = (typeof FILE_TYPE)[keyof typeof FILE_TYPE];

export interface Inode {
  readonly ino: number;
  type: FileType;
  generation: number;
  size: number;
  /** absolute block numbers, 0 for none */
  direct: number[];
}

export function tableBlock(ino: number): number {
  return INODE_TABLE_BLOCK + Math.floor(ino / INODES_PER_BLOCK);
}

function slotAddr(env: ServerEnv, ino: number): number {
  return env.heap + HEAP.inode_buf + (ino % INODES_PER_BLOCK) * INODE_BYTES;
}

export function* readInode(env: ServerEnv, ino: number): Sys<Inode> {
  check(Number.isInteger(ino) && ino > 0 && ino < INODES, 'EIO');
  yield* readBlock(env, tableBlock(ino), env.heap + HEAP.inode_buf);
  const inode = decodeInode(env, ino);
  // A corrupt inode is an I/O error to the client, never a wild block access.
  check(inode !== null, 'EIO');
  return inode;
}

/** Inode `ino` from its table block, already in the inode buffer; null when it is corrupt (a bad type, size or block number). */
export function decodeInode(env: ServerEnv, ino: number): Inode | null {
  const at = slotAddr(env, ino);
  const { mem } = env;
  const type = mem.load16(at + INODE.type);
  const size = mem.load32(at + INODE.size);
  const direct: number[] = [];
  for (let i = 0; i < DIRECT_BLOCKS; i++) direct.push(mem.load32(at + INODE.direct + 4 * i));
  if (type !== FILE_TYPE.free && type !== FILE_TYPE.file && type !== FILE_TYPE.dir) return null;
  if (size > MAX_FILE_BYTES) return null;
  for (const b of direct) if (b !== 0 && (b < DATA_START || b >= FS_BLOCKS)) return null;
  return { ino, type: type as FileType, generation: mem.load32(at + INODE.generation), size, direct };
}

export function* writeInode(env: ServerEnv, inode: Inode): Sys<void> {
  const block = tableBlock(inode.ino);
  yield* readBlock(env, block, env.heap + HEAP.inode_buf);
  const at = slotAddr(env, inode.ino);
  const { mem } = env;
  mem.store16(at + INODE.type, inode.type);
  mem.store32(at + INODE.generation, inode.generation);
  mem.store32(at + INODE.size, inode.size);
  for (let i = 0; i < DIRECT_BLOCKS; i++) mem.store32(at + INODE.direct + 4 * i, inode.direct[i]);
  yield* writeBlock(env, block, env.heap + HEAP.inode_buf);
}

/** The lowest free inode, made a `type` with a new generation; null if none is free. */
export function* allocInode(env: ServerEnv, type: FileType): Sys<Inode | null> {
  const bits = yield* allocBits(env, INODE_BITMAP_BLOCK, INODES, 1);
  if (bits === null) return null;
  // BUGGIFY: the bitmap says the inode is taken, the inode table does not yet.
  env.site(FS_SITES.bitmapThenInode);
  const old = yield* readInode(env, bits[0]);
  const inode: Inode = { ino: old.ino, type, generation: (old.generation + 1) >>> 0, size: 0, direct: new Array<number>(DIRECT_BLOCKS).fill(0) };
  yield* writeInode(env, inode);
  return inode;
}

/** Allocates `count` data blocks (absolute numbers); null if fewer are free. */
export function* allocDataBlocks(env: ServerEnv, count: number): Sys<number[] | null> {
  const bits = yield* allocBits(env, BLOCK_BITMAP_BLOCK, FS_BLOCKS - DATA_START, count);
  return bits === null ? null : bits.map((b) => DATA_START + b);
}

export function* freeDataBlocks(env: ServerEnv, blocks: readonly number[]): Sys<void> {
  yield* freeBits(
    env,
    BLOCK_BITMAP_BLOCK,
    blocks.filter((b) => b !== 0).map((b) => b - DATA_START),
  );
}

/** Drops a file's contents: its blocks are freed and its size is 0 (written through). */
export function* truncateInode(env: ServerEnv, inode: Inode): Sys<void> {
  yield* emptyInode(env, inode, inode.type);
}

/** Frees an inode and its blocks; its generation stays, to be bumped by the next allocation. */
export function* freeInode(env: ServerEnv, inode: Inode): Sys<void> {
  yield* emptyInode(env, inode, FILE_TYPE.free);
  yield* freeBits(env, INODE_BITMAP_BLOCK, [inode.ino]);
}

/** The inode is written first, so that a crash between the writes leaks blocks but never shares one. */
function* emptyInode(env: ServerEnv, inode: Inode, type: FileType): Sys<void> {
  const blocks = inode.direct.filter((b) => b !== 0);
  inode.direct = new Array<number>(DIRECT_BLOCKS).fill(0);
  inode.size = 0;
  inode.type = type;
  yield* writeInode(env, inode);
  yield* freeDataBlocks(env, blocks);
}
