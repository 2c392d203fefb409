// The crash seeds of an exploration: one per failing class, its representative point as it was
// (not shrunk: shrinking moves the trigger, and with it the class), replayed once with its trace
// captured — what `curios replay` checks. A class of host-limit trials has no seed (its replay
// would stop this process; `curios explore` says so).
import type { CrashSeed } from '../crash-seeds.ts';
import { replayTrial } from '../replay.ts';
import { trialConfigOf, type ExploreConfig } from './config.ts';
import { classKey } from './statements.ts';
import type { ExploreClass } from './run.ts';
import { planOf, type ExploreResult } from './trials.ts';

export interface ClassSeed extends CrashSeed {
  /** the class it stands for (classKey) */
  class: string;
}

export function exploreSeedsOf(cfg: ExploreConfig, classes: readonly ExploreClass[], results: readonly ExploreResult[]): ClassSeed[] {
  const byIndex = new Map(results.map((r) => [r.index, r]));
  return classes.flatMap((c) => {
    const found = byIndex.get(c.representative.index);
    if (!c.failing || c.outcome === 'host-limit' || found === undefined) return [];
    const trial = { config: trialConfigOf(cfg, c.mode), plan: planOf(cfg.server, c.representative.fault, c.representative.point, c.representative.fields, c.representative.second) };
    const replayed = replayTrial(trial);
    return [{ class: classKey(c), found, trial, outcome: replayed.outcome, traceHash: replayed.traceHash, lines: replayed.lines, shrink_runs: 0, signature: null }];
  });
}
