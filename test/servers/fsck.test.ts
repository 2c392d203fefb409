// fsck on its own: the image a fault-free fs leaves is clean whatever the workload; each kind of
// damage, done by hand to a clean image, is named by the problem it is (a block free in the bitmap
// but used, a leaked block, a shared block, an inode free in one table and live in the other, an
// entry naming a dead inode, an orphan, a size past its blocks, a superblock of another build).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diskServer } from '../../src/servers/disk/disk.ts';
import type { ClientOp, ServerModule } from '../../src/servers/framework/module.ts';
import { fsck, fsModule, fsServer } from '../../src/servers/fs/index.ts';
import {
  BLOCK_BITMAP_BLOCK,
  BLOCK_BYTES,
  DATA_START,
  DIRENT_BYTES,
  INODE,
  INODE_BITMAP_BLOCK,
  INODE_BYTES,
  INODE_TABLE_BLOCK,
  MAX_FILE_BYTES,
  OPEN_FLAGS,
  ROOT_INODE,
  SB,
  SUPER_BLOCK,
} from '../../src/servers/fs/layout.ts';
import { System } from '../../src/servers/system.ts';
import { makeWorkload, workloadProgram, type Workload } from '../../src/servers/workload.ts';

const MODULES = new Map<string, ServerModule>([['fs', fsModule as ServerModule]]);
const RUN_CYCLES_MAX = 2_000_000_000;

function fs(op: string, args: number[], text?: string): ClientOp {
  return text === undefined ? { server: 'fs', op, args } : { server: 'fs', op, args, text };
}

/** The disk image after a fault-free run of the workload. */
function imageAfter(workload: Workload): Uint8Array {
  const system = new System({ mode: 'curios', servers: [diskServer, fsServer], clients: workload.map((ops) => workloadProgram(MODULES, ops, [])) });
  expect(system.runClients(RUN_CYCLES_MAX)).toBe('until');
  return system.machine.disk.data.slice();
}

// /d (a directory) holding /d/a (5 bytes, one block) and /b (600 bytes, two blocks).
const TREE = [fs('mkdir', [], '/d'), fs('open', [OPEN_FLAGS.create], '/d/a'), fs('write', [0], 'hello'), fs('open', [OPEN_FLAGS.create], '/b'), fs('write', [1], 'x'.repeat(600))];

const u32 = (image: Uint8Array, at: number) => new DataView(image.buffer, image.byteOffset).getUint32(at, true);
const setU32 = (image: Uint8Array, at: number, value: number) => new DataView(image.buffer, image.byteOffset).setUint32(at, value, true);
const inodeAt = (ino: number) => INODE_TABLE_BLOCK * BLOCK_BYTES + ino * INODE_BYTES;
const flipBit = (image: Uint8Array, block: number, bit: number) => (image[block * BLOCK_BYTES + (bit >> 3)] ^= 1 << (bit & 7));

/** The inode a path of TREE got, read from the clean image's tree walk order: /, /d, /b, /d/a. */
function inoOf(image: Uint8Array, dirBlock: number, slot: number): number {
  return u32(image, dirBlock * BLOCK_BYTES + slot * DIRENT_BYTES);
}

