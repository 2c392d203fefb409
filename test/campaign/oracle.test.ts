// The end-state oracle: damage nobody read is latent-corruption. Each kind of latent damage — a
// client's SSR, the disk image, net's port table, the timer queue, the run queue — is done by hand
// to a finished run whose clients all saw the golden results, and the trial is classified
// latent-corruption with a difference naming it. Fault-free runs never differ from their golden
// run, whatever the mode and commit policy (which change timing, not state). And a campaign finds
// latent damage by itself: a crash of fs mid-operation leaks a block that no client reads.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyOutcome } from '../../src/campaign/classify.ts';
import { latentDifferences } from '../../src/campaign/oracle.ts';
import { runOnce, runTrial, TRIAL_DEFAULTS, type RunRecord, type TrialConfig } from '../../src/campaign/trial.ts';
import { END_STATE_UNREAD } from '../../src/servers/end-state.ts';
import type { FiredFault } from '../../src/faults/injector.ts';
import { copyToSpace } from '../../src/kernel/copy.ts';
import { targets } from '../../src/servers/catalog.ts';
import { BLOCK_BITMAP_BLOCK, BLOCK_BYTES, DATA_START } from '../../src/servers/fs/layout.ts';
import { portEntry } from '../../src/servers/net/layout.ts';
import { readNetGlobal } from '../../src/servers/net/index.ts';
import { readSchedGlobal } from '../../src/servers/sched/index.ts';
import { readTimerGlobal } from '../../src/servers/timer/index.ts';
import { GLOBAL } from '../../src/servers/timer/layout.ts';
import type { System } from '../../src/servers/system.ts';
import { HEAP_BASE } from '../../src/ssr/layout.ts';
import { COMMIT_POLICIES, MODES, type CommitPolicy, type Mode } from '../../src/ssr/modes.ts';

function config(target: string, mode: Mode, workload_seed: number, commit: CommitPolicy = 'shadow'): TrialConfig {
  return { target, mode, commit, workload_seed, clients: 3, ops_per_client: 12, safety_bound_cycles: TRIAL_DEFAULTS.safety_bound_cycles, liveness_bound_cycles: TRIAL_DEFAULTS.liveness_bound_cycles, isolated: true };
}

/** A fault that fired and touched nothing a client read: the trial is then judged on its end state. */
const QUIET_FAULT: FiredFault = { index: 0, kind: 'bitflip', server: 'x', at_cycles: 1, client: null, hit: 'request', through: null, effect: 'test' };

/** The golden run, and the same run finished and then damaged by `hurt`, as a trial whose fault fired. */
function damagedTrial(cfg: TrialConfig, hurt: (system: System) => void): { golden: RunRecord; trial: RunRecord } {
  const golden = runOnce(cfg, null);
  const run = runOnce(cfg, null, undefined, hurt);
  return { golden, trial: { ...run, fired: [QUIET_FAULT] } };
}

/** Whether a fault-free run ends with `holds` true of its finished system. */
function endsWith(cfg: TrialConfig, holds: (system: System) => boolean): boolean {
  let yes = false;
  runOnce(cfg, null, undefined, (system) => (yes = holds(system)));
  return yes;
}

function writeHeap(system: System, server: string, offset: number, word: number): void {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, word >>> 0, true);
  expect(copyToSpace(system.machine, system.serverTask(server).as, HEAP_BASE + offset, bytes)).toBe(true);
}

