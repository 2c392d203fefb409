// fs's repair pass at mount (src/servers/fs/repair.ts): a stop between two writes of one operation
// leaves only leaks, and the next mount reclaims them, so a retried operation finds the disk as if
// the stopped attempt had not begun. By hand: a leaked block, a leaked inode and an orphan are
// reclaimed at a restart, and damage a stop cannot leave is left alone. Then the property: over
// random fs crash and hang plans under both arms that retry (persist and curios under shadow
// commit), fsck of the final disk is clean, and a trial whose clients all saw the golden results
// ends with the golden file tree.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planArb } from '../../src/faults/arbitraries.ts';
import { latentDifferences } from '../../src/campaign/oracle.ts';
import { runOnce, shapeOf, TRIAL_DEFAULTS, type RunRecord, type TrialConfig } from '../../src/campaign/trial.ts';
import { diskServer } from '../../src/servers/disk/disk.ts';
import type { ClientEnv } from '../../src/servers/framework/client-task.ts';
import type { ClientOp } from '../../src/servers/framework/module.ts';
import type { Sys } from '../../src/kernel/sys.ts';
import { fsck, fsModule, fsServer, OPEN_FLAGS, type FsLocal } from '../../src/servers/fs/index.ts';
import { BLOCK_BITMAP_BLOCK, BLOCK_BYTES, DATA_START, DIRENT_BYTES, INODE, INODE_BITMAP_BLOCK, INODE_BYTES, INODE_TABLE_BLOCK, FILE_TYPE, ROOT_INODE } from '../../src/servers/fs/layout.ts';
import { System } from '../../src/servers/system.ts';
import type { CommitPolicy, Mode } from '../../src/ssr/modes.ts';

const RUN_CYCLES_MAX = 2_000_000_000;

function fs(op: string, args: number[], text?: string): ClientOp {
  return text === undefined ? { server: 'fs', op, args } : { server: 'fs', op, args, text };
}

/** A client that runs `first`, raises `paused`, sleeps, then runs `second`. */
function twoPhaseClient(first: ClientOp[], second: ClientOp[], paused: { value: boolean }) {
  return function* (env: ClientEnv): Sys<void> {
    const local: FsLocal = fsModule.newLocal();
    for (const [i, op] of [...first, ...second].entries()) {
      if (i === first.length) {
        paused.value = true;
        yield* env.sleep(1_000);
      }
      const call = fsModule.encode(op, local);
      fsModule.decode(op, yield* env.call('fs', call.op, call.words, call.data), local);
    }
  };
}

const view = (image: Uint8Array) => new DataView(image.buffer, image.byteOffset, image.byteLength);
const inodeAt = (ino: number) => INODE_TABLE_BLOCK * BLOCK_BYTES + ino * INODE_BYTES;
const setBit = (image: Uint8Array, block: number, bit: number) => (image[block * BLOCK_BYTES + (bit >> 3)] |= 1 << (bit & 7));

/**
 * Builds /d/a and /b, pauses, lets `damage` change the disk, restarts fs (its mount repairs),
 * then stats /b: returns the disk and how many blocks the restart wrote.
 */
function restartAfter(damage: (image: Uint8Array) => void): { image: Uint8Array; writes: number } {
  const first = [fs('mkdir', [], '/d'), fs('open', [OPEN_FLAGS.create], '/d/a'), fs('write', [0], 'hello'), fs('open', [OPEN_FLAGS.create], '/b'), fs('write', [1], 'x'.repeat(600))];
  const paused = { value: false };
  const system = new System({ mode: 'curios', servers: [diskServer, fsServer], clients: [twoPhaseClient(first, [fs('stat', [], '/b')], paused)] });
  system.run({ until: () => paused.value, until_cycles: RUN_CYCLES_MAX });
  expect(fsck(system.machine.disk.data).problems).toEqual([]);
  damage(system.machine.disk.data);
  const writes = system.machine.disk.writes;
  system.kernel.restartTask(system.serverTask('fs'));
  expect(system.runClients(RUN_CYCLES_MAX)).toBe('until');
  return { image: system.machine.disk.data.slice(), writes: system.machine.disk.writes - writes };
}

