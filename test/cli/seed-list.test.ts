// `curios seeds list`: each line names the seed's server, fault kinds, mode and outcome within
// 100 columns, and the filters keep exactly the seeds that match every one given.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { faultCell, formatSeedHeader, formatSeedLine, matchesSeedFilter, seedFaultKinds } from '../../src/cli/seed-list.ts';
import { FAULT_KINDS } from '../../src/faults/model.ts';
import { OUTCOMES } from '../../src/campaign/result-types.ts';
import { MODES } from '../../src/ssr/modes.ts';
import type { SeedRecord } from '../../src/store/index.ts';

const SERVERS = ['prng', 'fs', 'net', 'sched'];

const seedArb = fc.record({
  id: fc.stringMatching(/^[0-9a-f]{12}$/),
  server: fc.constantFrom(...SERVERS),
  kinds: fc.uniqueArray(fc.constantFrom(...FAULT_KINDS), { minLength: 1, maxLength: 3 }),
  mode: fc.constantFrom(...MODES),
  outcome: fc.constantFrom(...OUTCOMES),
}).map(({ id, server, kinds, mode, outcome }): SeedRecord => ({
  id,
  dedupKey: id.padEnd(64, '0'),
  config: { target: server },
  workloadSeed: 1,
  plan: { version: 1, faults: kinds.map((kind) => ({ server, kind, trigger: { at: 'request', n: 1 } })) },
  mode,
  outcome,
  traceHash: '0'.repeat(64),
  version: '0.1.0',
  createdAt: '2026-11-27T15:30:12.345Z',
}));

describe('seeds list', () => {
  it('a line holds the server, every fault kind, the mode and the outcome, under 100 columns', () => {
    fc.assert(
      fc.property(seedArb, (seed) => {
        const line = formatSeedLine(seed);
        expect(line.length).toBeLessThanOrEqual(100);
        const words = line.split(/\s+/);
        expect(words.slice(0, 5)).toEqual([seed.id, (seed.config as { target: string }).target, faultCell(seedFaultKinds(seed)), seed.mode, seed.outcome]);
        expect(line.endsWith('2026-11-27 15:30')).toBe(true);
      }),
    );
    expect(faultCell(['crash', 'hang'])).toBe('crash+hang');
    expect(faultCell(['msg-corrupt', 'wild-write', 'crash'])).toBe('msg-corrupt+2');
    expect(formatSeedHeader().split(/\s+/)).toEqual(['id', 'server', 'fault', 'mode', 'outcome', 'found']);
  });

  it('a filter keeps a seed exactly when every field given matches', () => {
    fc.assert(
      fc.property(seedArb, fc.option(fc.constantFrom(...SERVERS), { nil: undefined }), fc.option(fc.constantFrom(...FAULT_KINDS), { nil: undefined }), fc.option(fc.constantFrom(...MODES), { nil: undefined }), fc.option(fc.constantFrom(...OUTCOMES), { nil: undefined }), (seed, server, fault, mode, outcome) => {
        const expected = (server === undefined || server === (seed.config as { target: string }).target) && (fault === undefined || seedFaultKinds(seed).includes(fault)) && (mode === undefined || mode === seed.mode) && (outcome === undefined || outcome === seed.outcome);
        expect(matchesSeedFilter(seed, { server, fault, mode, outcome })).toBe(expected);
      }),
    );
  });
});
