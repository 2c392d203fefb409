// `curios campaign`, `curios compare` and `curios merge`: run a paired fault campaign (or one
// shard of it), report it in the chosen format, and merge shard results into exactly the
// unsharded result.
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { cellsOf, digestOf, shardCells, type CampaignConfig } from '../campaign/campaign.ts';
import { runCells } from '../campaign/pool.ts';
import { formatSummary } from '../campaign/report/index.ts';
import type { CampaignSummary, TrialResult } from '../campaign/result-types.ts';
import { aggregate } from '../campaign/stats.ts';
import type { Store } from '../store/index.ts';
import { parseCount, parseShard } from './args.ts';
import { fail } from './errors.ts';
import { dbPath, openStoreOrFail } from './seeds.ts';

/** What a campaign writes with --format json: the summary, and (for shards) everything merge needs. */
export interface CampaignFile extends CampaignSummary {
  config: CampaignConfig;
  shard?: { index: number; count: number };
  results?: TrialResult[];
}

export interface CampaignRun {
  file: CampaignFile;
  results: TrialResult[];
}

export async function runCampaign(config: CampaignConfig, workers: number, shard: { index: number; count: number } | null, progress: boolean, onResults?: (results: TrialResult[]) => void): Promise<CampaignRun> {
  const all = cellsOf(config);
  const cells = shard === null ? all : shardCells(all, shard);
  const started = performance.now();
  const show = progress ? progressLine(started, cells.length) : undefined;
  const results = await runCells(config, cells, workers, show, onResults);
  if (progress) process.stderr.write('\r\x1b[2K');
  return { file: campaignFile(config, results, (performance.now() - started) / 1000, shard), results };
}

/** The campaign's result file: its summary, and for a shard every trial (what merge needs). */
export function campaignFile(config: CampaignConfig, results: TrialResult[], seconds: number, shard: { index: number; count: number } | null): CampaignFile {
  return {
    seed: config.seed,
    trials: results.length,
    digest: digestOf(results),
    trialsPerSecond: Math.round((results.length / Math.max(1e-9, seconds)) * 10) / 10,
    rows: aggregate(results),
    config,
    ...(shard === null ? {} : { shard, results }),
  };
}

/** Records a finished campaign (its configuration, summary, digest, the seeds it saved, start and end) in the store. */
export function recordCampaign(store: Store, file: CampaignFile, shard: { index: number; count: number } | null, seeds: string[], startedAt: string): void {
  store.addCampaign({ config: { ...file.config, shard }, summary: { trials: file.trials, trialsPerSecond: file.trialsPerSecond, rows: file.rows, seeds }, digest: file.digest, startedAt, endedAt: new Date().toISOString() });
}

/** The flags every way of running a campaign shares (curios campaign, compare, dashboard --campaign). */
export interface RunFlags {
  workers?: string;
  shard?: string;
  db?: string;
  store: boolean;
}

export interface CampaignSetup {
  workers: number;
  shard: { index: number; count: number } | null;
  /** the store's path and the store itself, opened (and locked) before the trials and held to the end; null with --no-store */
  db: string | null;
  store: Store | null;
}

/**
 * Parses the run flags and opens the store first: a store that cannot be used, or that another
 * process is writing, is refused before hours of trials. The caller closes the store.
 */
