// The fs server against its reference model: random interleaved workloads of several clients in
// modes curios and restart (fault-free, both must match the model in the order the server answered),
// a restart between two phases (the disk keeps every file; only curios keeps the open handles),
// the limits (EMFILE, ENAMETOOLONG, ENOSPC) at the points the model puts them, and `validate`.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClientEnv } from '../../src/servers/framework/client-task.ts';
import type { ClientOp, Observation, ServerModule } from '../../src/servers/framework/module.ts';
import { diskServer } from '../../src/servers/disk/disk.ts';
import { fsModule, fsServer, OPEN_FLAGS, type FsLocal } from '../../src/servers/fs/index.ts';
import { FS_MAGIC, INODES, MAX_FILE_BYTES, NAME_BYTES_MAX, OPEN_FILES_MAX, SLOT, SLOT_BYTES, STATE_BYTES } from '../../src/servers/fs/layout.ts';
import { System } from '../../src/servers/system.ts';
import { makeWorkload, modelObservations, workloadProgram, type Workload } from '../../src/servers/workload.ts';
import type { Mode } from '../../src/ssr/modes.ts';
import type { Sys } from '../../src/kernel/sys.ts';

const MODULES = new Map<string, ServerModule>([['fs', fsModule as ServerModule]]);
const RUN_CYCLES_MAX = 2_000_000_000;
const { create, truncate } = OPEN_FLAGS;

function fs(op: string, args: number[], text?: string): ClientOp {
  return text === undefined ? { server: 'fs', op, args } : { server: 'fs', op, args, text };
}

/** Runs a workload fault-free; returns what the clients recorded and what the model says. */
function runWorkload(mode: Mode, workload: Workload): { records: Observation[][]; model: (Observation | null)[][] } {
  const records: Observation[][] = workload.map(() => []);
  const system = new System({ mode, servers: [diskServer, fsServer], clients: workload.map((ops, i) => workloadProgram(MODULES, ops, records[i])) });
  expect(system.runClients(RUN_CYCLES_MAX)).toBe('until');
  expect(system.supervisor.servers.map((s) => s.restarts)).toEqual([0, 0]);
  return { records, model: modelObservations(MODULES, workload, system.requests.order) };
}

function statuses(records: readonly Observation[]): string[] {
  return records.map((o) => o.status);
}

describe('fs: fault-free against the model', () => {
  for (const mode of ['curios', 'restart'] as const) {
    it(`interleaved clients match the model in ${mode} mode`, () => {
      fc.assert(
        fc.property(fc.integer(), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 10, max: 80 }), (seed, clients, ops_per_client) => {
          const workload = makeWorkload({ seed, clients, ops_per_client, modules: [fsModule as ServerModule] });
          const { records, model } = runWorkload(mode, workload);
          expect(records).toEqual(model);
        }),
        { numRuns: 25 },
      );
    });
  }

  it('scripts are the same given the same seed, and start by making the client directory', () => {
    const a = makeWorkload({ seed: 42, clients: 3, ops_per_client: 40, modules: [fsModule as ServerModule] });
    const b = makeWorkload({ seed: 42, clients: 3, ops_per_client: 40, modules: [fsModule as ServerModule] });
    expect(a).toEqual(b);
    a.forEach((ops, c) => expect(ops[0]).toEqual(fs('mkdir', [], `/c${c}`)));
  });
});

