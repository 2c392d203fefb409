// The property behind storage reuse (src/hw/buffer-pool.ts): a run on storage a previous run
// released — physical memory, disk, trace ring — is exactly the run on fresh storage, whatever the
// previous run did to it: faults fired, a kernel panic, memory exhausted and dirtied, bits flipped
// beyond what it used, disk blocks written, bounds that cut it short. "Exactly": the whole run
// record (trace hash, observations, end state, fired faults, recovery events, reach), every kept
// trace line, and every byte of physical memory and of the disk when the run ends.
//
// Used by test/campaign/reuse.test.ts (the property holds) and reuse-planted.test.ts (it fails
// when a reset is left out).
import fc from 'fast-check';
import { expect } from 'vitest';
import { runOnce, shapeOf, TRIAL_DEFAULTS, type RunRecord, type TrialConfig } from '../../src/campaign/trial.ts';
import { planArb } from '../../src/faults/arbitraries.ts';
import { FAULT_KINDS, type FaultPlan } from '../../src/faults/model.ts';
import { emptyPools, pools } from '../../src/hw/buffer-pool.ts';
import { targets } from '../../src/servers/catalog.ts';
import type { System } from '../../src/servers/system.ts';
import { COMMIT_POLICIES, MODES } from '../../src/ssr/modes.ts';

/** What a previous run does to the system besides its workload and faults. */
export type Disturbance =
  | { how: 'none' }
  /** the kernel panics at its n-th scheduling step (a host exception inside the kernel) */
  | { how: 'panic'; step: number }
  /** bits flipped anywhere in memory (a frame never handed out too), disk blocks written, and perhaps every free frame taken and filled */
  | { how: 'dirty'; exhaust: boolean; fill: number; flips: readonly number[]; blocks: readonly number[] };

export interface RunSpec {
  cfg: TrialConfig;
  /** a seed for the plan, drawn over the run's golden shape; null: the golden run itself */
  plan_seed: number | null;
  disturbance: Disturbance;
}

/** A panic within the first steps (every run takes them), as often as the dirtying, twice as often as nothing. */
const disturbanceArb: fc.Arbitrary<Disturbance> = fc.oneof(
  { arbitrary: fc.constant({ how: 'none' as const }), weight: 1 },
  { arbitrary: fc.record({ how: fc.constant('panic' as const), step: fc.integer({ min: 1, max: 60 }) }), weight: 2 },
  {
    arbitrary: fc.record({
      how: fc.constant('dirty' as const),
      exhaust: fc.boolean(),
      fill: fc.integer({ min: 1, max: 255 }),
      flips: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
      blocks: fc.array(fc.nat(), { maxLength: 8 }),
    }),
    weight: 2,
  },
);

/** The campaign's bounds, or both tight: a run cut short (a few tens of thousands of cycles do not finish a workload). */
const boundsArb = fc.oneof(
  fc.constant({ safety_bound_cycles: TRIAL_DEFAULTS.safety_bound_cycles, liveness_bound_cycles: TRIAL_DEFAULTS.liveness_bound_cycles }),
  fc.record({ safety_bound_cycles: fc.integer({ min: 1_000, max: 30_000 }), liveness_bound_cycles: fc.integer({ min: 1_000, max: 30_000 }) }),
);

/** A trial configuration over every built-in server, mode and commit policy, with the campaign's bounds or tight ones. */
export const trialConfigArb: fc.Arbitrary<TrialConfig> = fc
  .tuple(
    fc.record({
      target: fc.constantFrom(...targets()),
      mode: fc.constantFrom(...MODES),
      commit: fc.constantFrom(...COMMIT_POLICIES),
      workload_seed: fc.integer({ min: 0, max: 2 ** 30 }),
      clients: fc.integer({ min: 1, max: 3 }),
      ops_per_client: fc.integer({ min: 1, max: 10 }),
      isolated: fc.boolean(),
    }),
    boundsArb,
  )
  .map(([cfg, bounds]) => ({ ...cfg, ...bounds }));

