// fsck: the file system's own check of a disk image, read from outside (the end-state oracle, tests).
// It checks what the server's operations keep true — the superblock is this build's; the bitmaps
// agree with the inode table; every in-use data block belongs to exactly one inode; every inode's
// size fits its blocks; every directory entry names a live inode, and every live inode is named
// exactly once — and lists the tree (path, type, size, a CRC of the contents), which is what a
// client could read. A problem is one line naming the block, inode or path it is about.
//
// A pure function of the image: no simulated time, no server. Problems are listed in a fixed order
// (superblock, inodes by number, blocks by number, then the tree walk) so two images compare as text.
import { crc32 } from 'node:zlib';
import {
  BLOCK_BITMAP_BLOCK,
  BLOCK_BYTES,
  DATA_BLOCKS,
  DATA_START,
  DIRECT_BLOCKS,
  DIRENT,
  DIRENT_BYTES,
  DIRENT_NAME_BYTES,
  DIRENTS_PER_BLOCK,
  FILE_TYPE,
  FS_BLOCKS,
  FS_MAGIC,
  INODE,
  INODE_BITMAP_BLOCK,
  INODE_BYTES,
  INODE_TABLE_BLOCK,
  INODES,
  MAX_FILE_BYTES,
  ROOT_INODE,
  SB,
  SUPER_BLOCK,
  SUPERBLOCK_FIELDS,
} from './layout.ts';

export type FsckEntry = {
  path: string;
  type: 'file' | 'dir';
  size: number;
  /** CRC-32 of a file's bytes (holes read as zeros); 0 for a directory */
  crc: number;
};

export interface FsckReport {
  /** false when the disk has no file system at all (never formatted) */
  formatted: boolean;
  problems: string[];
  /** every file and directory reachable from the root, in walk order */
  tree: FsckEntry[];
  /** the live inodes the tree names: number → path and generation (what an open-file handle reaches) */
  named: Map<number, { path: string; generation: number }>;
}

interface RawInode {
  ino: number;
  type: number;
  generation: number;
  size: number;
  direct: number[];
}

const TYPE_NAME: Record<number, 'file' | 'dir'> = { [FILE_TYPE.file]: 'file', [FILE_TYPE.dir]: 'dir' };