describe('fs: the limits', () => {
  it('EMFILE past 16 open files; the lowest free handle is reused', () => {
    const ops = [fs('mkdir', [], '/d')];
    for (let i = 0; i <= OPEN_FILES_MAX; i++) ops.push(fs('open', [create], `/d/f${i}`));
    ops.push(fs('close', [4]), fs('open', [0], '/d/f0'), fs('open', [0], '/d/f1'), fs('close', [99]));
    const { records, model } = runWorkload('curios', [ops]);
    expect(records).toEqual(model);
    const opens = records[0].slice(1, 2 + OPEN_FILES_MAX);
    expect(opens.slice(0, OPEN_FILES_MAX).map((o) => o.value[0])).toEqual(Array.from({ length: OPEN_FILES_MAX }, (_, i) => i + 1));
    expect(opens[OPEN_FILES_MAX].status).toBe('EMFILE');
    expect(statuses(records[0].slice(-4))).toEqual(['OK', 'OK', 'EMFILE', 'EBADF']);
    expect(records[0][records[0].length - 3].value).toEqual([5]);
  });

  it('ENAMETOOLONG for a component past 27 bytes or a path past 255; EINVAL for a bad path', () => {
    const long = 'x'.repeat(NAME_BYTES_MAX);
    const ops = [
      fs('open', [create], `/${long}`),
      fs('open', [create], `/${long}y`),
      fs('mkdir', [], `/${'a/'.repeat(128)}`),
      fs('stat', [], 'relative'),
      fs('stat', [], ''),
      fs('stat', [], '/a/../b'),
      fs('readdir', [], '/'),
    ];
    const { records, model } = runWorkload('restart', [ops]);
    expect(records).toEqual(model);
    expect(statuses(records[0])).toEqual(['OK', 'ENAMETOOLONG', 'ENAMETOOLONG', 'EINVAL', 'EINVAL', 'EINVAL', 'OK']);
    expect(records[0][6]).toEqual({ status: 'OK', value: [1], text: long });
  });

  it('ENOSPC past the largest file, the last inode and the last data block, changing nothing', () => {
    const full = 'z'.repeat(MAX_FILE_BYTES);
    const ops = [fs('open', [create], '/big'), fs('write', [0], full), fs('write', [0], 'one more'), fs('seek', [0, 100]), fs('write', [0], 'inside'), fs('stat', [], '/big')];
    // Data blocks: 15 more full files fill the disk but for the root directory's blocks.
    for (let i = 1; i < 16; i++) ops.push(fs('open', [create], `/f${i}`), fs('write', [i], full));
    // The last 7 blocks exactly, then not a byte more.
    ops.push(fs('write', [15], 'w'.repeat(7 * 512)), fs('write', [15], '!'));
    ops.push(fs('stat', [], '/f15'), fs('unlink', [], '/f15'), fs('close', [0]), fs('open', [create | truncate], '/big'), fs('stat', [], '/big'));
    // Inodes: every one but 0 and the root, then ENOSPC.
    for (let i = 0; i < INODES - 2 - 15; i++) ops.push(fs('mkdir', [], `/m${i}`));
    ops.push(fs('mkdir', [], '/one-too-many'), fs('readdir', [], '/'));
    const { records, model } = runWorkload('curios', [ops]);
    expect(records).toEqual(model);
    const r = records[0];
    expect(statuses(r.slice(0, 6))).toEqual(['OK', 'OK', 'ENOSPC', 'OK', 'OK', 'OK']);
    expect(r[5].value.slice(0, 2)).toEqual([MAX_FILE_BYTES, 1]);
    const fills = r.slice(6, 36).filter((_, i) => i % 2 === 1);
    expect(fills.slice(0, 14).every((o) => o.status === 'OK')).toBe(true);
    expect(fills[14].status).toBe('ENOSPC');
    expect(statuses(r.slice(36, 38))).toEqual(['OK', 'ENOSPC']);
    expect(r[38].value[0]).toBe(7 * 512);
    expect(r[41].value).toEqual([1]);
    expect(r[42].value[0]).toBe(0);
    const mkdirs = r.slice(43, -1);
    expect(mkdirs).toHaveLength(INODES - 2 - 15 + 1);
    expect(mkdirs.slice(0, -1).every((o) => o.status === 'OK')).toBe(true);
    expect(mkdirs[mkdirs.length - 1].status).toBe('ENOSPC');
  });
});

/** A client that runs `first`, raises `paused`, sleeps, then runs `second`, recording both. */
function twoPhaseClient(first: ClientOp[], second: ClientOp[], record: Observation[], paused: { value: boolean }) {
  return function* (env: ClientEnv): Sys<void> {
    const local: FsLocal = fsModule.newLocal();
    const run = function* (op: ClientOp): Sys<void> {
      const call = fsModule.encode(op, local);
      record.push(fsModule.decode(op, yield* env.call('fs', call.op, call.words, call.data), local));
    };
    for (const op of first) yield* run(op);
    paused.value = true;
    yield* env.sleep(1_000);
    for (const op of second) yield* run(op);
  };
}

