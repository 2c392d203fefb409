// The two allocation bitmaps (inodes, data blocks), each one disk block: bit i of byte i >> 3,
// least significant first. Allocation takes the lowest free bits — all of them or none — so that
// inode numbers are a function of the operation history (the model allocates the same way).
import type { VirtAddr } from '../../hw/types.ts';
import type { Sys } from '../../kernel/sys.ts';
import type { ServerEnv } from '../framework/define.ts';
import { readBlock, writeBlock } from './disk-io.ts';
import { HEAP } from './layout.ts';

function isSet(env: ServerEnv, buf: VirtAddr, bit: number): boolean {
  return (env.mem.load8(buf + (bit >> 3)) & (1 << (bit & 7))) !== 0;
}

function setBit(env: ServerEnv, buf: VirtAddr, bit: number, on: boolean): void {
  const at = buf + (bit >> 3);
  const byte = env.mem.load8(at);
  env.mem.store8(at, on ? byte | (1 << (bit & 7)) : byte & ~(1 << (bit & 7)));
}

/** Allocates the `count` lowest free bits below `limit` of bitmap block `block`; null if fewer are free. */
export function* allocBits(env: ServerEnv, block: number, limit: number, count: number): Sys<number[] | null> {
  const buf = env.heap + HEAP.meta_buf;
  yield* readBlock(env, block, buf);
  const bits: number[] = [];
  for (let bit = 0; bit < limit && bits.length < count; bit++) if (!isSet(env, buf, bit)) bits.push(bit);
  if (bits.length < count) return null;
  for (const bit of bits) setBit(env, buf, bit, true);
  if (count > 0) yield* writeBlock(env, block, buf);
  return bits;
}

export function* freeBits(env: ServerEnv, block: number, bits: readonly number[]): Sys<void> {
  if (bits.length === 0) return;
  const buf = env.heap + HEAP.meta_buf;
  yield* readBlock(env, block, buf);
  for (const bit of bits) {
    if (!isSet(env, buf, bit)) throw new Error(`invariant: bit ${bit} of bitmap block ${block} freed twice`);
    setBit(env, buf, bit, false);
  }
  yield* writeBlock(env, block, buf);
}

/** The set bits below `limit` of bitmap block `block`. */
export function* setBits(env: ServerEnv, block: number, limit: number): Sys<number[]> {
  const buf = env.heap + HEAP.meta_buf;
  yield* readBlock(env, block, buf);
  const bits: number[] = [];
  for (let bit = 0; bit < limit; bit++) if (isSet(env, buf, bit)) bits.push(bit);
  return bits;
}
