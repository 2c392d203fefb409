// What each mode promises per fault class, and which outcomes break it: the keep policy for crash
// seeds reads this ("store only trials that break what their mode promises").
import { describe, expect, it } from 'vitest';
import { BROKEN_BY, brokenPromises, faultClassOf } from '../../src/campaign/promises.ts';
import { OUTCOMES } from '../../src/campaign/result-types.ts';
import type { Fault } from '../../src/faults/model.ts';
import { GUARANTEES, MODES } from '../../src/ssr/modes.ts';

const crash: Fault = { server: 'fs', kind: 'crash', trigger: { at: 'request', n: 1 } };
const heapFlip: Fault = { server: 'fs', kind: 'bitflip', trigger: { at: 'request', n: 1 }, target: 'heap', offset: 0, bit: 0 };
const ssrFlip: Fault = { ...heapFlip, target: 'other-ssr' };
const reply: Fault = { server: 'fs', kind: 'msg-corrupt', trigger: { at: 'request', n: 1 }, word: 0, bit: 0 };

describe('promises', () => {
  it('classes faults by what they do', () => {
    expect([crash, heapFlip, ssrFlip, reply].map(faultClassOf)).toEqual(['fail-stop', 'global-state', 'client-state', 'reply']);
  });

  it('every guarantee is broken by some outcome, and the good outcomes break none', () => {
    for (const g of GUARANTEES) expect(BROKEN_BY[g].length).toBeGreaterThan(0);
    for (const m of MODES) for (const f of [crash, heapFlip, ssrFlip, reply]) for (const o of ['masked', 'recovered', 'degraded', 'not-activated'] as const) expect(brokenPromises(m, [f], o)).toEqual([]);
  });

  it('none promises nothing; curios promises a crash no collateral and no silent corruption', () => {
    for (const o of OUTCOMES) expect(brokenPromises('none', [crash], o)).toEqual([]);
    expect(brokenPromises('curios', [crash], 'degraded-collateral')).toEqual(['no-collateral']);
    expect(brokenPromises('curios', [crash], 'silent-corruption')).toEqual(['no-silent-corruption']);
    expect(brokenPromises('restart', [crash], 'silent-corruption')).toEqual([]);
    expect(brokenPromises('restart', [crash], 'failed')).toEqual(['live']);
  });

  it('holds a trial only to what its mode promises for the class of fault', () => {
    expect(brokenPromises('curios', [ssrFlip], 'degraded-collateral')).toEqual(['no-collateral']);
    expect(brokenPromises('curios', [heapFlip], 'degraded-collateral')).toEqual([]);
    expect(brokenPromises('persist', [ssrFlip], 'degraded-collateral')).toEqual([]);
    // a plan mixing classes: only what holds for every fault in it
    expect(brokenPromises('curios', [crash, heapFlip], 'silent-corruption')).toEqual([]);
    expect(brokenPromises('curios', [crash, ssrFlip], 'degraded-collateral')).toEqual(['no-collateral']);
  });
});
