// `curios campaign`, `curios compare` and `curios merge`: run a paired fault campaign (or one
// shard of it), report it in the chosen format, and merge shard results into exactly the
// unsharded result.
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { CampaignConfig } from '../campaign/campaign.ts';
import { mergeShards, ShardFileError, type ShardInput } from '../campaign/merge.ts';
import { formatSummary, type ReportOptions } from '../campaign/report/index.ts';
import { shortHash } from '../campaign/report/columns.ts';
import type { CampaignSummary } from '../campaign/result-types.ts';
import type { PoolOptions, Progress } from '../campaign/pool.ts';
import { runCampaign, type CampaignFile, type CampaignRun } from '../campaign/run.ts';
import type { Shard } from '../campaign/shard.ts';
import { HOST_LIMITS } from '../campaign/host-limits.ts';
import { KEEP_POLICIES, type KeepPolicy } from '../campaign/keep.ts';
import type { Store } from '../store/index.ts';
import { parseCount, parseOne, parseShard } from './args.ts';
import { fail } from './errors.ts';
import { dbPath, openStoreOrFail } from './seeds.ts';

/** Runs a campaign (or one shard) with the wall clock, telling `onProgress` as cells finish and `seeds` of each crash seed. */
export async function runWithProgress(config: CampaignConfig, setup: CampaignSetup, onProgress: ((p: Progress) => void) | undefined, seeds: Pick<PoolOptions, 'onSeed' | 'isKnown' | 'onKnown'>): Promise<CampaignRun> {
  const { workers, shard, trial_budget_ms, keep } = setup;
  return runCampaign(config, { workers, shard, trial_budget_ms, keep, clock_ms: () => performance.now(), ...(onProgress === undefined ? {} : { onProgress }), ...seeds });
}

/** Records a finished campaign (its configuration, summary, digest, the seeds it saved, start and end) in the store. */
export function recordCampaign(store: Store, file: CampaignFile, shard: Shard | null, seeds: string[], startedAt: string): void {
  store.addCampaign({ config: { ...file.config, shard }, summary: { trials: file.trials, trialsPerSecond: file.trialsPerSecond, rows: file.rows, seeds }, digest: file.digest, startedAt, endedAt: new Date().toISOString() });
}

/** The flags every way of running a campaign shares (curios campaign, compare, dashboard --campaign). */
export interface RunFlags {
  workers?: string;
  shard?: string;
  trialBudget?: string;
  keep?: string;
  db?: string;
  store: boolean;
}

export interface CampaignSetup {
  workers: number;
  shard: Shard | null;
  /** --trial-budget: a fixed wall-clock budget per trial; null: 100 × the mean trial time (src/campaign/host-limits.ts) */
  trial_budget_ms: number | null;
  /** --keep: which failing trials become crash seeds; null with --no-store (nothing is shrunk) */
  keep: KeepPolicy | null;
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
  const trial_budget_ms = o.trialBudget === undefined ? null : parseCount(o.trialBudget, '--trial-budget', 1, HOST_LIMITS.budget_max_ms);
  const db = o.store ? dbPath(o.db) : null;
  const keep = db === null ? null : parseOne(o.keep ?? 'broken', '--keep', KEEP_POLICIES);
  return { workers, shard, trial_budget_ms, keep, db, store: db === null ? null : openStoreOrFail(db) };
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

export function report(file: CampaignFile, format: string, options: ReportOptions): string {
  if (format === 'json') return `${JSON.stringify(file, null, 2)}\n`;
  return formatSummary(file, format, options);
}

/** Reads shard files and merges them into the unsharded result; a file or set that cannot be merged is one line, exit 2. */
export function mergeFiles(paths: readonly string[]): CampaignFile {
  const inputs = paths.map(readShardInput);
  try {
    return mergeShards(inputs);
  } catch (e) {
    if (e instanceof ShardFileError) fail(e.message);
    throw e;
  }
}

export function readShardInput(path: string): ShardInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    fail(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    return { name: path, data: JSON.parse(text) };
  } catch {
    fail(`${path} is not JSON (expected the output of curios campaign --shard i/n --format json)`);
  }
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

/**
 * What a campaign says on stderr when it ends: its speed (never in the report, which must be the
 * same file for the same campaign) and the crash seeds it stored, counted rather than listed.
 */
export function campaignFootnote(file: CampaignSummary, seeds: readonly string[] | null): string {
  const speed = `${file.trials} trials, ${file.trialsPerSecond.toFixed(1)} trials/s`;
  if (seeds === null) return `${speed}; crash seeds not stored (--no-store)`;
  if (seeds.length === 0) return `${speed}; no crash seeds`;
  const distinct = new Set(seeds).size;
  return `${speed}; stored ${seeds.length} crash seed${seeds.length === 1 ? '' : 's'} (${distinct} distinct failure${distinct === 1 ? '' : 's'}): npx curios seeds list`;
}
