// Zeroed byte buffers, reused across the runs of one thread. A campaign builds a machine per run;
// allocating its physical memory and its disk afresh each time (megabytes, zeroed, tracked by the
// garbage collector as external memory) cost more than the run. A machine that is done gives its
// buffers back with the extent it dirtied; only that extent is zeroed, and the next machine of the
// same size takes them. Each worker thread has its own pool (module state is per thread), and a
// pool keeps at most `buffers_pooled_max` buffers of a size, so memory stays flat.
import { LIMITS } from './limits.ts';

const pools = new Map<number, Uint8Array[]>();

/** A zeroed buffer of `bytes` bytes: a pooled one if there is one, else a new one. */
export function takeZeroed(bytes: number): Uint8Array {
  const pool = pools.get(bytes);
  const reused = pool?.pop();
  return reused ?? new Uint8Array(bytes);
}

/** Gives a buffer back; its bytes from `dirty_bytes` on must still be zero. */
export function giveBack(buffer: Uint8Array, dirty_bytes: number): void {
  buffer.fill(0, 0, Math.min(dirty_bytes, buffer.length));
  let pool = pools.get(buffer.length);
  if (pool === undefined) pools.set(buffer.length, (pool = []));
  if (pool.length < LIMITS.buffers_pooled_max) pool.push(buffer);
}
