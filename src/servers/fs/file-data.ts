// A file's bytes: reading a range (holes read as zeros) and writing one (blocks allocated on first
// touch, all of them or none). A write is checked whole before anything changes: past the maximum
// file size, or short of free blocks, it is ENOSPC and the disk is as it was.
import type { Sys } from '../../kernel/sys.ts';
import type { ServerEnv } from '../framework/define.ts';
import { check, readBlock, writeBlock, zeroBuffer } from './disk-io.ts';
import { allocDataBlocks, writeInode, type Inode } from './inode.ts';
import { BLOCK_BYTES, FS_SITES, HEAP, MAX_FILE_BYTES } from './layout.ts';

/** The block-sized pieces of the byte range [offset, offset + count). */
function pieces(offset: number, count: number): { index: number; at: number; len: number; done: number }[] {
  const out: { index: number; at: number; len: number; done: number }[] = [];
  for (let done = 0; done < count; ) {
    const pos = offset + done;
    const at = pos % BLOCK_BYTES;
    const len = Math.min(BLOCK_BYTES - at, count - done);
    out.push({ index: Math.floor(pos / BLOCK_BYTES), at, len, done });
    done += len;
  }
  return out;
}

/** Up to `count` bytes from `offset` (fewer at the end of the file). */
export function* readData(env: ServerEnv, inode: Inode, offset: number, count: number): Sys<Uint8Array> {
  const n = Math.max(0, Math.min(count, inode.size - offset));
  const buf = env.heap + HEAP.data_buf;
  const io = env.heap + HEAP.io_buf;
  for (const p of pieces(offset, n)) {
    const block = inode.direct[p.index];
    if (block === 0) zeroBuffer(env, buf);
    else yield* readBlock(env, block, buf);
    env.mem.storeBytes(io + p.done, env.mem.loadBytes(buf + p.at, p.len));
  }
  return env.mem.loadBytes(io, n);
}

/** Writes `bytes` at `offset`, growing the file; the inode is written last. */
export function* writeData(env: ServerEnv, inode: Inode, offset: number, bytes: Uint8Array): Sys<void> {
  if (bytes.length === 0) return;
  check(offset + bytes.length <= MAX_FILE_BYTES, 'ENOSPC');
  const parts = pieces(offset, bytes.length);
  const missing = parts.filter((p) => inode.direct[p.index] === 0);
  const fresh = yield* allocDataBlocks(env, missing.length);
  check(fresh !== null, 'ENOSPC');
  missing.forEach((p, i) => (inode.direct[p.index] = fresh[i]));
  const isFresh = new Set(fresh);
  const buf = env.heap + HEAP.data_buf;
  for (const p of parts) {
    const block = inode.direct[p.index];
    const whole = p.len === BLOCK_BYTES;
    if (isFresh.has(block)) zeroBuffer(env, buf);
    else if (!whole) yield* readBlock(env, block, buf);
    env.mem.storeBytes(buf + p.at, bytes.subarray(p.done, p.done + p.len));
    yield* writeBlock(env, block, buf);
    // BUGGIFY: some blocks of the write are on disk, the rest and the inode are not.
    env.site(FS_SITES.betweenBlocks);
  }
  inode.size = Math.max(inode.size, offset + bytes.length);
  yield* writeInode(env, inode);
}