describe('fs repair at mount', () => {
  it('reclaims a leaked block, a leaked inode and an orphan (with its block)', () => {
    const LEAKED_BLOCK = 100;
    const LEAKED_INODE = 40;
    const ORPHAN = 41;
    const ORPHAN_BLOCK = 101;
    let damaged: string[] = [];
    const { image, writes } = restartAfter((img) => {
      setBit(img, BLOCK_BITMAP_BLOCK, LEAKED_BLOCK - DATA_START);
      setBit(img, INODE_BITMAP_BLOCK, LEAKED_INODE);
      // an orphan: a live file, in the bitmap, with a block, named by no directory
      setBit(img, INODE_BITMAP_BLOCK, ORPHAN);
      setBit(img, BLOCK_BITMAP_BLOCK, ORPHAN_BLOCK - DATA_START);
      view(img).setUint16(inodeAt(ORPHAN) + INODE.type, FILE_TYPE.file, true);
      view(img).setUint32(inodeAt(ORPHAN) + INODE.generation, 7, true);
      view(img).setUint32(inodeAt(ORPHAN) + INODE.size, 3, true);
      view(img).setUint32(inodeAt(ORPHAN) + INODE.direct, ORPHAN_BLOCK, true);
      damaged = fsck(img).problems;
    });
    expect([...damaged].sort()).toEqual(
      [
        `inode ${LEAKED_INODE}: in use in the inode bitmap, free in the inode table`,
        `block ${LEAKED_BLOCK}: in use in the block bitmap, in no inode (leaked)`,
        `inode ${ORPHAN}: a live file named in no directory (orphan)`,
      ].sort(),
    );
    const after = fsck(image);
    expect(after.problems).toEqual([]);
    expect(after.tree.map((e) => e.path).sort()).toEqual(['/', '/b', '/d', '/d/a']);
    // the orphan's inode is free again and keeps its generation (the next allocation bumps it)
    expect(view(image).getUint16(inodeAt(ORPHAN) + INODE.type, true)).toBe(FILE_TYPE.free);
    expect(view(image).getUint32(inodeAt(ORPHAN) + INODE.generation, true)).toBe(7);
    // one inode-table block, then each bitmap
    expect(writes).toBe(3);
  });

  it('leaves damage a stop cannot leave alone (an entry naming a free inode): no write, fsck still sees it', () => {
    let before: string[] = [];
    const { image, writes } = restartAfter((img) => {
      setBit(img, BLOCK_BITMAP_BLOCK, 100 - DATA_START); // a leak, which a refused repair keeps too
      const rootBlock = view(img).getUint32(inodeAt(ROOT_INODE) + INODE.direct, true);
      view(img).setUint32(rootBlock * BLOCK_BYTES + 2 * DIRENT_BYTES, 50, true); // a third entry, naming free inode 50
      img.set(new TextEncoder().encode('ghost'), rootBlock * BLOCK_BYTES + 2 * DIRENT_BYTES + 4);
      before = fsck(img).problems;
    });
    expect(writes).toBe(0);
    expect(before.length).toBe(2);
    expect(fsck(image).problems).toEqual(before);
  });
});

describe('fs crash and hang under retry', () => {
  const ARMS: { mode: Mode; commit: CommitPolicy }[] = [
    { mode: 'persist', commit: 'shadow' },
    { mode: 'curios', commit: 'shadow' },
  ];
  const configOf = (seed: number, arm: (typeof ARMS)[number]): TrialConfig => ({ target: 'fs', ...arm, workload_seed: seed, clients: 3, ops_per_client: 16, safety_bound_cycles: TRIAL_DEFAULTS.safety_bound_cycles, liveness_bound_cycles: TRIAL_DEFAULTS.liveness_bound_cycles, isolated: true });
  const goldens = new Map<string, RunRecord>();
  const golden = (seed: number, arm: (typeof ARMS)[number]): RunRecord => {
    const key = `${seed}/${arm.mode}`;
    const hit = goldens.get(key) ?? runOnce(configOf(seed, arm), null);
    goldens.set(key, hit);
    return hit;
  };
  const trial = fc.tuple(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.constantFrom(...ARMS)).chain(([seed, arm]) => planArb('fs', ['crash', 'hang'], shapeOf(configOf(seed, arm), golden(seed, arm)), 2).map((plan) => ({ seed, arm, plan })));

  it('leaves a disk fsck finds clean, with the golden tree when no client saw a difference', () => {
    let fired = 0;
    fc.assert(
      fc.property(trial, ({ seed, arm, plan }) => {
        let problems: string[] = [];
        const run = runOnce(configOf(seed, arm), plan, undefined, (system) => (problems = fsck(system.machine.disk.data).problems));
        fired += run.fired.length > 0 ? 1 : 0;
        expect(problems).toEqual([]);
        const g = golden(seed, arm);
        if (JSON.stringify(run.records) === JSON.stringify(g.records)) expect(latentDifferences(g.end_state, run.end_state)).toEqual([]);
      }),
      { numRuns: 30 },
    );
    expect(fired).toBeGreaterThan(0);
  });
});
