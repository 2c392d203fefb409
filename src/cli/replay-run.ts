// Where `curios replay` runs its trial, so that nothing a server does can hang or kill this
// process (docs/crash-seeds.md, "Replay and the host"):
// - a trial of a built-in server whose recorded outcome is known and is not host-limit runs here,
//   under a wall-clock budget. node:vm's `timeout` stops whatever JavaScript runs past it — the
//   simulator and the server code it calls included: V8 terminates the execution, which no
//   try/catch in the kernel can catch — and the trial is then host-limit (wall-clock), as in a
//   worker. Memory needs no bound here: a replay is a pure function of the trial, and this one ran
//   within the worker's heap bound when it was found; the built-in servers keep their state in
//   simulated memory. Starting no process is what makes a replay take a fraction of a second.
// - anything else (a user's server, whose code may do anything; a trial without a recorded
//   outcome; one that broke a host limit) runs in a worker process under the host limits
//   (replayIsolated), as it did in its campaign.
import { runInNewContext } from 'node:vm';
import { trialBudgetMs } from '../campaign/host-limits.ts';
import { replayIsolated } from '../campaign/pool.ts';
import type { Replayed, TrialData } from '../campaign/replay.ts';
import { replayWithStory } from '../campaign/story.ts';
import { activeCatalog } from '../servers/catalog.ts';

export type ReplayPlace = 'this process' | 'a worker process';

/** Where a trial is replayed (see the header). */
export function replayPlace(data: TrialData): ReplayPlace {
  const expected = data.expected?.outcome;
  if (expected === undefined || expected === 'host-limit') return 'a worker process';
  return activeCatalog().sourceOf(data.config.target) === null ? 'this process' : 'a worker process';
}

/** Replays a trial where replayPlace says, within `budget_ms` of wall-clock time. */
export function replayContained(data: TrialData, budget_ms: number = trialBudgetMs(null)): Promise<Replayed> {
  if (replayPlace(data) === 'a worker process') return replayIsolated(data, budget_ms);
  const ran = runWithin(budget_ms, () => replayWithStory(data));
  return Promise.resolve(ran.done ? ran.value : { outcome: 'host-limit', hostLimit: 'wall-clock', traceHash: '', lines: [] });
}

/**
 * Runs `f` in this process, stopped if it runs past `budget_ms` (however it spends them: a loop in
 * plain JavaScript too). Only a synchronous `f`: what it leaves for later is not timed.
 */
export function runWithin<T>(budget_ms: number, f: () => T): { done: true; value: T } | { done: false } {
  try {
    return { done: true, value: runInNewContext('f()', { f }, { timeout: budget_ms }) as T };
  } catch (e) {
    // By its code, not instanceof: the error may come from another realm than this module's.
    if (typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return { done: false };
    throw e;
  }
}
