// One exploration trial: a point (one fault at one trigger) under one mode, judged against that
// mode's golden run as campaigns judge, with its failure signature — FATE's failure ID: the outcome
// and the first divergence from the golden run (the client, its operation, what it saw). Points
// with the same signature are one class.
import type { Fault, FaultKind, FaultPlan, Trigger } from '../../faults/model.ts';
import { profileFor } from '../../servers/catalog.ts';
import { makeWorkload, type Workload } from '../../servers/workload.ts';
import type { Mode } from '../../ssr/modes.ts';
import type { Cell } from '../campaign.ts';
import { classifyOutcome } from '../classify.ts';
import { recoverCycles } from '../recovery-time.ts';
import { usesCommitPolicy } from '../../ssr/modes.ts';
import type { TrialResult } from '../result-types.ts';
import { runOnce, runTrial, type RunRecord } from '../trial.ts';
import { judge } from '../verdict.ts';
import { trialConfigOf, type ExploreConfig } from './config.ts';
import { windowOf, type RecoveryWindow } from './pairs.ts';
import type { PointFields } from './kinds.ts';
import { FaultInjector } from '../../faults/injector.ts';
import type { System } from '../../servers/system.ts';

/** Where a faulty run first parted from its golden run, as the client saw it. */
export interface Divergence {
  client: number;
  /** the client's operation, counted from 0 (as `curios replay` tells it) */
  index: number;
  /** `server.op` of that call */
  op: string;
  /** the status it got instead of the golden one ('no reply': the run ended before it) */
  seen: string;
}

export interface ExploreResult extends TrialResult {
  point: Trigger;
  /** the fault's fields besides its trigger (a bit flip's target, offset and bit, …): absent for crash and hang */
  fields?: PointFields;
  /** depth 2: the second fault, inside the recovery of the first */
  second?: SecondFault;
  /** depth 2, a single fault's trial: where its recovery lets a second land (null: it had none) */
  window?: RecoveryWindow | null;
  divergence: Divergence | null;
  /** latent-corruption: the kinds of damage the end-state oracle found (see damageOf); else null */
  damage: string[] | null;
  /** the failure signature: outcome (and why it failed), then the first divergence, or the damage */
  signature: string;
}

export interface SecondFault {
  fault: FaultKind;
  point: Trigger;
}

/** The plan of a point: one fault of `kind` on the server at the point's trigger, with its fields (then the second fault of a pair). */
export function planOf(server: string, kind: string, trigger: Trigger, fields: PointFields = {}, second?: SecondFault): FaultPlan {
  const faults = [{ server, kind, trigger, ...fields } as Fault];
  if (second !== undefined) faults.push({ server, kind: second.fault, trigger: second.point } as Fault);
  return { version: 1, faults };
}

function pointOfCell(cell: Cell): NonNullable<Cell['point']> {
  if (cell.point === undefined) throw new Error('invariant: an explore cell carries its point');
  return cell.point;
}

/** A mode's golden run and workload, what an exploration's space is read from. */
export interface ExploreGolden {
  golden: RunRecord;
  workload: Workload;
}

/** Golden runs and workloads, per exploration and mode: a worker computes each once. */
const goldens = new Map<string, ExploreGolden>();

const goldenKey = (cfg: ExploreConfig, mode: Mode): string => `${JSON.stringify(cfg)}|${mode}`;

/**
 * Hands this process a golden run computed elsewhere (the main process gets its goldens from a
 * worker, under the host limits: a user's server that loops or allocates without any fault
 * cannot stop the command). A run is a function of its configuration, so it is the very record
 * goldenOf would compute here.
 */
export function adoptGolden(cfg: ExploreConfig, mode: Mode, entry: ExploreGolden): void {
  if (goldens.size >= 2 * cfg.modes.length) goldens.clear();
  goldens.set(goldenKey(cfg, mode), entry);
}

