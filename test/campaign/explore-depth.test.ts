// Depth 2 of `curios explore`: a second fault inside the recovery of the first. The fragile server
// (test/fixtures/fragile, registered through a config file as a user's server is) has a bug that
// needs two faults: its recover writes every client's state before it is done, so a second crash
// inside it leaves states failing their checksum. Depth 1 tries every single crash point and finds
// nothing; depth 2 finds it, with crash seeds that replay, and finds nothing of the kind in its twin
// without the bug; the pair counts add up; the digest is the same with 1 and 2 workers and from
// merged shards.
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/campaign/config-file.ts';
import type { ExploreConfig } from '../../src/campaign/explore/config.ts';
import { BITS_ALL } from '../../src/campaign/explore/kinds.ts';
import { PAIRS_PER_POINT_MAX, secondPointsOf, windowOf } from '../../src/campaign/explore/pairs.ts';
import { isFailing } from '../../src/campaign/explore/outcomes.ts';
import { mergeExploreShards, runExplore, type ExploreRun } from '../../src/campaign/explore/run.ts';
import { exploreSeedsOf } from '../../src/campaign/explore/seeds.ts';
import type { Reach } from '../../src/faults/injector.ts';
import { replayTrial } from '../../src/campaign/replay.ts';
import { useCatalog } from '../../src/servers/catalog.ts';

const CONFIG = fileURLToPath(new URL('../fixtures/fragile/curios.config.ts', import.meta.url));

describe('explore --depth 2: the window of a first fault', () => {
  const reach: Reach = { accesses: { s: [4, 6, 3, 2] }, clients: {}, ops: {}, sites: [], recovery_accesses: { s: [3, 5] }, recovery_after: { s: [2, 3] }, cycles: 0 };

  it('is its first recovery and the request served first after it (a hand count)', () => {
    const w = windowOf(reach, 's');
    expect(w).toEqual({ recovery_accesses: 3, next_request: 3, next_accesses: 3 });
    expect(secondPointsOf(w!, 1)).toEqual([
      { at: 'recovery', n: 1, k: 1 },
      { at: 'recovery', n: 1, k: 2 },
      { at: 'recovery', n: 1, k: 3 },
      { at: 'request', n: 3 },
      { at: 'access', n: 3, k: 1 },
      { at: 'access', n: 3, k: 2 },
      { at: 'access', n: 3, k: 3 },
    ]);
    expect(secondPointsOf(w!, 2).filter((t) => t.at !== 'request')).toEqual([
      { at: 'recovery', n: 1, k: 1 },
      { at: 'recovery', n: 1, k: 3 },
      { at: 'access', n: 3, k: 1 },
      { at: 'access', n: 3, k: 3 },
    ]);
    expect(windowOf({ ...reach, recovery_accesses: {}, recovery_after: {} }, 's')).toBeNull();
    expect(windowOf({ ...reach, recovery_after: { s: [4] } }, 's')).toEqual({ recovery_accesses: 3, next_request: null, next_accesses: 0 });
  });
});

