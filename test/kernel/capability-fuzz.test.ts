// The capability fuzzer (issue 15), in two sizes: a CI-sized run in the default suite, and a
// million fuzzed system calls tagged slow. Its properties and the attacker are in
// test/helpers/capability-fuzzer.ts; capability-fuzz-planted.test.ts shows that it catches a
// kernel that ignores a right or forges a badge.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzRun, syscallArb } from '../helpers/capability-fuzzer.ts';

const CALLS_PER_RUN_MAX = 60;

describe('capability fuzzer', () => {
  it('no unauthorized reach, no forged badge, honest results exact, no panic (CI-sized)', () => {
    let issued = 0;
    let served = 0;
    fc.assert(
      fc.property(fc.array(syscallArb, { minLength: CALLS_PER_RUN_MAX / 2, maxLength: CALLS_PER_RUN_MAX }), (calls) => {
        const out = fuzzRun(calls);
        issued += out.calls_issued;
        served += out.attacker_calls_served;
        expect(out.violations).toEqual([]);
      }),
      { numRuns: 150 },
    );
    // Coverage: thousands of calls, and some of the attacker's got past decode to the server.
    expect(issued).toBeGreaterThan(3_000);
    expect(served).toBeGreaterThan(20);
  });
});

describe('capability fuzzer, one million calls', { tags: ['slow'] }, () => {
  it('no unauthorized reach, no forged badge, honest results exact, no panic', { timeout: 1_800_000 }, () => {
    const CALLS_MIN = 1_000_000;
    let issued = 0;
    fc.assert(
      fc.property(fc.array(syscallArb, { minLength: 400, maxLength: 600 }), (calls) => {
        const out = fuzzRun(calls);
        issued += out.calls_issued;
        expect(out.violations).toEqual([]);
      }),
      { numRuns: 2_200 },
    );
    expect(issued).toBeGreaterThanOrEqual(CALLS_MIN);
  });
});
