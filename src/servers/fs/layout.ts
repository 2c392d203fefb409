// The file system's formats, in one place: its limits, the on-disk layout (superblock, bitmaps,
// inode table, data blocks, directory entries), the heap layout of its scratch buffers, and the
// layout of a client's open-file table (the client state: an SSR under curios). Every offset here
// is in bytes; every multi-byte field is a little-endian u32 or u16 at an aligned offset.
import { LIMITS } from '../../hw/limits.ts';

// ---- limits ----
export const BLOCK_BYTES = LIMITS.block_bytes; // bytes per disk block (512)
export const INODES = 64; // inodes on disk; 0 is never used, 1 is the root directory
export const DIRECT_BLOCKS = 8; // direct block pointers per inode (no indirect blocks)
export const MAX_FILE_BYTES = DIRECT_BLOCKS * BLOCK_BYTES; // 4 KiB: past it, a write is ENOSPC
export const DATA_BLOCKS = 128; // data blocks on disk (64 KiB)
export const NAME_BYTES_MAX = 27; // bytes in one path component (one byte of the entry stays NUL)
export const PATH_BYTES_MAX = 255; // bytes in one path
export const OPEN_FILES_MAX = 16; // open files per client: past it, open is EMFILE

// ---- on disk: block map ----
export const SUPER_BLOCK = 0;
export const INODE_BITMAP_BLOCK = 1; // bit i set ⇔ inode i in use (bits 0 and 1 set by mkfs)
export const BLOCK_BITMAP_BLOCK = 2; // bit i set ⇔ data block DATA_START + i in use
export const INODE_TABLE_BLOCK = 3;
export const INODE_BYTES = 64;
export const INODES_PER_BLOCK = BLOCK_BYTES / INODE_BYTES; // 8
export const INODE_TABLE_BLOCKS = INODES / INODES_PER_BLOCK; // 8: blocks 3..10
export const DATA_START = INODE_TABLE_BLOCK + INODE_TABLE_BLOCKS; // 11
export const FS_BLOCKS = DATA_START + DATA_BLOCKS; // 139 blocks of the disk are the file system
export const ROOT_INODE = 1;

// ---- on disk: superblock (block 0) ----
export const FS_MAGIC = 0x4346_5331; // "CFS1"
export const FS_VERSION = 1;
export const SB = {
  magic: 0,
  version: 4,
  block_bytes: 8,
  inodes: 12,
  data_blocks: 16,
  inode_bitmap_block: 20,
  block_bitmap_block: 24,
  inode_table_block: 28,
  inode_table_blocks: 32,
  data_start: 36,
  root_inode: 40,
} as const;
/** the superblock's fields, in order, with the values this build writes and accepts */
export const SUPERBLOCK_FIELDS: readonly (readonly [number, number])[] = [
  [SB.magic, FS_MAGIC],
  [SB.version, FS_VERSION],
  [SB.block_bytes, BLOCK_BYTES],
  [SB.inodes, INODES],
  [SB.data_blocks, DATA_BLOCKS],
  [SB.inode_bitmap_block, INODE_BITMAP_BLOCK],
  [SB.block_bitmap_block, BLOCK_BITMAP_BLOCK],
  [SB.inode_table_block, INODE_TABLE_BLOCK],
  [SB.inode_table_blocks, INODE_TABLE_BLOCKS],
  [SB.data_start, DATA_START],
  [SB.root_inode, ROOT_INODE],
];

// ---- on disk: inode (64 bytes; INODES_PER_BLOCK to a block of the inode table) ----
// +0 u16 type (FILE_TYPE) · +2 u16 zero · +4 u32 generation (bumped at each allocation, so that a
// handle to a deleted file never reaches the file that reuses its inode) · +8 u32 size in bytes ·
// +12 u32 × DIRECT_BLOCKS absolute block numbers (0: a hole) · +44..+63 zero.
export const INODE = { type: 0, generation: 4, size: 8, direct: 12 } as const;
export const FILE_TYPE = { free: 0, file: 1, dir: 2 } as const;

// ---- on disk: directory entry (32 bytes; 16 to a block) ----
// A directory is a file of entries; it grows a block at a time and never shrinks until removed.
// Its size is its blocks × BLOCK_BYTES. +0 u32 inode (0: a free entry) · +4 name, NUL-padded.
export const DIRENT_BYTES = 32;
export const DIRENT = { inode: 0, name: 4 } as const;
export const DIRENT_NAME_BYTES = DIRENT_BYTES - DIRENT.name; // 28
export const DIRENTS_PER_BLOCK = BLOCK_BYTES / DIRENT_BYTES; // 16
export const DIR_ENTRIES_MAX = DIRENTS_PER_BLOCK * DIRECT_BLOCKS; // 128

// ---- heap (scratch only: nothing here outlives a request) ----
export const HEAP = {
  meta_buf: 0, // superblock and bitmap blocks
  inode_buf: BLOCK_BYTES, // a block of the inode table
  dir_buf: 2 * BLOCK_BYTES, // a directory block
  data_buf: 3 * BLOCK_BYTES, // a file data block
  io_buf: 8 * BLOCK_BYTES, // a read's reply, assembled (MAX_FILE_BYTES)
} as const;
export const HEAP_PAGES = 2;

// ---- client state: the open-file table ----
// OPEN_FILES_MAX slots of 16 bytes; handle h is slot h − 1. A free slot is all zero.
// +0 u16 in use (1) · +2 u16 open flags · +4 u32 inode · +8 u32 offset (≤ MAX_FILE_BYTES) ·
// +12 u32 the inode's generation when opened.
export const SLOT_BYTES = 16;
export const SLOT = { in_use: 0, flags: 2, inode: 4, offset: 8, generation: 12 } as const;
export const STATE_BYTES = OPEN_FILES_MAX * SLOT_BYTES;

// ---- the protocol ----
export const FS_OPS = { open: 1, read: 2, write: 3, seek: 4, close: 5, unlink: 6, stat: 7, mkdir: 8, readdir: 9 } as const;
export type FsOpName = keyof typeof FS_OPS;
export const OPEN_FLAGS = { create: 1, truncate: 2 } as const;
export const OPEN_FLAGS_ALL = OPEN_FLAGS.create | OPEN_FLAGS.truncate;

/** Injection sites (BUGGIFY): where a fault leaves the disk between two writes of one operation. */
export const FS_SITES = { betweenBlocks: 'between-blocks', bitmapThenInode: 'bitmap-then-inode' } as const;
