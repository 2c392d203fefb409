// Mounting: `init` reads the superblock through the disk driver; a disk without the magic is
// formatted first (mkfs). The superblock is written last, so that a crash during mkfs leaves a
// disk that is formatted again at the next start. A superblock with the magic but another
// geometry is not ours to overwrite: the server stops with an error naming the field. A file system
// that was there already is repaired before use (repair.ts): fs never unmounts cleanly, so every
// such mount follows a stop that may have come between two writes of one operation.
import type { Sys } from '../../kernel/sys.ts';
import type { ServerEnv } from '../framework/define.ts';
import { readBlock, writeBlock, zeroBuffer } from './disk-io.ts';
import { writeInode } from './inode.ts';
import { repair } from './repair.ts';
import { BLOCK_BITMAP_BLOCK, DIRECT_BLOCKS, FILE_TYPE, FS_MAGIC, HEAP, INODE_BITMAP_BLOCK, INODE_TABLE_BLOCK, INODE_TABLE_BLOCKS, ROOT_INODE, SB, SUPER_BLOCK, SUPERBLOCK_FIELDS } from './layout.ts';

export function* mount(env: ServerEnv): Sys<void> {
  const buf = env.heap + HEAP.meta_buf;
  yield* readBlock(env, SUPER_BLOCK, buf);
  if (env.mem.load32(buf + SB.magic) !== FS_MAGIC) {
    yield* mkfs(env);
    return;
  }
  for (const [offset, value] of SUPERBLOCK_FIELDS) {
    const found = env.mem.load32(buf + offset);
    if (found !== value) throw new Error(`fs: superblock field at +${offset} is ${found}, this build expects ${value}`);
  }
  yield* repair(env);
}

function* mkfs(env: ServerEnv): Sys<void> {
  const buf = env.heap + HEAP.meta_buf;
  zeroBuffer(env, buf);
  for (let b = 0; b < INODE_TABLE_BLOCKS; b++) yield* writeBlock(env, INODE_TABLE_BLOCK + b, buf);
  yield* writeBlock(env, BLOCK_BITMAP_BLOCK, buf);
  yield* writeInode(env, { ino: ROOT_INODE, type: FILE_TYPE.dir, generation: 1, size: 0, direct: new Array<number>(DIRECT_BLOCKS).fill(0) });
  // Inode 0 is never handed out (0 means "no inode" in a directory entry); 1 is the root.
  env.mem.store8(buf, (1 << 0) | (1 << ROOT_INODE));
  yield* writeBlock(env, INODE_BITMAP_BLOCK, buf);
  zeroBuffer(env, buf);
  for (const [offset, value] of SUPERBLOCK_FIELDS) env.mem.store32(buf + offset, value);
  yield* writeBlock(env, SUPER_BLOCK, buf);
}
