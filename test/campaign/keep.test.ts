// The keep policy reads each mode's promises from the modes table: a trial is kept as a crash
// seed by default only when its outcome breaks what its mode promises for its fault's class;
// `all` keeps every failing trial; a host-limit trial is always kept. And the failure signature
// makes the same failure, found by two trials, one seed.
import { describe, expect, it } from 'vitest';
import { failureSignature } from '../../src/campaign/crash-seeds.ts';
import { brokenPromise, faultClassOf, keeps } from '../../src/campaign/keep.ts';
import type { Fault, FaultPlan } from '../../src/faults/model.ts';
import { MODES, modeSpec } from '../../src/ssr/modes.ts';
import { TRIAL_DEFAULTS, type TrialConfig } from '../../src/campaign/trial.ts';

const crash: Fault = { server: 'fs', kind: 'crash', trigger: { at: 'request', n: 3 } };
const heapFlip: Fault = { server: 'fs', kind: 'bitflip', trigger: { at: 'request', n: 3 }, target: 'heap', offset: 8, bit: 1 };
const ssrFlip: Fault = { server: 'fs', kind: 'bitflip', trigger: { at: 'request', n: 3 }, target: 'ssr', offset: 8, bit: 1 };
const plan = (...faults: Fault[]): FaultPlan => ({ version: 1, faults });

describe('the keep policy', () => {
  it('keeps nothing under none: it promises nothing', () => {
    for (const outcome of ['failed', 'silent-corruption', 'degraded-collateral'] as const) expect(keeps('broken', 'none', plan(crash), outcome)).toBe(false);
  });

  it('reads the promises of the modes table, per fault class', () => {
    for (const mode of MODES) {
      for (const f of [crash, heapFlip, ssrFlip]) {
        const promised = modeSpec(mode).promises[faultClassOf(f)] ?? [];
        expect(brokenPromise(mode, plan(f), 'failed')).toBe(promised.includes('live') ? 'live' : null);
        expect(brokenPromise(mode, plan(f), 'silent-corruption')).toBe(promised.includes('no-silent-corruption') ? 'no-silent-corruption' : null);
        expect(brokenPromise(mode, plan(f), 'degraded-collateral')).toBe(promised.includes('no-collateral') ? 'no-collateral' : null);
        for (const fine of ['masked', 'recovered', 'degraded', 'not-activated'] as const) expect(brokenPromise(mode, plan(f), fine)).toBeNull();
      }
    }
  });

  it('keeps a failed crash under restart and curios, not a heap corruption reaching others under curios', () => {
    expect(keeps('broken', 'restart', plan(crash), 'failed')).toBe(true);
    expect(keeps('broken', 'curios', plan(crash), 'silent-corruption')).toBe(true);
    expect(keeps('broken', 'curios', plan(heapFlip), 'degraded-collateral')).toBe(false);
    expect(keeps('broken', 'curios', plan(ssrFlip), 'degraded-collateral')).toBe(true);
  });

  it('holds a plan of several faults to what every one of them is promised', () => {
    expect(brokenPromise('curios', plan(crash, heapFlip), 'failed')).toBeNull();
    expect(brokenPromise('curios', plan(crash, ssrFlip), 'failed')).toBe('live');
  });

  it('keeps every failing trial with all, and a host-limit trial always', () => {
    expect(keeps('all', 'none', plan(crash), 'failed')).toBe(true);
    expect(keeps('all', 'restart', plan(heapFlip), 'silent-corruption')).toBe(true);
    expect(keeps('all', 'curios', plan(crash), 'degraded')).toBe(false);
    for (const mode of MODES) expect(keeps('broken', mode, plan(crash), 'host-limit')).toBe(true);
  });
});

describe('the failure signature', () => {
  const config = (workload_seed: number): TrialConfig => ({ target: 'prng', mode: 'none', commit: 'shadow', workload_seed, clients: 2, ops_per_client: 6, safety_bound_cycles: TRIAL_DEFAULTS.safety_bound_cycles, liveness_bound_cycles: TRIAL_DEFAULTS.liveness_bound_cycles, isolated: true });
  const prngCrash = (n: number): FaultPlan => plan({ server: 'prng', kind: 'crash', trigger: { at: 'request', n } });

  it('is the same for the same failure found by other workloads and triggers, and names what differed', () => {
    // Twelve trials (other workloads, other requests hit) make a handful of failures.
    const signatures = Array.from({ length: 12 }, (_, i) => failureSignature(config(11 + i), prngCrash(2 + (i % 3)), 'failed'));
    const distinct = new Set(signatures);
    expect(distinct.size).toBeLessThan(signatures.length);
    expect(distinct.size).toBeGreaterThan(0);
    const a = signatures[0];
    expect(JSON.parse(a)).toMatchObject({ server: 'prng', mode: 'none', faults: [{ kind: 'crash', trigger: 'request', site: null }], outcome: 'failed' });
    expect(JSON.parse(a).first).toMatch(/^prng\.(seed|next): OK → /);
  });

  it('differs when the mode, the fault kind or the outcome does', () => {
    const base = failureSignature(config(11), prngCrash(2), 'failed');
    expect(failureSignature({ ...config(11), mode: 'restart' }, prngCrash(2), 'failed')).not.toBe(base);
    expect(failureSignature(config(11), plan({ server: 'prng', kind: 'hang', trigger: { at: 'request', n: 2 } }), 'failed')).not.toBe(base);
    expect(failureSignature(config(11), prngCrash(2), 'silent-corruption')).not.toBe(base);
  });
});
