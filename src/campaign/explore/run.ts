// Running an exploration, or one shard of it: the fault space of each mode's golden run, one cell
// per point × fault kind × mode through the worker pool (so `--workers` and `--shard` work as in
// campaigns), then the result: the space, how much of it was tried, the failure classes, the
// digest. The command line only parses flags, prints and stores.
import type { Mode } from '../../ssr/modes.ts';
import { digestOf, type Cell } from '../campaign.ts';
import { runCells, type Progress } from '../pool.ts';
import { adoptGoldens } from './goldens.ts';
import { OUTCOMES, type Outcome } from '../result-types.ts';
import { shardCells, type Shard } from '../shard.ts';
import type { ExploreConfig } from './config.ts';
import { heatMapOf, type HeatMap, type RequestCall } from './heat-map.ts';
import { isFailing } from './outcomes.ts';
import { fullSpaceSize, pointsOf } from './space.ts';
import { goldenOf, type Divergence, type ExploreResult, type SecondFault } from './trials.ts';
import { pairCells, pairCounts, type FirstPoint, type PairCount } from './pairs.ts';
import { BITS_ALL, EXPLORE_SPACES, kindPoints, type PointFields } from './kinds.ts';
import type { FaultKind, Trigger } from '../../faults/model.ts';
import type { Workload } from '../../servers/workload.ts';

/** The fault space of the workload under one mode (per fault kind: each kind takes every point). */
export interface ModeSpace {
  mode: Mode;
  requests: number;
  accesses: number;
  sites: number;
  /** points per kind with no stride: requests + accesses + sites */
  full: number;
  /** points per kind this exploration takes (the stride's sample of `full`) */
  points: number;
  /** each request of the golden run as its client made it (client −1: a kernel report), for the heat map */
  calls: RequestCall[];
  /** per fault kind explored: its points with no stride and every bit, those this exploration takes, and what it samples regardless (null: nothing) */
  kinds: { fault: FaultKind; full: number; points: number; sampled: string | null }[];
}

/** One failure class: the points (under one mode, at one depth) whose trials have the same signature. */
export interface ExploreClass {
  mode: Mode;
  /** 1: single faults; 2: pairs (a second fault inside the first one's recovery) */
  depth: number;
  signature: string;
  outcome: Outcome;
  /** a client saw something other than the golden run (or the run failed) */
  failing: boolean;
  points: number;
  /** where its trials first part from the golden run (null: nowhere a client saw) */
  divergence: Divergence | null;
  /** latent-corruption: the kinds of damage to the end state its trials share (else null) */
  damage: string[] | null;
  /** the fault kinds among its points */
  faults: string[];
  /** its first point (in trial order): the class's representative */
  representative: { index: number; fault: string; point: Trigger; fields?: PointFields; second?: SecondFault };
}

export interface ExploreFile {
  config: ExploreConfig;
  shard?: Shard;
  space: ModeSpace[];
  /** trials run (points × kinds × modes, or this shard's share) */
  trials: number;
  digest: string;
  trialsPerSecond: number;
  classes: ExploreClass[];
  /** the worst outcome per request × fault kind × mode (heat-map.ts) */
  heat: HeatMap;
  /** depth 2, per mode: the pairs the bound allows, those pruned, those tried */
  pairs?: PairCount[];
  /** every trial: for shards (what merge needs) and --format json */
  results?: ExploreResult[];
}

export interface ExploreRun {
  file: ExploreFile;
  results: ExploreResult[];
}

export interface ExploreOptions {
  workers: number;
  shard: Shard | null;
  trial_budget_ms?: number | null;
  clock_ms: () => number;
  onProgress?: (p: Progress) => void;
}