export function goldenOf(cfg: ExploreConfig, mode: Mode): ExploreGolden {
  const key = goldenKey(cfg, mode);
  const hit = goldens.get(key);
  if (hit !== undefined) return hit;
  // One exploration at a time in a process: forget another's runs.
  if (goldens.size >= 2 * cfg.modes.length) goldens.clear();
  const config = trialConfigOf(cfg, mode);
  const profile = profileFor(cfg.server);
  // The golden run also records what the kinds with fields are placed over (kinds.ts).
  const entry = { golden: runOnce(config, null, (system) => detailFor(system, cfg.server)), workload: makeWorkload({ seed: config.workload_seed, clients: config.clients, ops_per_client: config.ops_per_client, modules: profile.modules, isolated: true }) };
  goldens.set(key, entry);
  return entry;
}

function detailFor(system: System, server: string): void {
  if (!(system.faults instanceof FaultInjector)) throw new Error('invariant: a golden run carries a fault injector');
  system.faults.recordDetail(server);
}

/** The trial of an explore cell (from_mode is 0: a cell holds one trial). */
export function* exploreTrials(cfg: ExploreConfig, cell: Cell, from_mode: number): Generator<ExploreResult> {
  if (from_mode > 0) return;
  const point = pointOfCell(cell);
  const { golden, workload } = goldenOf(cfg, point.mode);
  const config = trialConfigOf(cfg, point.mode);
  const second = point.second === undefined ? undefined : { fault: point.second.fault, point: point.second.trigger };
  const run = runTrial(config, planOf(cfg.server, cell.fault, point.trigger, point.fields, second), golden);
  const c = classifyOutcome(golden, run);
  const divergence = firstDivergence(golden, run, workload);
  const damage = c.latent === undefined ? null : damageOf(c.latent);
  yield {
    index: cell.index,
    server: cell.server,
    fault: cell.fault,
    mode: point.mode,
    commit: usesCommitPolicy(point.mode) ? cfg.commit : null,
    outcome: c.outcome,
    traceHash: run.traceHash,
    recoverCycles: recoverCycles(run),
    overheadCycles: 0,
    ops: golden.ops,
    ...(c.failedReason === undefined ? {} : { failedReason: c.failedReason }),
    point: point.trigger,
    ...(point.fields === undefined ? {} : { fields: point.fields }),
    ...(second === undefined ? {} : { second }),
    ...(cfg.depth >= 2 && second === undefined ? { window: run.fired.length === 0 ? null : windowOf(run.reach, cfg.server) } : {}),
    divergence,
    damage,
    signature: signatureOf(c.outcome + (c.failedReason === undefined ? '' : `/${c.failedReason}`), divergence, damage),
  };
}

/** The first call (by client, then call) whose observation differs from the golden run's. */
export function firstDivergence(golden: RunRecord, run: RunRecord, workload: Workload): Divergence | null {
  for (let c = 0; c < golden.records.length; c++) {
    const gold = golden.records[c];
    const seen = run.records[c] ?? [];
    for (let i = 0; i < gold.length; i++) {
      const got = seen[i];
      if (got !== undefined && judge(gold[i], got) === 'same') continue;
      const op = workload[c]?.[i];
      return { client: c, index: i, op: op === undefined ? '?' : `${op.server}.${op.op}`, seen: got === undefined ? 'no reply' : got.status === gold[i].status ? `${got.status} (other result)` : got.status };
    }
  }
  return null;
}

/**
 * FATE's failure ID: same outcome, same client, same operation, same thing seen ⇒ one class. A
 * latent corruption has no divergence (every client saw the golden results): its damage takes the
 * divergence's place, so a leaked block and an orphaned inode are two classes.
 */
export function signatureOf(outcome: string, d: Divergence | null, damage: readonly string[] | null = null): string {
  if (d !== null) return `${outcome}: client ${d.client} ${d.op} → ${d.seen}`;
  return damage === null || damage.length === 0 ? outcome : `${outcome}: ${damage.join('; ')}`;
}

/**
 * The kinds of damage in the oracle's differences (src/campaign/oracle.ts): each line with its
 * numbers other than a client's replaced by N — which inode leaked depends on the order the
 * workload allocated them, not on what went wrong — then each kind once, sorted.
 */
export function damageOf(latent: readonly string[]): string[] {
  return [...new Set(latent.map((line) => line.replace(/(?<!client )\b\d+\b/g, 'N')))].sort();
}
