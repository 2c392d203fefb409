// A campaign: many trials, paired — each cell (server × fault kind × trial number) draws one
// workload seed and one fault plan from the campaign seed, and runs them under every mode asked
// for — then aggregated per server × fault kind × mode. Cells are the unit of work: a worker runs
// a whole cell (its golden runs are shared by its modes), and results are put back in cell order,
// so the result and its digest do not depend on how many workers ran it, nor on sharding.
import { createHash } from 'node:crypto';
import { deriveSeed } from '../hw/seed.ts';
import { planArb, samplePlan } from '../faults/arbitraries.ts';
import type { FaultKind, FaultPlan } from '../faults/model.ts';
import type { CommitPolicy, Mode } from '../ssr/modes.ts';
import { classifyOutcome, recoverCycles } from './classify.ts';
import type { TrialResult } from './result-types.ts';
import { runOnce, runTrial, shapeOf, TRIAL_DEFAULTS, type RunRecord, type TrialConfig } from './trial.ts';

export interface CampaignConfig {
  seed: number;
  servers: string[];
  faults: FaultKind[];
  modes: Mode[];
  /** trials per server × fault kind (each runs under every mode) */
  trials: number;
  commit: CommitPolicy;
  clients: number;
  ops_per_client: number;
}

export interface Cell {
  index: number;
  server: string;
  fault: FaultKind;
  trial: number;
}

/** A trial's full identity: enough to run it again bit for bit. */
export interface TrialSpec {
  config: TrialConfig;
  plan: FaultPlan;
}

export function cellsOf(cfg: CampaignConfig): Cell[] {
  const cells: Cell[] = [];
  for (const server of cfg.servers) for (const fault of cfg.faults) for (let trial = 0; trial < cfg.trials; trial++) cells.push({ index: cells.length, server, fault, trial });
  return cells;
}

/** The cell a trial result belongs to: results are numbered cell by cell, one per mode. */
export function cellOfResult(cfg: CampaignConfig, r: Pick<TrialResult, 'index' | 'server' | 'fault'>): Cell {
  const index = Math.floor(r.index / cfg.modes.length);
  return { index, server: r.server, fault: r.fault as FaultKind, trial: index % cfg.trials };
}

/** The mode whose golden run places a cell's faults (one plan for every mode) and prices calls. */
const BASELINE_MODE: Mode = 'restart';

function configOf(cfg: CampaignConfig, cell: Cell, mode: Mode): TrialConfig {
  return {
    target: cell.server,
    mode,
    commit: cfg.commit,
    workload_seed: deriveSeed(cfg.seed, `workload/${keyOf(cell)}`),
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

const keyOf = (cell: Cell) => `${cell.server}/${cell.fault}/${cell.trial}`;

/**
 * A cell's trial under a mode. Its plan is placed over the cell's baseline golden run (the
 * accesses, requests, length and sites it reached), the same plan under every mode; pass that
 * run when you have it.
 */
export function trialSpec(cfg: CampaignConfig, cell: Cell, mode: Mode, baseline?: RunRecord): TrialSpec {
  const config = configOf(cfg, cell, mode);
  const base = baseline ?? runOnce(configOf(cfg, cell, BASELINE_MODE), null);
  return { config, plan: samplePlan(planArb(cell.server, [cell.fault], shapeOf(config, base)), deriveSeed(cfg.seed, `plan/${keyOf(cell)}`)) };
}

/** Runs one cell under every mode; trial results carry indices in campaign order. */
export function runCell(cfg: CampaignConfig, cell: Cell): TrialResult[] {
  return [...cellTrials(cfg, cell, 0)].map((t) => t.result);
}

/** The index of the trial of `cell` under the mode at position `m` of the campaign's modes. */
export function trialIndex(cfg: CampaignConfig, cell: Cell, m: number): number {
  return cell.index * cfg.modes.length + m;
}

/** The trials of one cell under its modes from position `from_mode` on, one at a time, in mode order; `starting` is told each trial before it runs. */
export function* cellTrials(cfg: CampaignConfig, cell: Cell, from_mode: number, starting?: (index: number, spec: TrialSpec) => void): Generator<{ result: TrialResult; spec: TrialSpec; golden: RunRecord; run: RunRecord }> {
  const goldens = new Map<Mode, RunRecord>();
  const golden = (config: TrialConfig): RunRecord => {
    const hit = goldens.get(config.mode);
    if (hit !== undefined) return hit;
    const g = runOnce(config, null);
    goldens.set(config.mode, g);
    return g;
  };
  const baseline = golden(configOf(cfg, cell, BASELINE_MODE));
  for (let m = from_mode; m < cfg.modes.length; m++) {
    const index = trialIndex(cfg, cell, m);
    const spec = trialSpec(cfg, cell, cfg.modes[m], baseline);
    starting?.(index, spec);
    const g = golden(spec.config);
    const run = runTrial(spec.config, spec.plan, g);
    const c = classifyOutcome(g, run);
    const result: TrialResult = {
      index,
      server: cell.server,
      fault: cell.fault,
      mode: cfg.modes[m],
      outcome: c.outcome,
      traceHash: run.traceHash,
      recoverCycles: recoverCycles(run),
      callCycles: Math.max(0, g.cycles - baseline.cycles),
      calls: g.calls,
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
  commit: 'shadow' as CommitPolicy,
};