/** The space of each mode, read off its golden run. */
export function spaceOf(cfg: ExploreConfig): ModeSpace[] {
  return cfg.modes.map((mode) => {
    const { golden, workload } = goldenOf(cfg, mode);
    const reach = golden.reach;
    const per = reach.accesses[cfg.server] ?? [];
    return {
      mode,
      requests: per.length,
      accesses: per.reduce((a, b) => a + b, 0),
      sites: reach.sites.filter((k) => k.startsWith(`${cfg.server}/`)).length,
      full: fullSpaceSize(reach, cfg.server),
      points: pointsOf(reach, cfg.server, cfg.stride).length,
      calls: callsOf(reach.clients[cfg.server] ?? [], reach.ops[cfg.server] ?? [], workload),
      kinds: cfg.faults.map((fault) => ({
        fault,
        full: kindPoints(fault, reach, cfg.server, { stride: 1, bits: BITS_ALL, seed: cfg.seed }).length,
        points: kindPoints(fault, reach, cfg.server, knobsOf(cfg)).length,
        sampled: EXPLORE_SPACES[fault].sampled,
      })),
    };
  });
}

/** Request n's client, its rank among that client's requests, and the operation the client was in. */
function callsOf(clients: readonly number[], ops: readonly number[], workload: Workload): RequestCall[] {
  const made = new Map<number, number>();
  return clients.map((client, n) => {
    const j = made.get(client) ?? 0;
    made.set(client, j + 1);
    return { client, j, op: client < 0 ? 'kernel' : (workload[client]?.[ops[n]]?.op ?? '?') };
  });
}

/** Every cell of an exploration: per mode, per fault kind, per point, in that order. */
export function exploreCells(cfg: ExploreConfig): Cell[] {
  const cells: Cell[] = [];
  for (const mode of cfg.modes) {
    const reach = goldenOf(cfg, mode).golden.reach;
    for (const fault of cfg.faults) {
      kindPoints(fault, reach, cfg.server, knobsOf(cfg)).forEach(({ trigger, fields }, trial) =>
        cells.push({ index: cells.length, server: cfg.server, fault, trial, point: { mode, trigger, ...(Object.keys(fields).length === 0 ? {} : { fields }) } }),
      );
    }
  }
  return cells;
}

export async function runExplore(cfg: ExploreConfig, o: ExploreOptions): Promise<ExploreRun> {
  await adoptGoldens(cfg, o.trial_budget_ms ?? null);
  const all = exploreCells(cfg);
  const cells = o.shard === null ? all : shardCells(all, o.shard);
  const started_ms = o.clock_ms();
  const run = async (cs: readonly Cell[], before: number) =>
    // The pool carries campaign results; an exploration's workers send ExploreResults (trials.ts).
    withPoints((await runCells(cfg, cs, o.workers, o.onProgress === undefined ? undefined : (p) => o.onProgress?.({ ...p, done_cells: before + p.done_cells, total_cells: before + p.total_cells }), undefined, { trial_budget_ms: o.trial_budget_ms ?? null })) as ExploreResult[], cs);
  const singles = await run(cells, 0);
  // Depth 2 from this run's own first points: a shard tries the pairs of its share, so shards still merge.
  const pairs = cfg.depth >= 2 ? pairCells(cfg, firstPointsOf(singles), all.length) : [];
  const complete = pairs.length === 0 ? singles : [...singles, ...(await run(pairs, singles.length))];
  return { file: exploreFile(cfg, complete, (o.clock_ms() - started_ms) / 1000, o.shard), results: complete };
}

const knobsOf = (cfg: ExploreConfig) => ({ stride: cfg.stride, bits: cfg.bits, seed: cfg.seed });

/** The single-fault trials as depth 2 reads them: whether each failed, and its recovery window. */
function firstPointsOf(results: readonly ExploreResult[]): FirstPoint[] {
  return results.filter((r) => r.second === undefined).map((r) => ({ index: r.index, fault: r.fault as FaultKind, mode: r.mode, point: r.point, ...(r.fields === undefined ? {} : { fields: r.fields }), failing: isFailing(r.outcome), window: r.window ?? null }));
}

