// The repair pass a mount runs on a file system that was already there (fsck -p, "preen", after
// an unclean stop). fs has no clean unmount: every mount of an existing file system follows a stop
// in the middle of who knows what — a crash or hang of fs between two disk writes of one
// operation. Its operations order their writes (soft updates' rules, McKusick & Ganger 1999) so
// that such a stop can only *leak*, never share or dangle:
//
// - allocation sets the bitmap bit before the inode or the entry that uses it (inode.ts, dir.ts,
//   file-data.ts): a stop in between leaves a bit set that nothing reaches;
// - creation writes the inode before the entry naming it: a stop in between leaves an orphan;
// - removal clears the entry before the inode, and the inode before its bits: the same leaks.
//
// So the pass reclaims exactly what no directory reaches: live inodes no entry names (with their
// blocks), inode bits set for no reachable inode, block bits set for no reachable inode's block.
// What a stop cannot leave — a corrupt inode, an entry naming a free inode, a block two inodes
// share, a reachable inode or block free in its bitmap — is not its to mend: it finds that and
// changes nothing (as preen gives up and leaves the disk to a person), and the damage stays for
// the end-state oracle to see.
//
// It makes an operation safe to redo: a request retried after fs was restarted (shadow commit)
// finds the disk as if the stopped attempt had not begun, or — when the stop came after the
// attempt's last write — done (see docs/servers.md for which operations then answer differently).
// The pass writes the inode table first, then the bitmaps, so a stop inside it leaks at most what
// the next mount reclaims.
import type { Sys } from '../../kernel/sys.ts';
import type { ServerEnv } from '../framework/define.ts';
import { freeBits, setBits } from './bitmap.ts';
import { FsError, readBlock } from './disk-io.ts';
import { listEntries } from './dir.ts';
import { decodeInode, tableBlock, writeInode, type Inode } from './inode.ts';
import { BLOCK_BITMAP_BLOCK, DATA_BLOCKS, DATA_START, DIRECT_BLOCKS, FILE_TYPE, HEAP, INODE_BITMAP_BLOCK, INODES, ROOT_INODE } from './layout.ts';

/** What a repair pass did: the inodes and data blocks it reclaimed, or why it changed nothing. */
export type RepairResult = { reclaimed_inodes: number[]; reclaimed_blocks: number[] } | { refused: string };

export function* repair(env: ServerEnv): Sys<RepairResult> {
  const inodes = yield* readInodeTable(env);
  const corrupt = inodes.findIndex((i, ino) => ino > 0 && i === null);
  if (corrupt > 0) return { refused: `inode ${corrupt} is corrupt` };
  let reached: Inode[];
  try {
    const walked = yield* walk(env, inodes as Inode[]);
    if (typeof walked === 'string') return { refused: walked };
    reached = walked;
  } catch (e) {
    if (e instanceof FsError) return { refused: `a directory cannot be read (${e.status})` };
    throw e;
  }
  const inodeBits = new Set(yield* setBits(env, INODE_BITMAP_BLOCK, INODES));
  const blockBits = new Set(yield* setBits(env, BLOCK_BITMAP_BLOCK, DATA_BLOCKS));
  const owned = new Set<number>();
  for (const inode of reached) {
    if (!inodeBits.has(inode.ino)) return { refused: `inode ${inode.ino} is reachable but free in the inode bitmap` };
    for (const b of inode.direct) {
      if (b === 0) continue;
      if (owned.has(b - DATA_START)) return { refused: `block ${b} is shared` };
      if (!blockBits.has(b - DATA_START)) return { refused: `block ${b} is reachable but free in the block bitmap` };
      owned.add(b - DATA_START);
    }
  }
  const live = new Set(reached.map((i) => i.ino));
  // Orphans first (the table), then the bits nothing reachable uses.
  for (const inode of inodes as Inode[]) {
    if (inode === null || inode.ino === 0 || live.has(inode.ino) || inode.type === FILE_TYPE.free) continue;
    yield* writeInode(env, { ino: inode.ino, type: FILE_TYPE.free, generation: inode.generation, size: 0, direct: new Array<number>(DIRECT_BLOCKS).fill(0) });
  }
  const blocks = [...blockBits].filter((bit) => !owned.has(bit));
  yield* freeBits(env, BLOCK_BITMAP_BLOCK, blocks);
  const inos = [...inodeBits].filter((ino) => ino !== 0 && !live.has(ino));
  yield* freeBits(env, INODE_BITMAP_BLOCK, inos);
  return { reclaimed_inodes: inos, reclaimed_blocks: blocks.map((bit) => DATA_START + bit) };
}

/** Every inode of the table, by number (0 stays null: never an inode); null where one is corrupt. */
function* readInodeTable(env: ServerEnv): Sys<(Inode | null)[]> {
  const inodes = new Array<Inode | null>(INODES).fill(null);
  let loaded = -1;
  for (let ino = 1; ino < INODES; ino++) {
    if (tableBlock(ino) !== loaded) {
      loaded = tableBlock(ino);
      yield* readBlock(env, loaded, env.heap + HEAP.inode_buf);
    }
    inodes[ino] = decodeInode(env, ino);
  }
  return inodes;
}

/** The inodes reachable from the root (the root first), or what makes the tree one a stop cannot leave. */
function* walk(env: ServerEnv, inodes: readonly Inode[]): Sys<Inode[] | string> {
  const root = inodes[ROOT_INODE];
  if (root.type !== FILE_TYPE.dir) return 'the root is not a directory';
  const reached: Inode[] = [root];
  const seen = new Set<number>([ROOT_INODE]);
  for (let i = 0; i < reached.length; i++) {
    if (reached[i].type !== FILE_TYPE.dir) continue;
    for (const e of yield* listEntries(env, reached[i])) {
      if (e.ino <= ROOT_INODE || e.ino >= INODES) return `an entry names inode ${e.ino}`;
      if (seen.has(e.ino)) return `inode ${e.ino} is named twice`;
      const inode = inodes[e.ino];
      if (inode.type === FILE_TYPE.free) return `an entry names free inode ${e.ino}`;
      seen.add(e.ino);
      reached.push(inode);
    }
  }
  return reached;
}