describe('latent damage is latent-corruption', () => {
  it('a client SSR flipped after its last request (persist: read as it is)', () => {
    const { golden, trial } = damagedTrial(config('prng', 'persist', 7), (system) => {
      const pa = system.ssr.statePhysAddr(system.serverTask('prng'), 1, 8);
      if (pa === null) throw new Error('no SSR');
      system.machine.memory.bytes[pa] ^= 0x10;
    });
    expect(classifyOutcome(golden, trial)).toEqual({ outcome: 'latent-corruption', hit: [], latent: ["prng: client 1's state differs"] });
  });

  it('a client SSR flipped after its last request (curios: its checksum fails, the server would refuse it)', () => {
    const { golden, trial } = damagedTrial(config('prng', 'curios', 7), (system) => {
      const pa = system.ssr.statePhysAddr(system.serverTask('prng'), 2, 4);
      if (pa === null) throw new Error('no SSR');
      system.machine.memory.bytes[pa] ^= 1;
    });
    expect(classifyOutcome(golden, trial).latent).toEqual(["prng: client 2's state is refused (reset, or failing its checksum)"]);
  });

  it('a leaked block on the disk image, named by fsck', () => {
    const spare = 100;
    const { golden, trial } = damagedTrial(config('fs', 'curios', 3), (system) => {
      system.machine.disk.data[BLOCK_BITMAP_BLOCK * BLOCK_BYTES + (spare >> 3)] |= 1 << (spare & 7);
    });
    expect(classifyOutcome(golden, trial)).toMatchObject({ outcome: 'latent-corruption', latent: [`fs: block ${DATA_START + spare}: in use in the block bitmap, in no inode (leaked)`] });
  });

  it("a port-table entry naming a socket nobody bound", () => {
    const { golden, trial } = damagedTrial(config('net', 'curios', 5), (system) => {
      const free = [...Array(1000).keys()].map((p) => p + 1).find((p) => !readNetGlobal(system).ports.some((x) => x.port === p)) ?? 1;
      writeHeap(system, 'net', free * 4, portEntry(2, 3));
    });
    const c = classifyOutcome(golden, trial);
    expect(c.outcome).toBe('latent-corruption');
    expect(c.latent).toContain('net: ports differs');
    expect(c.latent?.some((l) => /^net: port \d+: names client 2 socket 3, which is not bound$/.test(l))).toBe(true);
  });

  it('an alarm dropped from the timer queue', () => {
    // A workload that ends with alarms still queued (set, never waited for nor cancelled).
    const seed = [...Array(50).keys()].find((s) => endsWith(config('timer', 'curios', s), (system) => readTimerGlobal(system).queue.length > 0));
    expect(seed).toBeDefined();
    let dropped = '';
    const { golden, trial } = damagedTrial(config('timer', 'curios', seed ?? 0), (system) => {
      const queue = readTimerGlobal(system).queue;
      const last = queue[queue.length - 1];
      dropped = `timer: client ${last.client} alarm ${last.id}: not in the queue`;
      writeHeap(system, 'timer', GLOBAL.queue_len, queue.length - 1);
    });
    expect(classifyOutcome(golden, trial)).toMatchObject({ outcome: 'latent-corruption', latent: ['timer: alarms differs', dropped] });
  });

  it("a run-queue entry whose quantum is not its process's", () => {
    const { golden, trial } = damagedTrial(config('sched', 'curios', 9), (system) => {
      const queue = readSchedGlobal(system)?.run_queue ?? [];
      expect(queue.length).toBeGreaterThan(0);
      writeHeap(system, 'sched', 8 + 4, queue[0].quantum_cycles + 1);
    });
    const c = classifyOutcome(golden, trial);
    expect(c.outcome).toBe('latent-corruption');
    expect(c.latent).toContain('sched: run queue differs');
    expect(c.latent?.some((l) => /^sched: run queue: client \d+ has \d+\/\d+, its record \d+\/\d+$/.test(l))).toBe(true);
  });
});

describe('a fault-free run is never latent-corruption against its golden run', () => {
  it('whatever the mode and commit policy: they change timing, never the end state', () => {
    fc.assert(
      fc.property(fc.constantFrom(...targets()), fc.constantFrom(...MODES), fc.constantFrom(...COMMIT_POLICIES), fc.integer({ min: 0, max: 2 ** 30 }), (server, mode, commit, seed) => {
        const golden = runOnce(config(server, 'curios', seed), null);
        const run = runOnce(config(server, mode, seed, commit), null);
        expect(latentDifferences(golden.end_state, run.end_state)).toEqual([]);
        expect(classifyOutcome(golden, { ...run, fired: [QUIET_FAULT] }).outcome).toBe('masked');
      }),
      { numRuns: 30 },
    );
  });
});

describe('a trial run that cannot reach the oracle has its end state left unread', () => {
  it('a crash under mode none (the server stays down: failed) is classified without it, and comparing it is refused', () => {
    const cfg = config('prng', 'none', 5);
    const golden = runOnce(cfg, null);
    const run = runTrial(cfg, { version: 1, faults: [{ server: 'prng', kind: 'crash', trigger: { at: 'request', n: 1 } }] }, golden);
    expect(run.end_state).toBe(END_STATE_UNREAD);
    expect(classifyOutcome(golden, run).outcome).toBe('failed');
    expect(() => latentDifferences(golden.end_state, run.end_state)).toThrow(/not read/);
  });
});