/** A trial stopped by a host limit comes back from the pool without its point: take it from its cell. */
function withPoints(results: ExploreResult[], cells: readonly Cell[]): ExploreResult[] {
  const byIndex = new Map(cells.map((c) => [c.index, c]));
  return results.map((r) => {
    if (r.point !== undefined) return r;
    const point = byIndex.get(r.index)?.point;
    if (point === undefined) throw new Error(`invariant: trial ${r.index} has no cell`);
    return { ...r, point: point.trigger, ...(point.fields === undefined ? {} : { fields: point.fields }), ...(point.second === undefined ? {} : { second: { fault: point.second.fault, point: point.second.trigger } }), divergence: null, damage: null, signature: r.outcome };
  });
}

/** The result file of an exploration (or a shard, which keeps every trial for merge). */
export function exploreFile(cfg: ExploreConfig, results: ExploreResult[], seconds: number, shard: Shard | null): ExploreFile {
  const space = spaceOf(cfg);
  return {
    config: cfg,
    ...(shard === null ? {} : { shard }),
    space,
    trials: results.length,
    digest: digestOf(results),
    trialsPerSecond: Math.round((results.length / Math.max(1e-9, seconds)) * 10) / 10,
    classes: classesOf(results),
    heat: heatMapOf(cfg, space, results.filter((r) => r.second === undefined)),
    ...(cfg.depth >= 2 ? { pairs: pairCounts(cfg, firstPointsOf(results), results.filter((r) => r.second !== undefined)) } : {}),
    ...(shard === null ? {} : { results }),
  };
}

/** Merges the shard files of one exploration (every shard once) into exactly the unsharded result, with its trials. */
export function mergeExploreShards(files: readonly ExploreFile[]): ExploreRun {
  const first = files[0];
  if (first?.shard === undefined) throw new Error('merge needs the shard files of one exploration (curios explore --shard i/n --format json)');
  const count = first.shard.count;
  const seen = new Set<number>();
  for (const f of files) {
    if (JSON.stringify(f.config) !== JSON.stringify(first.config)) throw new Error('a shard of another exploration (its configuration differs)');
    if (f.shard === undefined || f.shard.count !== count || f.results === undefined) throw new Error(`not a shard of ${count} with its trials`);
    if (seen.has(f.shard.index)) throw new Error(`shard ${f.shard.index}/${count} given twice`);
    seen.add(f.shard.index);
  }
  if (seen.size !== count) throw new Error(`${seen.size} of ${count} shards given`);
  const results = files.flatMap((f) => f.results ?? []).sort((a, b) => a.index - b.index);
  const seconds = files.reduce((s, f) => s + (f.results?.length ?? 0) / Math.max(f.trialsPerSecond, 1e-9), 0);
  return { file: exploreFile(first.config, results, seconds, null), results };
}

/** The failure classes of a set of trials: one per depth × mode × signature; single faults first, then worst first, then largest. */
export function classesOf(results: readonly ExploreResult[]): ExploreClass[] {
  const classes = new Map<string, ExploreClass>();
  for (const r of [...results].sort((a, b) => a.index - b.index)) {
    const depth = r.second === undefined ? 1 : 2;
    const key = `${depth}|${r.mode}|${r.signature}`;
    const c = classes.get(key);
    if (c === undefined) {
      const representative = { index: r.index, fault: r.fault, point: r.point, ...(r.fields === undefined ? {} : { fields: r.fields }), ...(r.second === undefined ? {} : { second: r.second }) };
      classes.set(key, { mode: r.mode, depth, signature: r.signature, outcome: r.outcome, failing: isFailing(r.outcome), points: 1, divergence: r.divergence, damage: r.damage ?? null, faults: [r.fault], representative });
      continue;
    }
    c.points++;
    if (!c.faults.includes(r.fault)) c.faults.push(r.fault);
  }
  const rank = (o: Outcome) => OUTCOMES.indexOf(o);
  return [...classes.values()].sort((a, b) => a.depth - b.depth || rank(b.outcome) - rank(a.outcome) || b.points - a.points || a.representative.index - b.representative.index);
}
