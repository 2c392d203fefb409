// The block device: whole blocks in and out, bounds checked, reads returning copies; and through
// the kernel, disk requests with bad blocks or unmapped buffers answered with an error.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BlockDevice } from '../../src/hw/devices/block.ts';
import type { Errno } from '../../src/kernel/errors.ts';
import * as sys from '../../src/kernel/sys.ts';
import { makeKernel } from '../helpers/kernel-fixtures.ts';

const BLOCK = 512;

describe('block device', () => {
  it('reads back the last write of every block', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(7), fc.nat(255)), { maxLength: 30 }), (writes) => {
        const d = new BlockDevice(BLOCK, 8);
        const last = new Map<number, number>();
        for (const [block, fill] of writes) {
          d.write(block, new Uint8Array(BLOCK).fill(fill));
          last.set(block, fill);
        }
        // Every write fills a whole block with one value: a block reads back as that one value.
        for (let b = 0; b < 8; b++) expect([...new Set(d.read(b))]).toEqual([last.get(b) ?? 0]);
        expect([d.reads, d.writes]).toEqual([8, writes.length]);
      }),
      { numRuns: 100 },
    );
  });

  it('checks bounds and sizes, and a read is a view of the block (the kernel copies it): exactly that block, as the disk holds it now', () => {
    const d = new BlockDevice(BLOCK, 4);
    for (const bad of [-1, 4, 1.5, Number.NaN]) {
      expect(d.isValidBlock(bad)).toBe(false);
      expect(() => d.read(bad)).toThrow(RangeError);
      expect(() => d.write(bad, new Uint8Array(BLOCK))).toThrow(RangeError);
    }
    expect(() => d.write(0, new Uint8Array(BLOCK - 1))).toThrow(RangeError);
    const block = new Uint8Array(BLOCK).map((_, i) => i + 1);
    d.write(3, block);
    const view = d.read(3);
    expect(view).toEqual(block);
    expect(d.read(2)).toEqual(new Uint8Array(BLOCK));
    d.write(3, new Uint8Array(BLOCK));
    expect(view).toEqual(new Uint8Array(BLOCK));
  });

  it('through the kernel: disk requests move whole blocks between a buffer and the disk, or fail cleanly', () => {
    const k = makeKernel({ disk_blocks: 4 });
    const fs = k.createTask('fs');
    expect(k.allocPages(fs, 0x1000, 1, true)).toBe('OK');
    expect(k.allocPages(fs, 0x2000, 1, false)).toBe('OK');
    const disk = k.giveCap(fs, k.deviceCap('disk'));
    const errs: Errno[] = [];
    let read_back: number[] = [];
    k.spawnThread(fs, 'main', function* (ctx) {
      ctx.mem.storeBytes(0x1000, new Uint8Array(BLOCK).fill(0x5a));
      errs.push((yield* sys.device(disk, { action: 'disk-write', block: 3, vaddr: 0x1000 })).err);
      errs.push((yield* sys.device(disk, { action: 'disk-write', block: 4, vaddr: 0x1000 })).err);
      errs.push((yield* sys.device(disk, { action: 'disk-write', block: 0, vaddr: 0x2f00 })).err); // runs off the mapped pages
      errs.push((yield* sys.device(disk, { action: 'disk-read', block: 3, vaddr: 0x2000 })).err); // read-only page
      errs.push((yield* sys.device(disk, { action: 'disk-read', block: -1, vaddr: 0x1000 })).err);
      errs.push((yield* sys.device(disk, { action: 'disk-read', block: 3, vaddr: 0x1200 })).err);
      read_back = [...ctx.mem.loadBytes(0x1200, BLOCK)];
    });
    expect(k.run()).toBe('idle');
    expect(errs).toEqual(['OK', 'EINVAL', 'EFAULT', 'EFAULT', 'EINVAL', 'OK']);
    expect(read_back).toEqual(new Array<number>(BLOCK).fill(0x5a));
    expect(k.machine.disk.read(0)).toEqual(new Uint8Array(BLOCK));
  });
});
