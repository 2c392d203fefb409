import { describe, expect, it } from 'vitest';
import type { ExploreConfig } from '../../src/campaign/explore/config.ts';
import { BITS_ALL } from '../../src/campaign/explore/kinds.ts';
import { classesOf, exploreCells, mergeExploreShards, runExplore, spaceOf } from '../../src/campaign/explore/run.ts';
import { pointsOf } from '../../src/campaign/explore/space.ts';
import { damageOf, exploreTrials, goldenOf, signatureOf, type ExploreResult } from '../../src/campaign/explore/trials.ts';
import { latentDifferences } from '../../src/campaign/oracle.ts';
import type { EndState } from '../../src/servers/end-state.ts';
import { reaches } from '../../src/campaign/trial.ts';
import type { Reach } from '../../src/faults/injector.ts';

const reach = (accesses: number[], sites: string[]): Reach => ({ accesses: { fs: accesses }, clients: { fs: accesses.map(() => 0) }, ops: { fs: accesses.map((_, i) => i) }, sites, recovery_accesses: {}, recovery_after: {}, cycles: 0 });

describe('explore: the fault space', () => {
  it('holds every request, every access of each request and every site of the server (a hand count)', () => {
    const points = pointsOf(reach([3, 0, 2], ['fs/a', 'net/b']), 'fs', 1);
    expect(points).toEqual([
      { at: 'request', n: 1 },
      { at: 'request', n: 2 },
      { at: 'request', n: 3 },
      { at: 'access', n: 1, k: 1 },
      { at: 'access', n: 1, k: 2 },
      { at: 'access', n: 1, k: 3 },
      { at: 'access', n: 3, k: 1 },
      { at: 'access', n: 3, k: 2 },
      { at: 'site', name: 'a', p_on: 1, p_fire: 1 },
    ]);
  });

  it('with a stride K takes every K-th access of each request, from its first', () => {
    const points = pointsOf(reach([5, 1, 2], []), 'fs', 2).filter((t) => t.at === 'access');
    expect(points).toEqual([
      { at: 'access', n: 1, k: 1 },
      { at: 'access', n: 1, k: 3 },
      { at: 'access', n: 1, k: 5 },
      { at: 'access', n: 2, k: 1 },
      { at: 'access', n: 3, k: 1 },
    ]);
  });

  it('on a real workload: every point is reached by the golden run, and one access past a request is not', () => {
    const cfg: ExploreConfig = { seed: 7, server: 'timer', faults: ['crash'], modes: ['curios'], commit: 'shadow', clients: 1, ops_per_client: 3, stride: 1, bits: [...BITS_ALL], depth: 1 };
    const { reach: r } = goldenOf(cfg, 'curios').golden;
    const cells = exploreCells(cfg);
    const per = r.accesses.timer;
    expect(cells.length).toBe(per.length + per.reduce((a, b) => a + b, 0) + r.sites.filter((s) => s.startsWith('timer/')).length);
    for (const c of cells) expect(reaches(r, { server: 'timer', kind: 'crash', trigger: c.point!.trigger })).toBe(true);
    per.forEach((count, i) => expect(reaches(r, { server: 'timer', kind: 'crash', trigger: { at: 'access', n: i + 1, k: count + 1 } })).toBe(false));
  });
});

