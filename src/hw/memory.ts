// Physical memory: fixed-size frames in one ArrayBuffer. Everything a simulated program keeps
// lives here as bytes, so that a bit flip is a real bit flip. Frames are handed out lowest
// number first, so that allocation order (and therefore every trace) is deterministic: a freed
// frame is the next one out (a stack), and below that the frames never used yet, in order (a
// high-water mark, so a machine touches — and, once released, zeroes — only the frames it used).
// The bytes, their views and the in-use map come from a pool (buffer-pool.ts): a released memory
// resets what it used and the next one of its geometry takes them.
import { ReusePool } from './buffer-pool.ts';
import { LIMITS } from './limits.ts';
import { frameNumber, type FrameNumber } from './types.ts';

/** What a memory keeps of its storage across runs: the bytes, their views, which frames are in use. */
interface FrameStore {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly u16: Uint16Array;
  readonly u32: Uint32Array;
  readonly in_use: Uint8Array;
}

const STORES = new ReusePool<FrameStore>('physical memory');

function makeStore(frame_bytes: number, frame_count: number): FrameStore {
  const bytes = new Uint8Array(frame_bytes * frame_count);
  return {
    bytes,
    view: new DataView(bytes.buffer),
    u16: new Uint16Array(bytes.buffer, 0, bytes.length >>> 1),
    u32: new Uint32Array(bytes.buffer, 0, bytes.length >>> 2),
    in_use: new Uint8Array(frame_count),
  };
}

export class PhysicalMemory {
  readonly frame_bytes: number;
  readonly frame_count: number;
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** the same bytes as 16- and 32-bit words in the host's byte order (ctx.mem's typed-array paths, on a little-endian host) */
  readonly u16: Uint16Array;
  readonly u32: Uint32Array;
  /** frames freed since, popped from the end (never-used frames are not in it) */
  private readonly freed: FrameNumber[] = [];
  /** frames [0, high_water) have been handed out at least once */
  private high_water = 0;
  /** frames [0, dirty_extent) may hold non-zero bytes (the frames handed out, and any bit flipped beyond) */
  private dirty_extent = 0;
  private readonly in_use: Uint8Array;
  private readonly store: FrameStore;
  private readonly shape: string;
  private released = false;

  constructor(frame_bytes: number = LIMITS.frame_bytes_default, frame_count: number = LIMITS.frames_default) {
    if (!Number.isInteger(Math.log2(frame_bytes)) || frame_bytes < 256) throw new RangeError(`frame size must be a power of two ≥ 256 bytes, got ${frame_bytes}`);
    if (!Number.isInteger(frame_count) || frame_count < 1) throw new RangeError(`frame count must be a positive integer, got ${frame_count}`);
    this.frame_bytes = frame_bytes;
    this.frame_count = frame_count;
    this.shape = `${frame_bytes}x${frame_count}`;
    const store = (this.store = STORES.take(this.shape, () => makeStore(frame_bytes, frame_count)));
    this.bytes = store.bytes;
    this.view = store.view;
    this.u16 = store.u16;
    this.u32 = store.u32;
    this.in_use = store.in_use;
  }

  get frames_free(): number {
    return this.frame_count - this.high_water + this.freed.length;
  }

  /** A zeroed frame, or null when memory is exhausted. */
  allocFrame(): FrameNumber | null {
    let frame = this.freed.pop();
    if (frame === undefined) {
      if (this.high_water === this.frame_count) return null;
      frame = frameNumber(this.high_water++);
      // A frame never handed out is still as the pool gave it, zero — unless a bit flip reached it.
      if (frame >= this.dirty_extent) {
        this.in_use[frame] = 1;
        return frame;
      }
    }
    this.in_use[frame] = 1;
    this.bytes.fill(0, frame * this.frame_bytes, (frame + 1) * this.frame_bytes);
    return frame;
  }

  freeFrame(frame: FrameNumber): void {
    if (this.in_use[frame] !== 1) throw new Error(`invariant: freeing frame ${frame} that is not in use`);
    this.in_use[frame] = 0;
    this.freed.push(frame);
  }

  /**
   * Hands the storage back for the next machine of this thread, reset as far as it was used: the
   * frames handed out (and any a bit flip reached) zeroed, none in use. The machine must not be
   * used afterwards: a run's results are plain data copied out before this.
   */
  release(): void {
    if (this.released) throw new Error('invariant: physical memory released twice');
    this.released = true;
    // Only frames below the high-water mark were ever marked in use.
    this.in_use.fill(0, 0, this.high_water);
    this.bytes.fill(0, 0, Math.max(this.high_water, this.dirty_extent) * this.frame_bytes);
    STORES.give(this.shape, this.store);
  }

  isInUse(frame: FrameNumber): boolean {
    return this.in_use[frame] === 1;
  }

  frameBase(frame: FrameNumber): number {
    return frame * this.frame_bytes;
  }

  /** Flips one bit of physical memory: the primitive behind every memory fault. */
  flipBit(physAddr: number, bit: number): void {
    this.bytes[physAddr] ^= 1 << (bit & 7);
    this.dirty_extent = Math.max(this.dirty_extent, Math.floor(physAddr / this.frame_bytes) + 1);
  }
}

/** below this many bytes a byte loop copies faster than a subarray and `set` (which allocates) or `copyWithin` (a builtin's call) */
export const COPY_LOOP_BYTES_MAX = 64;

/** Copies `n` bytes from `src` at `s` to `dst` at `d` (different buffers, or ranges of one that do not overlap), without allocating for a short copy. */
export function copyBytes(src: Uint8Array, s: number, dst: Uint8Array, d: number, n: number): void {
  if (n < COPY_LOOP_BYTES_MAX) for (let i = 0; i < n; i++) dst[d + i] = src[s + i];
  else dst.set(src.subarray(s, s + n), d);
}
