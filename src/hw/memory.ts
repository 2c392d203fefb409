// Physical memory: fixed-size frames in one ArrayBuffer. Everything a simulated program keeps
// lives here as bytes, so that a bit flip is a real bit flip. Frames are handed out lowest
// number first, so that allocation order (and therefore every trace) is deterministic.
import { LIMITS } from './limits.ts';
import { frameNumber, type FrameNumber } from './types.ts';

export class PhysicalMemory {
  readonly frame_bytes: number;
  readonly frame_count: number;
  readonly bytes: Uint8Array;
  readonly view: DataView;
  private readonly free_frames: FrameNumber[];
  private readonly in_use: Uint8Array;

  constructor(frame_bytes: number = LIMITS.frame_bytes_default, frame_count: number = LIMITS.frames_default) {
    if (!Number.isInteger(Math.log2(frame_bytes)) || frame_bytes < 256) throw new RangeError(`frame size must be a power of two ≥ 256 bytes, got ${frame_bytes}`);
    if (!Number.isInteger(frame_count) || frame_count < 1) throw new RangeError(`frame count must be a positive integer, got ${frame_count}`);
    this.frame_bytes = frame_bytes;
    this.frame_count = frame_count;
    const buffer = new ArrayBuffer(frame_bytes * frame_count);
    this.bytes = new Uint8Array(buffer);
    this.view = new DataView(buffer);
    this.in_use = new Uint8Array(frame_count);
    // A stack popped from the end: the lowest frame comes out first.
    this.free_frames = [];
    for (let f = frame_count - 1; f >= 0; f--) this.free_frames.push(frameNumber(f));
  }

  get frames_free(): number {
    return this.free_frames.length;
  }

  /** A zeroed frame, or null when memory is exhausted. */
  allocFrame(): FrameNumber | null {
    const frame = this.free_frames.pop();
    if (frame === undefined) return null;
    this.in_use[frame] = 1;
    this.bytes.fill(0, frame * this.frame_bytes, (frame + 1) * this.frame_bytes);
    return frame;
  }

  freeFrame(frame: FrameNumber): void {
    if (this.in_use[frame] !== 1) throw new Error(`invariant: freeing frame ${frame} that is not in use`);
    this.in_use[frame] = 0;
    this.free_frames.push(frame);
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
  }
}
