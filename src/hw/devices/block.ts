// The block device: the disk. Its blocks are hardware, so they survive every server restart; a
// file server that crashes finds its on-disk state as it last wrote it.
import { giveBack, takeZeroed } from '../buffer-pool.ts';
import { LIMITS } from '../limits.ts';

export class BlockDevice {
  readonly data: Uint8Array;
  reads = 0;
  writes = 0;
  /** blocks [0, written_extent) may hold non-zero bytes: every write goes through write() */
  private written_extent = 0;

  constructor(
    readonly block_bytes: number = LIMITS.block_bytes,
    readonly block_count: number = LIMITS.blocks_default,
  ) {
    this.data = takeZeroed(block_bytes * block_count);
  }

  /** Hands the bytes back for the next machine of this thread; the disk must not be used afterwards. */
  release(): void {
    // Only as far as it was written: a run writes a few blocks of the disk's thousand.
    giveBack(this.data, this.written_extent * this.block_bytes);
  }

  isValidBlock(block: number): boolean {
    return Number.isInteger(block) && block >= 0 && block < this.block_count;
  }

  /** The block's bytes on the disk (a view, not a copy: valid until the next write; copy what you keep). */
  read(block: number): Uint8Array {
    if (!this.isValidBlock(block)) throw new RangeError(`block ${block} out of range`);
    this.reads++;
    return this.data.subarray(block * this.block_bytes, (block + 1) * this.block_bytes);
  }

  write(block: number, bytes: Uint8Array): void {
    if (!this.isValidBlock(block)) throw new RangeError(`block ${block} out of range`);
    if (bytes.length !== this.block_bytes) throw new RangeError(`a block write takes ${this.block_bytes} bytes, got ${bytes.length}`);
    this.writes++;
    if (block >= this.written_extent) this.written_extent = block + 1;
    this.data.set(bytes, block * this.block_bytes);
  }
}