/** Checks the file system on `image` (the whole disk, or at least its first FS_BLOCKS blocks). */
export function fsck(image: Uint8Array): FsckReport {
  if (image.length < FS_BLOCKS * BLOCK_BYTES) throw new RangeError(`fsck: an image of ${image.length} bytes is shorter than the file system's ${FS_BLOCKS * BLOCK_BYTES}`);
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const u32 = (block: number, offset: number) => view.getUint32(block * BLOCK_BYTES + offset, true);
  if (u32(SUPER_BLOCK, SB.magic) !== FS_MAGIC) return { formatted: false, problems: [], tree: [], named: new Map() };
  const problems: string[] = [];
  for (const [offset, value] of SUPERBLOCK_FIELDS) {
    const found = u32(SUPER_BLOCK, offset);
    if (found !== value) problems.push(`superblock: field at +${offset} is ${found}, expected ${value}`);
  }
  const inodeUsed = (ino: number) => bitOf(image, INODE_BITMAP_BLOCK, ino);
  const blockUsed = (block: number) => bitOf(image, BLOCK_BITMAP_BLOCK, block - DATA_START);
  if (!inodeUsed(0)) problems.push('inode 0: reserved, but free in the inode bitmap');

  const inodes = readInodes(view);
  const owners = new Map<number, number[]>();
  for (const inode of inodes) {
    const inUse = inodeUsed(inode.ino);
    const name = TYPE_NAME[inode.type];
    if (inode.type !== FILE_TYPE.free && name === undefined) {
      problems.push(`inode ${inode.ino}: type ${inode.type} is neither free, file nor directory`);
      continue;
    }
    if (inUse && inode.type === FILE_TYPE.free) problems.push(`inode ${inode.ino}: in use in the inode bitmap, free in the inode table`);
    if (!inUse && inode.type !== FILE_TYPE.free) problems.push(`inode ${inode.ino}: a ${name} in the inode table, free in the inode bitmap`);
    if (inode.type === FILE_TYPE.free) continue;
    sizeProblems(inode, problems);
    for (const b of inode.direct) {
      if (b === 0) continue;
      if (b < DATA_START || b >= FS_BLOCKS) {
        problems.push(`inode ${inode.ino}: block ${b} is outside the data blocks ${DATA_START}..${FS_BLOCKS - 1}`);
        continue;
      }
      const by = owners.get(b);
      if (by === undefined) owners.set(b, [inode.ino]);
      else by.push(inode.ino);
    }
  }
  for (let b = DATA_START; b < FS_BLOCKS; b++) {
    const by = owners.get(b) ?? [];
    if (by.length > 1) problems.push(`block ${b}: shared by inodes ${by.join(', ')}`);
    if (by.length > 0 && !blockUsed(b)) problems.push(`block ${b}: used by inode ${by[0]}, free in the block bitmap`);
    if (by.length === 0 && blockUsed(b)) problems.push(`block ${b}: in use in the block bitmap, in no inode (leaked)`);
  }
  for (let bit = DATA_BLOCKS; bit < BLOCK_BYTES * 8; bit++) if (bitOf(image, BLOCK_BITMAP_BLOCK, bit)) problems.push(`block bitmap: bit ${bit} is set, past the ${DATA_BLOCKS} data blocks`);
  for (let bit = INODES; bit < BLOCK_BYTES * 8; bit++) if (bitOf(image, INODE_BITMAP_BLOCK, bit)) problems.push(`inode bitmap: bit ${bit} is set, past the ${INODES} inodes`);

  const tree: FsckEntry[] = [];
  const named = walkTree(image, inodes, problems, tree);
  return { formatted: true, problems, tree, named };
}

function bitOf(image: Uint8Array, block: number, bit: number): boolean {
  return (image[block * BLOCK_BYTES + (bit >> 3)] & (1 << (bit & 7))) !== 0;
}

function readInodes(view: DataView): RawInode[] {
  const out: RawInode[] = [];
  for (let ino = 1; ino < INODES; ino++) {
    const at = INODE_TABLE_BLOCK * BLOCK_BYTES + ino * INODE_BYTES;
    const direct: number[] = [];
    for (let i = 0; i < DIRECT_BLOCKS; i++) direct.push(view.getUint32(at + INODE.direct + 4 * i, true));
    out.push({ ino, type: view.getUint16(at + INODE.type, true), generation: view.getUint32(at + INODE.generation, true), size: view.getUint32(at + INODE.size, true), direct });
  }
  return out;
}

/** A size fits its blocks: no larger than a file can be, no block past it; a directory is whole blocks, none missing. Appended to `out`. */
function sizeProblems(inode: RawInode, out: string[]): void {
  if (inode.size > MAX_FILE_BYTES) {
    out.push(`inode ${inode.ino}: size ${inode.size} is over the ${MAX_FILE_BYTES}-byte maximum`);
    return;
  }
  const blocks = Math.ceil(inode.size / BLOCK_BYTES);
  for (let i = blocks; i < inode.direct.length; i++) {
    const b = inode.direct[i];
    if (b !== 0) out.push(`inode ${inode.ino}: block ${b} at index ${i} is past its size ${inode.size}`);
  }
  if (inode.type === FILE_TYPE.dir) {
    if (inode.size % BLOCK_BYTES !== 0) out.push(`inode ${inode.ino}: a directory of ${inode.size} bytes, not whole blocks`);
    for (let i = 0; i < blocks; i++) if (inode.direct[i] === 0) out.push(`inode ${inode.ino}: directory block ${i} is missing`);
  }
}

