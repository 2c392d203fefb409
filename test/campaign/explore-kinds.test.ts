// The points of the kinds with fields (src/campaign/explore/kinds.ts): a hand count over a made-up
// golden run, then, on a real one, every point is one the golden run reaches and a sample of each
// kind fires where it is placed.
import { describe, expect, it } from 'vitest';
import type { ExploreConfig } from '../../src/campaign/explore/config.ts';
import { BITS_ALL, kindPoints } from '../../src/campaign/explore/kinds.ts';
import { exploreCells } from '../../src/campaign/explore/run.ts';
import { goldenOf, planOf } from '../../src/campaign/explore/trials.ts';
import { trialConfigOf } from '../../src/campaign/explore/config.ts';
import { reaches, runTrial } from '../../src/campaign/trial.ts';
import type { Reach } from '../../src/faults/injector.ts';
import type { Fault } from '../../src/faults/model.ts';

// Two requests: the first loads heap word +8 and client 1's state word +4 (and stores once, a bulk load);
// the second loads heap +0 and +8, stores, and stores in bulk; replies of 2 and 0 words.
const reach: Reach = {
  accesses: { s: [4, 4] },
  clients: { s: [0, 1] },
  ops: { s: [0, 0] },
  sites: ['s/x'],
  recovery_accesses: {},
  recovery_after: {},
  cycles: 0,
  access_kinds: { s: ['rrwR', 'rrwW'] },
  detail: { s: { heap_reads: [[8], [0, 8]], state_reads: [[132], []], reply_words: [2, 0] } },
};
const knobs = { stride: 1, bits: [0, 9, 31], seed: 1 };

describe('explore: the points of the kinds with fields (a hand count)', () => {
  it('bitflip: at rest after each request, each bit asked of each heap or state word the next request loads', () => {
    expect(kindPoints('bitflip', reach, 's', knobs)).toEqual([
      { trigger: { at: 'rest', n: 1 }, fields: { target: 'heap', offset: 0, bit: 0 } },
      { trigger: { at: 'rest', n: 1 }, fields: { target: 'heap', offset: 1, bit: 1 } },
      { trigger: { at: 'rest', n: 1 }, fields: { target: 'heap', offset: 3, bit: 7 } },
      { trigger: { at: 'rest', n: 1 }, fields: { target: 'heap', offset: 8, bit: 0 } },
      { trigger: { at: 'rest', n: 1 }, fields: { target: 'heap', offset: 9, bit: 1 } },
      { trigger: { at: 'rest', n: 1 }, fields: { target: 'heap', offset: 11, bit: 7 } },
    ]);
    expect(kindPoints('bitflip', reach, 's', { ...knobs, bits: BITS_ALL })).toHaveLength(2 * 32);
  });

  it('regflip: at each access, the value loaded or stored (not a bulk one) and the address, each bit asked', () => {
    const points = kindPoints('regflip', reach, 's', knobs);
    // per request: r r w → 2 targets each, R/W → the address only: 7 targets × 3 bits
    expect(points).toHaveLength(2 * 7 * 3);
    expect(points.slice(0, 6)).toEqual([
      { trigger: { at: 'access', n: 1, k: 1 }, fields: { target: 'load', bit: 0 } },
      { trigger: { at: 'access', n: 1, k: 1 }, fields: { target: 'load', bit: 9 } },
      { trigger: { at: 'access', n: 1, k: 1 }, fields: { target: 'load', bit: 31 } },
      { trigger: { at: 'access', n: 1, k: 1 }, fields: { target: 'address', bit: 0 } },
      { trigger: { at: 'access', n: 1, k: 1 }, fields: { target: 'address', bit: 9 } },
      { trigger: { at: 'access', n: 1, k: 1 }, fields: { target: 'address', bit: 31 } },
    ]);
    expect(points.filter((p) => p.trigger.at === 'access' && p.trigger.k === 3).map((p) => p.fields.target)).toEqual(['store', 'store', 'store', 'address', 'address', 'address', 'store', 'store', 'store', 'address', 'address', 'address']);
    expect(points.filter((p) => p.trigger.at === 'access' && p.trigger.k === 4).map((p) => p.fields.target)).toEqual(Array(6).fill('address'));
  });

  it('wild-write: at each store, each region, at an offset drawn from the seed (the same each time)', () => {
    const points = kindPoints('wild-write', reach, 's', knobs);
    expect(points.map((p) => [p.trigger, p.fields.region])).toEqual(
      [{ at: 'access', n: 1, k: 3 }, { at: 'access', n: 2, k: 3 }, { at: 'access', n: 2, k: 4 }].flatMap((t) => ['heap', 'other-state', 'random'].map((r) => [t, r])),
    );
    expect(kindPoints('wild-write', reach, 's', knobs)).toEqual(points);
    expect(new Set(points.map((p) => p.fields.offset)).size).toBe(points.length);
  });

  it('msg-corrupt: at each request, each bit asked of each reply word and of one word past them', () => {
    const points = kindPoints('msg-corrupt', reach, 's', knobs);
    expect(points.map((p) => [p.trigger, p.fields.word, p.fields.bit])).toEqual([
      ...[0, 1, 2].flatMap((w) => [0, 9, 31].map((b) => [{ at: 'request', n: 1 }, w, b])),
      ...[0, 9, 31].map((b) => [{ at: 'request', n: 2 }, 0, b]),
    ]);
  });

  it('with a stride, every K-th access (or word)', () => {
    expect(kindPoints('wild-write', reach, 's', { ...knobs, stride: 2 }).map((p) => p.trigger)).toEqual([...Array(3).fill({ at: 'access', n: 1, k: 3 }), ...Array(3).fill({ at: 'access', n: 2, k: 3 })]);
    expect(kindPoints('bitflip', reach, 's', { ...knobs, stride: 2 })).toHaveLength(3);
  });
});

describe('explore: the points of the kinds with fields, on a real workload', () => {
  const cfg: ExploreConfig = { seed: 3, server: 'timer', faults: ['bitflip', 'regflip', 'wild-write', 'msg-corrupt'], modes: ['curios', 'restart'], commit: 'shadow', clients: 2, ops_per_client: 2, stride: 1, bits: [5], depth: 1 };

  it('every point is reached by the golden run, and a sample of each kind fires where it is placed', () => {
    const cells = exploreCells(cfg);
    for (const kind of cfg.faults) expect(cells.filter((c) => c.fault === kind).length).toBeGreaterThan(0);
    for (const mode of cfg.modes) {
      const { golden } = goldenOf(cfg, mode);
      const mine = cells.filter((c) => c.point!.mode === mode);
      for (const c of mine) expect(reaches(golden.reach, { server: 'timer', kind: c.fault, trigger: c.point!.trigger, ...c.point!.fields } as Fault)).toBe(true);
      // every 7th point of each kind: its fault fires (a flip at rest flips a mapped word; a regflip finds its access)
      for (const kind of cfg.faults) {
        for (const c of mine.filter((x) => x.fault === kind).filter((_, i) => i % 7 === 0)) {
          const run = runTrial(trialConfigOf(cfg, mode), planOf('timer', kind, c.point!.trigger, c.point!.fields), golden);
          expect(run.fired.map((f) => f.kind), `${kind} at ${JSON.stringify(c.point)}`).toEqual([kind]);
        }
      }
    }
  }, 120_000);
});
