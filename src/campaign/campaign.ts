// A campaign: many trials, paired — each cell (server × fault kind × trial number) draws one
// fault plan from the campaign seed, and runs it under every *arm* asked for: each mode, and each
// mode that keeps client state in SSRs once per commit policy asked for (so `compare` can hold
// retry constant to measure isolation, and the reverse) — then aggregated per server × fault kind
// × mode × commit policy. The workload is drawn per server × trial number: the cells of one such
// *group* (one per fault kind) run the same workload, so their golden runs are the same runs and
// are made once (golden-cache.ts). Cells are numbered server → trial → fault kind, so a group's
// cells sit side by side; a worker runs a whole cell (the pool hands it a group's cells one after
// the other), and results are put back in cell order, so the result and its digest do not depend
// on how many workers ran it, nor on sharding.
import { createHash } from 'node:crypto';
import { deriveSeed } from '../hw/seed.ts';
import { planArb, samplePlan } from '../faults/arbitraries.ts';
import type { FaultKind, FaultPlan, Trigger } from '../faults/model.ts';
import { isExplore, type ExploreConfig } from './explore/config.ts';
import { COMPARE_COMMITS, DEFAULT_COMMIT, usesCommitPolicy, type CommitPolicy, type Mode } from '../ssr/modes.ts';
import { classifyOutcome } from './classify.ts';
import { GoldenCache } from './golden-cache.ts';
import { recoverCycles } from './recovery-time.ts';
import type { TrialResult } from './result-types.ts';
import { runOnce, runTrial, shapeOf, TRIAL_DEFAULTS, type RunRecord, type TrialConfig } from './trial.ts';

export interface CampaignConfig {
  seed: number;
  servers: string[];
  faults: FaultKind[];
  modes: Mode[];
  /** trials per server × fault kind (each runs under every arm) */
  trials: number;
  /** the commit policies the modes that have one run under, each as an arm of its own */
  commits: CommitPolicy[];
  clients: number;
  ops_per_client: number;
}

export interface Cell {
  index: number;
  server: string;
  fault: FaultKind;
  trial: number;
  /** the cells of one group share their workload, and so their golden runs (a campaign's server × trial number, numbered in cell order); they go to one worker, and to one shard, together. Absent: a group of its own (an exploration's cells) */
  group?: number;
  /** an explore cell (src/campaign/explore/): one trial, under this mode, at this trigger (and, at depth 2, a second fault inside the first one's recovery) */
  point?: { mode: Mode; trigger: Trigger; fields?: Record<string, number | string>; second?: { fault: FaultKind; trigger: Trigger } };
}

/** A trial's full identity: enough to run it again bit for bit. */
export interface TrialSpec {
  config: TrialConfig;
  plan: FaultPlan;
}

/** One arm of a paired cell: a mode, with its commit policy (null: the mode has none). */
export interface Arm {
  mode: Mode;
  commit: CommitPolicy | null;
}

/** The arms of every cell, in order: modes as asked, and within a mode its commit policies as asked. */
export function armsOf(cfg: Pick<CampaignConfig, 'modes' | 'commits'>): Arm[] {
  return cfg.modes.flatMap<Arm>((mode) => (usesCommitPolicy(mode) ? cfg.commits.map((commit) => ({ mode, commit })) : [{ mode, commit: null }]));
}

/** Every cell, in order: server → trial number → fault kind (a group's cells side by side). */
export function cellsOf(cfg: CampaignConfig): Cell[] {
  return Array.from({ length: cfg.servers.length * cfg.trials * cfg.faults.length }, (_, index) => cellAt(cfg, index));
}

/** The cell at `index` of cellsOf. */
export function cellAt(cfg: CampaignConfig, index: number): Cell {
  const group = Math.floor(index / cfg.faults.length);
  return { index, server: cfg.servers[Math.floor(group / cfg.trials)], fault: cfg.faults[index % cfg.faults.length], trial: group % cfg.trials, group };
}

/** The cell a trial result belongs to: results are numbered cell by cell, one per arm. */
export function cellOfResult(cfg: CampaignConfig, r: Pick<TrialResult, 'index'>): Cell {
  return cellAt(cfg, Math.floor(r.index / armsOf(cfg).length));
}

/** The arm whose golden run places a cell's faults (one plan for every arm) and prices the others' mechanisms (no SSRs, no copies). */
const BASELINE: Arm = { mode: 'restart', commit: null };

function configOf(cfg: CampaignConfig, cell: Cell, arm: Arm): TrialConfig {
  return {
    target: cell.server,
    mode: arm.mode,
    // A mode without a commit policy ignores it: one value, so its trial is the same whatever the campaign's policies.
    commit: arm.commit ?? DEFAULT_COMMIT,
    // One workload per server × trial number, whatever the fault kind: the group's cells share it (and their golden runs).
    workload_seed: deriveSeed(cfg.seed, `workload/${cell.server}/${cell.trial}`),
    clients: cfg.clients,
    ops_per_client: cfg.ops_per_client,
    safety_bound_cycles: TRIAL_DEFAULTS.safety_bound_cycles,
    liveness_bound_cycles: TRIAL_DEFAULTS.liveness_bound_cycles,
    // Clients share no names (files, ports): a difference from the golden run is then the
    // fault's doing, never two clients racing for one name in another interleaving. What they
    // share through the server's global state (the disk, the port table) is still shared.
    isolated: true,
  };
}

