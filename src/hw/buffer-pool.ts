// Storage reused across the runs of one thread. A campaign builds a system per run; allocating its
// physical memory, its disk and its trace ring afresh each time (hundreds of kilobytes, zeroed,
// tracked by the garbage collector as external memory) cost more than many a run. A system that is
// done gives its storage back, reset as far as it was used (the memory's frames up to their
// high-water mark, the disk's blocks up to the last written), and the next system of the same
// shape takes it. Each worker thread has its own pools (module state is per thread), and a pool
// keeps at most `buffers_pooled_max` spares, of one shape, so memory stays flat.
//
// Whoever gives storage back resets it first: what `take` returns must be exactly what `make`
// would have built, as far as anyone can observe (test/campaign/reuse.test.ts checks that a
// run on reused storage is the run on fresh storage).
import { LIMITS } from './limits.ts';

/** Spare storage of one kind, by shape (a key naming everything that must match: sizes). */
export class ReusePool<T> {
  private readonly spares = new Map<string, T[]>();
  /** how many `take`s built new storage, and how many reused a spare (tests check that reuse happens) */
  made = 0;
  reused = 0;

  constructor(readonly kind: string) {
    POOLS.push(this);
  }

  /** A spare of this shape, or a new one from `make`. */
  take(shape: string, make: () => T): T {
    const spare = this.spares.get(shape)?.pop();
    if (spare !== undefined) {
      this.reused++;
      return spare;
    }
    this.made++;
    return make();
  }

  /**
   * Keeps `storage` (already reset) for the next `take` of its shape, unless enough are kept. A pool
   * keeps one shape at a time: a new one drops the spares of the others (a thread's runs rarely
   * change shape), so it never holds more than `buffers_pooled_max`, however many shapes go by.
   */
  give(shape: string, storage: T): void {
    let spares = this.spares.get(shape);
    if (spares === undefined) {
      this.spares.clear();
      this.spares.set(shape, (spares = []));
    }
    if (spares.length < LIMITS.buffers_pooled_max) spares.push(storage);
  }

  /** How many spares it keeps now, of every shape. */
  get kept(): number {
    let n = 0;
    for (const spares of this.spares.values()) n += spares.length;
    return n;
  }

  clear(): void {
    this.spares.clear();
  }
}

const POOLS: ReusePool<unknown>[] = [];

/** Drops every spare of every pool of this thread: the next systems build their storage afresh (tests compare against that). */
export function emptyPools(): void {
  for (const pool of POOLS) pool.clear();
}

/** Every pool of this thread, for tests and reports. */
export function pools(): readonly ReusePool<unknown>[] {
  return POOLS;
}

const BYTES = new ReusePool<Uint8Array>('bytes');

/** A zeroed buffer of `bytes` bytes: a pooled one if there is one, else a new one. */
export function takeZeroed(bytes: number): Uint8Array {
  return BYTES.take(String(bytes), () => new Uint8Array(bytes));
}

/** Gives a buffer back; its bytes from `dirty_bytes` on must still be zero. */
export function giveBack(buffer: Uint8Array, dirty_bytes: number): void {
  buffer.fill(0, 0, Math.min(dirty_bytes, buffer.length));
  BYTES.give(String(buffer.length), buffer);
}
