// The one verdict the demo, the campaigns and the dashboard count with.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isError, judge } from '../../src/campaign/verdict.ts';
import type { Observation } from '../../src/servers/framework/module.ts';
import { STALE_STATUSES } from '../../src/servers/framework/status.ts';

const status = fc.constantFrom('OK', 'EBADF', 'ESTALE', 'ENOENT', 'EABORTED', 'EDEAD', 'EAGAIN');
const observation: fc.Arbitrary<Observation> = fc.record({ status, value: fc.array(fc.nat({ max: 9 }), { maxLength: 2 }) }) as fc.Arbitrary<Observation>;

describe('judge', () => {
  it('sorts every pair of observations into exactly the class its definition gives', () => {
    fc.assert(
      fc.property(observation, observation, (golden, seen) => {
        const same = golden.status === seen.status && JSON.stringify(golden.value) === JSON.stringify(seen.value);
        const error = seen.status !== 'OK' && seen.status !== golden.status;
        const expected = same ? 'same' : error ? (STALE_STATUSES.has(seen.status) ? 'stale' : 'error') : seen.status === 'OK' && golden.status === 'OK' ? 'wrong' : 'other';
        const v = judge(golden, seen);
        expect(v).toBe(expected);
        expect(isError(v)).toBe(error && !same);
      }),
    );
  });

  it('an observation is the same as itself', () => {
    fc.assert(
      fc.property(observation, (o) => {
        expect(judge(o, { ...o, value: [...o.value] })).toBe('same');
      }),
    );
  });
});