/** A cell's own name, from which its plan is drawn. */
const keyOf = (cell: Cell) => `${cell.server}/${cell.fault}/${cell.trial}`;

/**
 * A cell's trial under an arm. Its plan is placed over the cell's baseline golden run (the
 * accesses, requests, length and sites it reached), the same plan under every arm; pass that
 * run when you have it.
 */
export function trialSpec(cfg: CampaignConfig, cell: Cell, arm: Arm, baseline?: RunRecord): TrialSpec {
  return { config: configOf(cfg, cell, arm), plan: cellPlan(cfg, cell, baseline ?? runOnce(configOf(cfg, cell, BASELINE), null)) };
}

/** A cell's fault plan, the same under every arm: drawn once per cell (fast-check's sampling is a visible share of a campaign's CPU). */
function cellPlan(cfg: CampaignConfig, cell: Cell, baseline: RunRecord): FaultPlan {
  // The shape depends on the cell's server and its baseline run only, not on the arm.
  return samplePlan(planArb(cell.server, [cell.fault], shapeOf(configOf(cfg, cell, BASELINE), baseline)), deriveSeed(cfg.seed, `plan/${keyOf(cell)}`));
}

/** Runs one cell under every arm; trial results carry indices in campaign order. Pass one `goldens` to the cells of a group to make their golden runs once. */
export function runCell(cfg: CampaignConfig, cell: Cell, goldens: GoldenCache = new GoldenCache()): TrialResult[] {
  return [...cellTrials(cfg, cell, 0, undefined, goldens)].map((t) => t.result);
}

/** The index of the trial of `cell` under the arm at position `a` of the campaign's arms. */
export function trialIndex(cfg: CampaignConfig | ExploreConfig, cell: Cell, a: number): number {
  return cell.index * trialsPerCell(cfg) + a;
}

/** How many trials a cell holds: one per arm of a campaign, one for an exploration's (a point under one mode). */
export function trialsPerCell(cfg: CampaignConfig | ExploreConfig): number {
  return isExplore(cfg) ? 1 : armsOf(cfg).length;
}

/** The trial of `cell` under the arm at position `a` of the campaign's arms, given the cell's plan (cellTrials tells it). */
export function trialSpecAt(cfg: CampaignConfig, cell: Cell, a: number, plan: FaultPlan): TrialSpec {
  return { config: configOf(cfg, cell, armsOf(cfg)[a]), plan };
}

/**
 * The trials of one cell under its arms from position `from_arm` on, one at a time, in arm order;
 * `planned` is told the cell's plan once it is drawn, before the first trial runs (with
 * trialSpecAt, every trial's spec). Golden runs come from `goldens` (made there when it has not
 * got them): a worker passes one cache to every cell it runs.
 */
export function* cellTrials(cfg: CampaignConfig, cell: Cell, from_arm: number, planned?: (plan: FaultPlan) => void, goldens: GoldenCache = new GoldenCache()): Generator<{ result: TrialResult; spec: TrialSpec; golden: RunRecord; run: RunRecord }> {
  const baseline = goldens.golden(configOf(cfg, cell, BASELINE));
  const plan = cellPlan(cfg, cell, baseline);
  planned?.(plan);
  const arms = armsOf(cfg);
  for (let a = from_arm; a < arms.length; a++) {
    const arm = arms[a];
    const index = trialIndex(cfg, cell, a);
    const spec = trialSpecAt(cfg, cell, a, plan);
    const g = goldens.golden(spec.config);
    const run = runTrial(spec.config, spec.plan, g);
    const c = classifyOutcome(g, run);
    const result: TrialResult = {
      index,
      server: cell.server,
      fault: cell.fault,
      mode: arm.mode,
      commit: arm.commit,
      outcome: c.outcome,
      traceHash: run.traceHash,
      recoverCycles: recoverCycles(run),
      overheadCycles: Math.max(0, g.cycles - baseline.cycles),
      ops: g.ops,
      ...(c.failedReason === undefined ? {} : { failedReason: c.failedReason }),
    };
    yield { result, spec, golden: g, run };
  }
}

/** The digest of a campaign: every trial's outcome and trace hash, in trial order. */
export function digestOf(results: readonly TrialResult[]): string {
  const h = createHash('sha256');
  for (const r of [...results].sort((a, b) => a.index - b.index)) h.update(`${r.index}|${r.outcome}|${r.traceHash}\n`);
  return h.digest('hex');
}

export const CAMPAIGN_DEFAULTS = {
  clients: TRIAL_DEFAULTS.clients,
  ops_per_client: TRIAL_DEFAULTS.ops_per_client,
  commits: [DEFAULT_COMMIT] as CommitPolicy[],
  /** compare runs every commit policy, so that it can show the retry effect beside the isolation effect */
  compare_commits: [...COMPARE_COMMITS],
};