/** The run that leaves its storage behind: any config, plan and disturbance. */
export const previousRunArb: fc.Arbitrary<RunSpec> = fc.record({ cfg: trialConfigArb, plan_seed: fc.option(fc.nat(), { nil: null }), disturbance: disturbanceArb });
/** The run compared: any config and plan, nothing done to it from outside. */
export const comparedRunArb: fc.Arbitrary<RunSpec> = fc.record({ cfg: trialConfigArb, plan_seed: fc.option(fc.nat(), { nil: null }), disturbance: fc.constant({ how: 'none' as const }) });

/** Everything a run leaves that anyone could look at. */
interface RunSeen {
  run: RunRecord;
  trace: string[];
  /** physical memory and the disk when the run ended, every byte */
  memory: Buffer;
  disk: Buffer;
}

/** A spec with its plan drawn: up to three faults of any kinds placed over the run's golden shape, or none. */
interface Run {
  cfg: TrialConfig;
  plan: FaultPlan | null;
  disturbance: Disturbance;
}

function planned(spec: RunSpec): Run {
  if (spec.plan_seed === null) return { ...spec, plan: null };
  const shape = shapeOf(spec.cfg, runOnce(spec.cfg, null));
  const [plan] = fc.sample(planArb(spec.cfg.target, FAULT_KINDS, shape, 3), { seed: spec.plan_seed, numRuns: 1 });
  return { ...spec, plan };
}

function disturb(system: System, d: Disturbance): void {
  if (d.how === 'panic') {
    const m = system.machine;
    const poll = m.pollDevices.bind(m);
    let steps = 0;
    m.pollDevices = () => {
      if (++steps === d.step) throw new Error('a planted kernel panic');
      poll();
    };
  }
  if (d.how === 'dirty') {
    const { memory, disk } = system.machine;
    if (d.exhaust) for (let f = memory.allocFrame(); f !== null; f = memory.allocFrame()) memory.bytes.fill(d.fill, memory.frameBase(f), memory.frameBase(f) + memory.frame_bytes);
    for (const at of d.flips) memory.flipBit(at % memory.bytes.length, at);
    for (const block of d.blocks) disk.write(block % disk.block_count, new Uint8Array(disk.block_bytes).fill(d.fill));
  }
}

const copy = (bytes: Uint8Array): Buffer => Buffer.from(bytes);

/** Runs as runOnce does, and keeps everything the run leaves. */
function runSeen(spec: Run): RunSeen {
  let seen: Omit<RunSeen, 'run'> | null = null;
  const run = runOnce(
    spec.cfg,
    spec.plan,
    (system) => disturb(system, spec.disturbance),
    (system) => {
      seen = { trace: system.kernel.trace.events().map((e) => `${e.seq} ${e.t} ${e.task} ${e.event} ${e.detail}`), memory: copy(system.machine.memory.bytes), disk: copy(system.machine.disk.data) };
    },
  );
  if (seen === null) throw new Error('invariant: runOnce calls finished');
  return { run, ...(seen as Omit<RunSeen, 'run'>) };
}

/** How many times storage was reused so far in this thread, every pool together. */
export const reusedSoFar = (): number => pools().reduce((n, p) => n + p.reused, 0);

/**
 * The property: `compared` on fresh storage, then `previous` and `compared` again on what
 * `previous` left (its plan drawn beforehand, so nothing runs in between) — equal in everything,
 * and the second `compared` took all three kinds of storage from the pools (so reuse was tested,
 * not skipped). Returns the previous run's record (tests count what the previous runs did).
 */
export function reusedRunIsFresh(previousSpec: RunSpec, comparedSpec: RunSpec): RunRecord {
  const previous = planned(previousSpec);
  const compared = planned(comparedSpec);
  emptyPools();
  const fresh = runSeen(compared);
  emptyPools();
  const left = runSeen(previous).run;
  const before = reusedSoFar();
  const reused = runSeen(compared);
  expect(reusedSoFar() - before, 'kinds of storage the compared run took from the pools (memory, disk, trace ring)').toBe(3);
  expect(reused.memory.equals(fresh.memory), 'physical memory at the end, every byte').toBe(true);
  expect(reused.disk.equals(fresh.disk), 'the disk at the end, every byte').toBe(true);
  expect(reused.trace, 'the kept trace').toEqual(fresh.trace);
  expect(reused.run).toStrictEqual(fresh.run);
  return left;
}
