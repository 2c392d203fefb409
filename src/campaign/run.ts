// Running a campaign, or one shard of it: its cells through the worker pool, then its result file
// — the summary (rows, digest), and for a shard every trial, which is what merge needs. This is
// what a campaign *is*; the command line only parses flags, prints and stores.
import { cellsOf, digestOf, type CampaignConfig } from './campaign.ts';
import type { CrashSeed } from './crash-seeds.ts';
import type { KeepPolicy } from './keep.ts';
import { runCells, type Progress } from './pool.ts';
import type { CampaignSummary, TrialResult } from './result-types.ts';
import { shardCells, type Shard } from './shard.ts';
import { aggregate } from './stats.ts';

/** What a campaign writes with --format json: the summary, and (for shards) everything merge needs. */
export interface CampaignFile extends CampaignSummary {
  config: CampaignConfig;
  shard?: Shard;
  results?: TrialResult[];
}

export interface CampaignRun {
  file: CampaignFile;
  /** every trial, in trial order */
  results: TrialResult[];
}

export interface RunOptions {
  workers: number;
  shard: Shard | null;
  /** a fixed wall-clock budget per trial; null or absent: the pool's default (host-limits.ts) */
  trial_budget_ms?: number | null;
  /** which failing trials become crash seeds (keep.ts); null or absent: none, and nothing is shrunk */
  keep?: KeepPolicy | null;
  /** each crash seed as soon as a worker has made it */
  onSeed?: (seed: CrashSeed) => void;
  /** whether a failure (by signature) is already stored: then it is not shrunk again */
  isKnown?: (signature: string) => boolean;
  /** a kept trial whose failure was found already */
  onKnown?: (found: TrialResult, signature: string) => void;
  /** milliseconds from any origin (the caller's wall clock: only trials/s depends on it) */
  clock_ms: () => number;
  onProgress?: (p: Progress) => void;
  /** each batch of results as it comes in (for work that should not wait for the end, such as storing crash seeds) */
  onResults?: (results: TrialResult[]) => void;
}

export async function runCampaign(config: CampaignConfig, o: RunOptions): Promise<CampaignRun> {
  const all = cellsOf(config);
  const cells = o.shard === null ? all : shardCells(all, o.shard);
  const started_ms = o.clock_ms();
  const results = await runCells(config, cells, o.workers, o.onProgress, o.onResults, { trial_budget_ms: o.trial_budget_ms ?? null, keep: o.keep ?? null, onSeed: o.onSeed, isKnown: o.isKnown, onKnown: o.onKnown });
  return { file: campaignFile(config, results, (o.clock_ms() - started_ms) / 1000, o.shard), results };
}

/** The campaign's result file: its summary, and for a shard every trial (what merge needs). */
export function campaignFile(config: CampaignConfig, results: TrialResult[], seconds: number, shard: Shard | null): CampaignFile {
  return {
    ...summaryOf(config, results, seconds),
    config,
    ...(shard === null ? {} : { shard, results }),
  };
}

/** The summary of a campaign's results (in any order), run in `seconds` of wall time. */
export function summaryOf(config: CampaignConfig, results: readonly TrialResult[], seconds: number): CampaignSummary {
  const hostLimited = results.filter((r) => r.outcome === 'host-limit').length;
  return {
    seed: config.seed,
    trials: results.length,
    digest: digestOf(results),
    ...(hostLimited === 0 ? {} : { hostLimited }),
    trialsPerSecond: Math.round((results.length / Math.max(1e-9, seconds)) * 10) / 10,
    rows: aggregate(results),
  };
}