describe('fsck', () => {
  const clean = imageAfter([TREE]);
  const rootBlock = u32(clean, inodeAt(ROOT_INODE) + INODE.direct);
  const dIno = inoOf(clean, rootBlock, 0);
  const bIno = inoOf(clean, rootBlock, 1);
  const bFirst = u32(clean, inodeAt(bIno) + INODE.direct);
  const damaged = (hurt: (image: Uint8Array) => void): string[] => {
    const image = clean.slice();
    hurt(image);
    return fsck(image).problems;
  };

  it('finds a clean image clean, and lists its tree with sizes', () => {
    const report = fsck(clean);
    expect(report.problems).toEqual([]);
    expect(report.tree.map((e) => [e.path, e.type, e.size])).toEqual([
      ['/', 'dir', BLOCK_BYTES],
      ['/d', 'dir', BLOCK_BYTES],
      ['/b', 'file', 600],
      ['/d/a', 'file', 5],
    ]);
  });

  it('reports an unformatted disk as such, with no problem', () => {
    expect(fsck(new Uint8Array(clean.length))).toMatchObject({ formatted: false, problems: [], tree: [] });
  });

  it('finds every image a fault-free fs leaves clean', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 3 }), (seed, clients) => {
        const workload = makeWorkload({ seed, clients, ops_per_client: 30, modules: [fsModule as ServerModule] });
        expect(fsck(imageAfter(workload)).problems).toEqual([]);
      }),
      { numRuns: 6 },
    );
  });

  it('names a block used by an inode but free in the bitmap', () => {
    expect(damaged((image) => flipBit(image, BLOCK_BITMAP_BLOCK, bFirst - DATA_START))).toEqual([`block ${bFirst}: used by inode ${bIno}, free in the block bitmap`]);
  });

  it('names a block in use in the bitmap but in no inode (a leak)', () => {
    const spare = DATA_START + 100;
    expect(damaged((image) => flipBit(image, BLOCK_BITMAP_BLOCK, spare - DATA_START))).toEqual([`block ${spare}: in use in the block bitmap, in no inode (leaked)`]);
  });

  it('names a block shared by two inodes', () => {
    const problems = damaged((image) => setU32(image, inodeAt(dIno) + INODE.direct + 4, bFirst));
    expect(problems).toContain(`block ${bFirst}: shared by inodes ${dIno}, ${bIno}`);
  });

  it('names an inode live in the table but free in the bitmap, and the reverse', () => {
    expect(damaged((image) => flipBit(image, INODE_BITMAP_BLOCK, bIno))).toEqual([`inode ${bIno}: a file in the inode table, free in the inode bitmap`]);
    expect(damaged((image) => flipBit(image, INODE_BITMAP_BLOCK, 40))).toEqual(['inode 40: in use in the inode bitmap, free in the inode table']);
  });

  it('names a directory entry pointing to an inode that is not live', () => {
    const problems = damaged((image) => setU32(image, rootBlock * BLOCK_BYTES + DIRENT_BYTES, 40));
    expect(problems).toContain('/b: names inode 40, which is not a live file or directory');
    expect(problems).toContain(`inode ${bIno}: a live file named in no directory (orphan)`);
  });

  it('names an inode named twice', () => {
    const problems = damaged((image) => setU32(image, rootBlock * BLOCK_BYTES, bIno));
    expect(problems).toContain(`/b: names inode ${bIno}, already named /d`);
  });

  it('names a size that does not fit its blocks', () => {
    expect(damaged((image) => setU32(image, inodeAt(bIno) + INODE.size, 100))).toEqual([`inode ${bIno}: block ${bFirst + 1} at index 1 is past its size 100`]);
    expect(damaged((image) => setU32(image, inodeAt(bIno) + INODE.size, MAX_FILE_BYTES + 1))).toEqual([`inode ${bIno}: size ${MAX_FILE_BYTES + 1} is over the ${MAX_FILE_BYTES}-byte maximum`]);
    expect(damaged((image) => setU32(image, inodeAt(dIno) + INODE.size, 2 * BLOCK_BYTES))).toEqual([`inode ${dIno}: directory block 1 is missing`]);
  });

  it('names a superblock field of another build', () => {
    expect(damaged((image) => setU32(image, SUPER_BLOCK * BLOCK_BYTES + SB.inodes, 65))).toEqual(['superblock: field at +12 is 65, expected 64']);
  });

  it('sees a file whose contents changed in its tree, not in its problems', () => {
    const image = clean.slice();
    image[bFirst * BLOCK_BYTES] ^= 1;
    const report = fsck(image);
    expect(report.problems).toEqual([]);
    expect(report.tree).not.toEqual(fsck(clean).tree);
  });
});
