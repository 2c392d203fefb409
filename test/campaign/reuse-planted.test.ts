// The reuse property (test/helpers/reuse.ts) is trusted only because it catches a forgotten reset.
// Through test-only module mocks, this file plants three: physical memory given back without
// zeroing the frames a run used, without zeroing the frames only a bit flip reached (beyond the
// high-water mark), and the disk given back without zeroing the blocks a run wrote. With one
// planted the property must fail; with none it holds.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { comparedRunArb, previousRunArb, reusedRunIsFresh } from '../helpers/reuse.ts';

const plant = vi.hoisted(() => ({ memory_used: false, memory_flipped: false, disk_written: false }));

/** The fields of PhysicalMemory a release resets from (private in the source: a planted bug reaches in). */
interface Extents {
  high_water: number;
  dirty_extent: number;
}

vi.mock('../../src/hw/memory.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/hw/memory.ts')>();
  class Forgetful extends real.PhysicalMemory {
    override release(): void {
      const extents = this as unknown as Extents;
      // Forgets the frames handed out (and the in-use map), or only the frames a bit flip reached beyond them.
      if (plant.memory_used) extents.high_water = extents.dirty_extent = 0;
      if (plant.memory_flipped) extents.dirty_extent = 0;
      super.release();
    }
  }
  return { ...real, PhysicalMemory: Forgetful };
});

vi.mock('../../src/hw/devices/block.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/hw/devices/block.ts')>();
  const { giveBack } = await import('../../src/hw/buffer-pool.ts');
  class Forgetful extends real.BlockDevice {
    override release(): void {
      if (plant.disk_written) giveBack(this.data, 0);
      else super.release();
    }
  }
  return { ...real, BlockDevice: Forgetful };
});

/** Whether the property finds a run on reused storage that differs from the fresh run, and what it says. */
function propertyFails(): { failed: boolean; message: string } {
  const details = fc.check(fc.property(previousRunArb, comparedRunArb, (a, b) => void reusedRunIsFresh(a, b)), { numRuns: 30, seed: 10, endOnFailure: true });
  return { failed: details.failed, message: details.errorInstance instanceof Error ? details.errorInstance.message : '' };
}

function expectCaught(which: keyof typeof plant, what: RegExp): void {
  plant[which] = true;
  try {
    const r = propertyFails();
    expect(r.failed).toBe(true);
    expect(r.message).toMatch(what);
  } finally {
    plant[which] = false;
  }
}

describe('the reuse property catches a forgotten reset', () => {
  it('holds with none planted', () => expect(propertyFails().failed).toBe(false));
  it('catches memory given back with the frames a run used still dirty', () => expectCaught('memory_used', /physical memory/));
  it('catches memory given back with frames a bit flip reached beyond the high-water mark still dirty', () => expectCaught('memory_flipped', /physical memory/));
  it('catches the disk given back with the blocks a run wrote still written', () => expectCaught('disk_written', /disk/));
});
