// Sharding: a campaign's cells split into n disjoint, deterministic slices, `--shard i/n`, with i
// counting from 1 as in vitest, Jest and Playwright (`1/2`, `2/2`). Shard i holds every n-th group
// of cells from group i − 1 (a campaign's group: one server × trial number, its cells one per
// fault kind, which share their golden runs; an exploration's cell is a group of its own), so the
// slices stay about equal whatever the servers and fault kinds, a group's golden runs are made in
// one shard, and the merge of the n result files is exactly the unsharded campaign (see merge.ts).
import type { Cell } from './campaign.ts';

/** Shard `index` of `count`: index counts from 1. */
export interface Shard {
  index: number;
  count: number;
}

/** More shards than this is a typo, not a batch job. */
export const SHARD_COUNT_MAX = 100_000;

/** Why `shard` is not a shard (the first thing wrong), or null. */
export function shardProblem(shard: Shard): string | null {
  if (!Number.isSafeInteger(shard.count) || shard.count < 1 || shard.count > SHARD_COUNT_MAX) return `the shard count must be between 1 and ${SHARD_COUNT_MAX}`;
  if (!Number.isSafeInteger(shard.index) || shard.index === 0) return `shards count from 1 (1/${shard.count} … ${shard.count}/${shard.count})`;
  if (shard.index < 1 || shard.index > shard.count) return `the shard index must be between 1 and ${shard.count}`;
  return null;
}

export function shardCells(cells: readonly Cell[], shard: Shard): Cell[] {
  return cells.filter((c) => (c.group ?? c.index) % shard.count === shard.index - 1);
}