/** Walks the tree from the root: every entry names a live inode, every live inode is named once. */
function walkTree(image: Uint8Array, inodes: readonly RawInode[], problems: string[], tree: FsckEntry[]): FsckReport['named'] {
  const byIno = new Map(inodes.map((i) => [i.ino, i]));
  const root = byIno.get(ROOT_INODE);
  if (root === undefined || root.type !== FILE_TYPE.dir) {
    problems.push(`inode ${ROOT_INODE}: the root is not a directory`);
    return new Map();
  }
  const named = new Map<number, string>([[ROOT_INODE, '/']]);
  const pending: { dir: RawInode; path: string }[] = [{ dir: root, path: '' }];
  tree.push({ path: '/', type: 'dir', size: root.size, crc: 0 });
  while (pending.length > 0) {
    const { dir, path } = pending.shift() as { dir: RawInode; path: string };
    for (const entry of entriesOf(image, dir)) {
      const at = `${path}/${entry.name}`;
      const inode = byIno.get(entry.ino);
      if (inode === undefined || inode.type === FILE_TYPE.free || TYPE_NAME[inode.type] === undefined) {
        problems.push(`${at}: names inode ${entry.ino}, which is not a live file or directory`);
        continue;
      }
      const before = named.get(entry.ino);
      if (before !== undefined) {
        problems.push(`${at}: names inode ${entry.ino}, already named ${before}`);
        continue;
      }
      named.set(entry.ino, at);
      const type = TYPE_NAME[inode.type];
      tree.push({ path: at, type, size: inode.size, crc: type === 'file' ? crc32(contentsOf(image, inode)) : 0 });
      if (type === 'dir') pending.push({ dir: inode, path: at });
    }
  }
  for (const inode of inodes) {
    if (inode.type !== FILE_TYPE.free && TYPE_NAME[inode.type] !== undefined && !named.has(inode.ino)) problems.push(`inode ${inode.ino}: a live ${TYPE_NAME[inode.type]} named in no directory (orphan)`);
  }
  return new Map([...named].map(([ino, path]) => [ino, { path, generation: byIno.get(ino)?.generation ?? 0 }]));
}

function entriesOf(image: Uint8Array, dir: RawInode): { ino: number; name: string }[] {
  const out: { ino: number; name: string }[] = [];
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const blocks = Math.min(DIRECT_BLOCKS, Math.ceil(Math.min(dir.size, MAX_FILE_BYTES) / BLOCK_BYTES));
  for (let b = 0; b < blocks; b++) {
    const block = dir.direct[b];
    if (block < DATA_START || block >= FS_BLOCKS) continue;
    for (let slot = 0; slot < DIRENTS_PER_BLOCK; slot++) {
      const at = block * BLOCK_BYTES + slot * DIRENT_BYTES;
      const ino = view.getUint32(at + DIRENT.inode, true);
      if (ino === 0) continue;
      const raw = image.subarray(at + DIRENT.name, at + DIRENT.name + DIRENT_NAME_BYTES);
      const end = raw.indexOf(0);
      out.push({ ino, name: Buffer.from(raw.subarray(0, end < 0 ? raw.length : end)).toString('latin1') });
    }
  }
  return out;
}

/** A file's bytes up to its size; holes (and blocks outside the data area) read as zeros. */
function contentsOf(image: Uint8Array, inode: RawInode): Uint8Array {
  const size = Math.min(inode.size, MAX_FILE_BYTES);
  const out = new Uint8Array(size);
  for (let i = 0; i * BLOCK_BYTES < size; i++) {
    const b = inode.direct[i];
    if (b < DATA_START || b >= FS_BLOCKS) continue;
    const n = Math.min(BLOCK_BYTES, size - i * BLOCK_BYTES);
    out.set(image.subarray(b * BLOCK_BYTES, b * BLOCK_BYTES + n), i * BLOCK_BYTES);
  }
  return out;
}