describe('explore --depth 2: a bug that needs two faults', () => {
  const cfg: ExploreConfig = { seed: 1, server: 'fragile', faults: ['crash'], modes: ['restart', 'curios'], commit: 'shadow', clients: 2, ops_per_client: 3, stride: 1, bits: [...BITS_ALL], depth: 1 };
  const deep: ExploreConfig = { ...cfg, depth: 2 };
  const run = (c: ExploreConfig, workers = 1, shard: { index: number; count: number } | null = null) => runExplore(c, { workers, shard, clock_ms: () => 0 });
  let one: ExploreRun;
  let two: ExploreRun;

  beforeAll(async () => {
    useCatalog(await loadCatalog(CONFIG));
    one = await run(cfg);
    two = await run(deep);
  }, 300_000);

  it('is not found at depth 1: every single crash point recovers under curios (under restart, the counters are lost)', () => {
    expect(one.file.classes.filter((c) => c.mode === 'curios').length).toBeGreaterThan(0);
    expect(one.file.classes.filter((c) => c.mode === 'curios' && c.failing)).toEqual([]);
    expect(one.file.classes.filter((c) => c.mode === 'restart' && c.failing).length).toBeGreaterThan(0);
    expect(one.file.pairs).toBeUndefined();
  });

  it('is found at depth 2, by a second crash inside recover, with a crash seed that replays', () => {
    const inRecover = two.results.filter((r) => r.second?.point.at === 'recovery' && isFailing(r.outcome));
    expect(inRecover.length).toBeGreaterThan(0);
    for (const r of inRecover) expect(r.signature).toMatch(/ESTALE|refused/);
    // Depth 2 keeps depth 1 as it was: the same single-fault trials, the same classes.
    expect(two.results.filter((r) => r.second === undefined).map((r) => [r.index, r.outcome, r.traceHash])).toEqual(one.results.map((r) => [r.index, r.outcome, r.traceHash]));
    const failing = two.file.classes.filter((c) => c.failing);
    expect(failing.filter((c) => c.mode === 'curios').length).toBeGreaterThan(0);
    for (const c of failing) expect(c.depth === 2 || c.mode === 'restart').toBe(true);
    expect(failing.some((c) => c.representative.second?.point.at === 'recovery')).toBe(true);
    const seeds = exploreSeedsOf(deep, two.file.classes, two.results);
    expect(seeds.length).toBe(failing.length);
    expect(seeds.filter((x) => x.class.startsWith('pair|curios|')).length).toBe(failing.filter((c) => c.depth === 2).length);
    for (const s of seeds) {
      expect(s.trial.plan.faults).toHaveLength(s.class.startsWith('pair|') ? 2 : 1);
      const again = replayTrial(s.trial);
      expect(again.outcome).toBe(s.found.outcome);
      expect(again.traceHash).toBe(s.found.traceHash);
    }
  });

  it('is not there in the twin whose recover only reads: a second crash inside its recover is recovered from', async () => {
    const sturdy = await run({ ...deep, server: 'sturdy' });
    const inRecover = sturdy.results.filter((r) => r.second?.point.at === 'recovery');
    expect(inRecover.length).toBeGreaterThan(0);
    expect(inRecover.filter((r) => isFailing(r.outcome))).toEqual([]);
  }, 300_000);

  it('states the bound: every pair of a first point that did not fail is tried, the others are pruned', () => {
    const [restart, curios] = two.file.pairs!;
    const pairs = two.results.filter((r) => r.second !== undefined);
    // under restart every first point fails: all its pairs are pruned
    expect(restart.mode).toBe('restart');
    expect(restart.pruned_firsts).toBe(restart.firsts);
    expect(restart.allowed).toBeGreaterThan(0);
    expect(restart.pruned).toBe(restart.allowed);
    expect(restart.tried).toBe(0);
    expect(curios.firsts).toBe(one.results.filter((r) => r.mode === 'curios' && r.outcome !== 'not-activated').length);
    expect(curios.pruned).toBe(0);
    expect(curios.tried).toBe(pairs.length);
    expect(curios.allowed).toBe(curios.tried);
    // each pair's second fault is a point of its first fault's window
    const byIndex = new Map(two.results.map((r) => [r.index, r]));
    for (const r of pairs) {
      const first = byIndex.get(Math.floor((r.index - one.results.length) / PAIRS_PER_POINT_MAX));
      expect(first?.second).toBeUndefined();
      expect(first?.window).not.toBeNull();
      expect(secondPointsOf(first!.window!, 1)).toContainEqual(r.second!.point);
    }
    expect(two.file.classes.reduce((n, c) => n + c.points, 0)).toBe(two.file.trials);
  });

  it('gives the same digest twice, with 2 workers, and merged from shards', async () => {
    expect((await run(deep)).file.digest).toBe(two.file.digest);
    expect((await run(deep, 2)).file.digest).toBe(two.file.digest);
    const merged = mergeExploreShards([(await run(deep, 1, { index: 2, count: 2 })).file, (await run(deep, 1, { index: 1, count: 2 })).file]).file;
    expect(merged.digest).toBe(two.file.digest);
    expect(merged.classes).toEqual(two.file.classes);
    expect(merged.pairs).toEqual(two.file.pairs);
  }, 300_000);
});