describe('explore: latent corruption is split by its damage', () => {
  const fsEnd = (problems: string[], client1: string): EndState => [{ server: 'fs', down: false, clients: ['a', client1, 'c'], global: { problems } }];
  const golden = fsEnd([], 'b');
  const latent = (index: number, problems: string[], client1 = 'b'): ExploreResult => {
    const damage = damageOf(latentDifferences(golden, fsEnd(problems, client1)));
    return { index, server: 'fs', fault: 'crash', mode: 'curios', commit: 'shadow', outcome: 'latent-corruption', traceHash: String(index), recoverCycles: null, overheadCycles: 0, ops: 48, point: { at: 'request', n: index + 1 }, divergence: null, damage, signature: signatureOf('latent-corruption', null, damage) };
  };

  it('one class per kind of damage the oracle found, whichever inode or block it names; a client keeps its number', () => {
    const results = [
      latent(0, ['inode 2: in use in the inode bitmap, free in the inode table', 'block 11: in use in the block bitmap, in no inode (leaked)']),
      latent(1, ['block 13: in use in the block bitmap, in no inode (leaked)', 'inode 6: in use in the inode bitmap, free in the inode table']),
      latent(2, ['block 15: in use in the block bitmap, in no inode (leaked)']),
      latent(3, ['block 16: in use in the block bitmap, in no inode (leaked)', 'block 17: in use in the block bitmap, in no inode (leaked)']),
      latent(4, [], 'x'),
      latent(5, ['inode 9: a live file named in no directory (orphan)']),
    ];
    const classes = classesOf(results);
    expect(classes.map((c) => [c.points, c.damage])).toEqual([
      [2, ['fs: block N: in use in the block bitmap, in no inode (leaked)', 'fs: inode N: in use in the inode bitmap, free in the inode table']],
      [2, ['fs: block N: in use in the block bitmap, in no inode (leaked)']],
      [1, ["fs: client 1's state differs"]],
      [1, ['fs: inode N: a live file named in no directory (orphan)']],
    ]);
    expect(new Set(classes.map((c) => c.signature)).size).toBe(classes.length);
    expect(classes.every((c) => c.signature.startsWith('latent-corruption: '))).toBe(true);
  });
});

describe('explore: runs', () => {
  // every kind: those that are only a trigger, and those with fields (a few bits of each word)
  const cfg: ExploreConfig = { seed: 3, server: 'timer', faults: ['crash', 'hang', 'bitflip', 'regflip', 'wild-write', 'msg-corrupt'], modes: ['restart', 'curios'], commit: 'shadow', clients: 2, ops_per_client: 2, stride: 4, bits: [0, 31], depth: 1 };
  const run = (workers: number, shard: { index: number; count: number } | null = null) => runExplore(cfg, { workers, shard, clock_ms: () => 0 });

  it('gives the same digest twice, with 1 and 2 workers, and merged from shards', async () => {
    const one = await run(1);
    const again = await run(1);
    const two = await run(2);
    expect(again.file.digest).toBe(one.file.digest);
    expect(two.file.digest).toBe(one.file.digest);
    const merged = mergeExploreShards([(await run(1, { index: 2, count: 2 })).file, (await run(1, { index: 1, count: 2 })).file]).file;
    expect(merged.digest).toBe(one.file.digest);
    expect(merged.classes).toEqual(one.file.classes);
    expect(one.file.trials).toBe(exploreCells(cfg).length);
    // every trial lands in exactly one class
    expect(one.file.classes.reduce((n, c) => n + c.points, 0)).toBe(one.file.trials);
  }, 120_000);
});

describe('explore: the known case', { tags: ['slow'] }, () => {
  it('under curios, a crash mid-unlink after the disk changed is retried into ENOENT: a failing class of fs', () => {
    const cfg: ExploreConfig = { seed: 1, server: 'fs', faults: ['crash'], modes: ['curios'], commit: 'shadow', clients: 3, ops_per_client: 16, stride: 1, bits: [...BITS_ALL], depth: 1 };
    const [space] = spaceOf(cfg);
    const unlinks = new Set(space.calls.flatMap((c, i) => (c.op === 'unlink' ? [i + 1] : [])));
    expect(unlinks.size).toBeGreaterThan(0);
    const cells = exploreCells(cfg).filter((c) => c.point!.trigger.at === 'access' && unlinks.has(c.point!.trigger.n));
    const results = cells.flatMap((c) => [...exploreTrials(cfg, c, 0)]);
    const classes = classesOf(results);
    expect(classes.find((c) => c.failing && c.signature.startsWith('degraded: ') && c.signature.endsWith('fs.unlink → ENOENT'))).toBeDefined();
  }, 300_000);
});
