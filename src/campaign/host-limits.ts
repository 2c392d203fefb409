// The limits of the host a trial runs on, in one place. Every trial runs in a worker process with
// a bounded heap, and under a wall-clock budget: a server whose code allocates without bound, or
// loops in plain JavaScript (which no simulated watchdog sees, since it never touches simulated
// memory), or ends its process, stops its worker — never the campaign. (A stack overflow is a
// RangeError, which the kernel already turns into a processor exception of the server.) The trial is then recorded as
// `host-limit`, with the limit it broke: the one outcome that depends on the host rather than on
// the simulation (a bigger heap or a slower machine can change it).
import { armsOf, trialIndex, type CampaignConfig, type Cell } from './campaign.ts';
import { isExplore, type ExploreConfig } from './explore/config.ts';
import type { TrialResult } from './result-types.ts';

export const HOST_LIMITS = {
  heap_mb: 512, // old-generation heap of one worker process (node --max-old-space-size)
  budget_factor: 100, // a trial's wall-clock budget, in multiples of the mean wall time of the trials so far
  budget_floor_ms: 10_000, // the budget never goes below this (a loaded machine, the first trials)
  budget_max_ms: 86_400_000, // the largest budget --trial-budget takes: a day
  demo_budget_ms: 120_000, // the wall-clock budget of the whole demo (curios demo, curios piped): some twenty runs of a few hundred operations
  watchdog_period_ms: 100, // how often the pool looks at how long each worker has been in its trial
  stderr_kept_chars: 4_096, // the end of a worker's stderr kept, to tell why it died
} as const;

/** Which host limit a trial broke: its worker ran out of memory, ran past the budget, or its process ended otherwise (a server's code called process.exit, say). */
export const HOST_LIMIT_KINDS = ['memory', 'wall-clock', 'worker-exit'] as const;
export type HostLimit = (typeof HOST_LIMIT_KINDS)[number];

/** What breaking `limit` means, after the name of what broke it ("the demo ran past …"); `budget_ms`: the wall-clock budget it had. */
export function hostLimitSaid(limit: HostLimit, budget_ms: number): string {
  switch (limit) {
    case 'memory':
      return `ran its worker process out of its ${HOST_LIMITS.heap_mb} MB heap`;
    case 'wall-clock':
      return `ran past its wall-clock budget of ${Math.round(budget_ms)} ms`;
    case 'worker-exit':
      return 'ended its worker process';
  }
}

/** The result of the trial at `index` (of `cell`) that broke `limit`: no trace, no cycles. */
export function hostLimitResult(cfg: CampaignConfig | ExploreConfig, cell: Cell, index: number, limit: HostLimit): TrialResult {
  const arm = isExplore(cfg) ? { mode: cell.point?.mode ?? cfg.modes[0], commit: cfg.commit } : armsOf(cfg)[index - trialIndex(cfg, cell, 0)];
  return { index, server: cell.server, fault: cell.fault, mode: arm.mode, commit: arm.commit, outcome: 'host-limit', traceHash: '', recoverCycles: null, overheadCycles: 0, ops: 0, hostLimit: limit };
}

/** The wall-clock budget of one trial, given the mean wall time of the trials so far (null: none yet). */
export function trialBudgetMs(mean_trial_ms: number | null): number {
  return Math.max(HOST_LIMITS.budget_floor_ms, HOST_LIMITS.budget_factor * (mean_trial_ms ?? 0));
}