describe('fs: mount after a restart', () => {
  const first = [fs('mkdir', [], '/keep'), fs('open', [create], '/keep/a'), fs('write', [0], 'hello world'), fs('open', [create], '/keep/b'), fs('write', [1], 'b'.repeat(1000)), fs('close', [1])];
  const second = [fs('seek', [0, 0]), fs('read', [0, 100]), fs('open', [0], '/keep/a'), fs('read', [2, 100]), fs('readdir', [], '/keep'), fs('stat', [], '/keep/b')];

  for (const mode of ['curios', 'restart'] as const) {
    it(`keeps every file on disk; ${mode === 'curios' ? 'keeps' : 'loses'} the open handles (${mode})`, () => {
      const record: Observation[] = [];
      const paused = { value: false };
      const system = new System({ mode, servers: [diskServer, fsServer], clients: [twoPhaseClient(first, second, record, paused)] });
      system.run({ until: () => paused.value, until_cycles: RUN_CYCLES_MAX });
      expect(paused.value).toBe(true);
      expect(new DataView(system.machine.disk.data.buffer).getUint32(0, true)).toBe(FS_MAGIC);
      const writes = system.machine.disk.writes;
      system.kernel.restartTask(system.serverTask('fs'));
      expect(system.runClients(RUN_CYCLES_MAX)).toBe('until');
      // The remount found the superblock: no mkfs, so phase two wrote nothing.
      expect(system.machine.disk.writes).toBe(writes);
      expect(statuses(record.slice(0, first.length))).toEqual(first.map(() => 'OK'));
      const [seek, read, reopen, reread, listing, stat] = record.slice(first.length);
      if (mode === 'curios') {
        expect(seek).toEqual({ status: 'OK', value: [0] });
        expect(read).toEqual({ status: 'OK', value: [11], text: 'hello world' });
        expect(reopen.value).toEqual([2]);
      } else {
        expect(seek.status).toBe('EBADF');
        expect(read.status).toBe('EBADF');
        expect(reopen.value).toEqual([1]);
      }
      expect(reread).toEqual({ status: 'OK', value: [11], text: 'hello world' });
      expect(listing).toEqual({ status: 'OK', value: [2], text: 'a\nb' });
      expect(stat.status).toBe('OK');
      expect(stat.value.slice(0, 2)).toEqual([1000, 1]);
    });
  }
});

describe('fs: validate', () => {
  const fresh = () => new DataView(new ArrayBuffer(STATE_BYTES));
  const validate = (v: DataView) => fsServer.validate?.(v);

  it('accepts an empty table and a well-formed open file', () => {
    const v = fresh();
    expect(validate(v)).toBe(true);
    v.setUint16(SLOT_BYTES + SLOT.in_use, 1, true);
    v.setUint32(SLOT_BYTES + SLOT.inode, 2, true);
    v.setUint32(SLOT_BYTES + SLOT.offset, MAX_FILE_BYTES, true);
    v.setUint32(SLOT_BYTES + SLOT.generation, 1, true);
    expect(validate(v)).toBe(true);
  });

  it('rejects an offset past the largest file, an inode out of range, and a dirty free slot', () => {
    const open = (ino: number, offset: number) => {
      const v = fresh();
      v.setUint16(SLOT.in_use, 1, true);
      v.setUint32(SLOT.inode, ino, true);
      v.setUint32(SLOT.offset, offset, true);
      v.setUint32(SLOT.generation, 1, true);
      return v;
    };
    expect(validate(open(3, MAX_FILE_BYTES + 1))).toBe(false);
    expect(validate(open(INODES, 0))).toBe(false);
    expect(validate(open(0, 0))).toBe(false);
    const dirty = fresh();
    dirty.setUint32(2 * SLOT_BYTES + SLOT.offset, 7, true);
    expect(validate(dirty)).toBe(false);
  });
});