export function campaignSetup(o: RunFlags): CampaignSetup {
  const workers = o.workers === undefined ? defaultWorkers() : parseCount(o.workers, '--workers', 1, 256);
  const shard = o.shard === undefined ? null : parseShard(o.shard);
  const db = o.store ? dbPath(o.db) : null;
  return { workers, shard, db, store: db === null ? null : openStoreOrFail(db) };
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

function progressLine(started: number, total: number): (p: { done_cells: number }) => void {
  return (p) => {
    const elapsed = (performance.now() - started) / 1000;
    const rate = p.done_cells / Math.max(elapsed, 1e-9);
    const left = rate > 0 ? (total - p.done_cells) / rate : 0;
    process.stderr.write(`\r\x1b[2K${p.done_cells}/${total} cells  ${rate.toFixed(1)} cells/s  ${left.toFixed(0)} s left`);
  };
}

export function report(file: CampaignFile, format: string, color: boolean): string {
  if (format === 'json') return `${JSON.stringify(file, null, 2)}\n`;
  return formatSummary(file, format, { color });
}

/** Side by side: per server × fault, each mode's strict and lenient recovery. */
export function formatCompare(summary: CampaignSummary, modes: readonly string[]): string {
  const pct = (x: number | null) => (x === null ? '   —' : `${(x * 100).toFixed(0).padStart(3)}%`);
  const cells = new Map(summary.rows.map((r) => [`${r.server}/${r.fault}/${r.mode}`, r]));
  const keys = [...new Set(summary.rows.map((r) => `${r.server}/${r.fault}`))];
  const head = `${'server'.padEnd(8)} ${'fault'.padEnd(12)} ${'n'.padStart(5)} ` + modes.map((m) => `${m.padStart(9)} strict/lenient`).join(' ');
  const lines = [`curios compare — seed ${summary.seed}, ${summary.trials} trials, digest ${summary.digest.slice(0, 16)}`, '', head];
  for (const key of keys) {
    const [server, fault] = key.split('/');
    const any = cells.get(`${key}/${modes[0]}`);
    const row = modes.map((m) => {
      const r = cells.get(`${key}/${m}`);
      return `${' '.repeat(9)} ${pct(r?.recoveryStrict ?? null)} / ${pct(r?.recoveryLenient ?? null)}  `;
    });
    lines.push(`${server.padEnd(8)} ${fault.padEnd(12)} ${String(any?.manifested ?? 0).padStart(5)} ${row.join(' ')}`);
  }
  lines.push('', 'n: manifested errors per mode (trials whose fault fired). strict = (masked + recovered) / n; lenient adds degraded without collateral.');
  return `${lines.join('\n')}\n`;
}

/** Merges shard files of one campaign into the unsharded result. */
export function mergeFiles(paths: readonly string[]): CampaignFile {
  if (paths.length === 0) fail('merge needs at least one shard file');
  const files = paths.map((p) => readShard(p));
  const config = files[0].config;
  const count = files[0].shard?.count;
  const seen = new Set<number>();
  for (const [i, f] of files.entries()) {
    if (JSON.stringify(f.config) !== JSON.stringify(config)) fail(`${paths[i]}: a shard of another campaign (its configuration differs from ${paths[0]})`);
    if (f.shard === undefined || f.shard.count !== count) fail(`${paths[i]}: not a shard of ${count} (run with --shard i/${count} --format json)`);
    if (seen.has(f.shard.index)) fail(`${paths[i]}: shard ${f.shard.index}/${count} given twice`);
    seen.add(f.shard.index);
  }
  if (count !== undefined && seen.size !== count) fail(`merge: ${seen.size} of ${count} shards given; missing ${[...Array(count).keys()].filter((i) => !seen.has(i)).join(', ')}`);
  const results = files.flatMap((f) => f.results ?? []).sort((a, b) => a.index - b.index);
  const seconds = files.reduce((s, f) => s + (f.results?.length ?? 0) / Math.max(f.trialsPerSecond, 1e-9), 0);
  return { seed: config.seed, trials: results.length, digest: digestOf(results), trialsPerSecond: Math.round((results.length / Math.max(seconds, 1e-9)) * 10) / 10, rows: aggregate(results), config };
}

function readShard(path: string): CampaignFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    fail(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    fail(`${path} is not JSON (expected the output of curios campaign --shard i/n --format json)`);
  }
  const f = data as Partial<CampaignFile>;
  if (typeof f !== 'object' || f === null || f.config === undefined || !Array.isArray(f.results)) fail(`${path}: not a campaign shard file (no config or results)`);
  return f as CampaignFile;
}

export function writeOut(path: string | undefined, text: string, out: (s: string) => void): void {
  if (path === undefined) {
    out(text.replace(/\n$/, ''));
    return;
  }
  try {
    writeFileSync(path, text);
  } catch (e) {
    fail(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}
