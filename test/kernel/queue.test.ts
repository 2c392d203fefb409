// The kernel's queues lose an element without splice's allocation (src/kernel/queue.ts): it must
// still be exactly "remove the first occurrence, keep the order of the rest".
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { removeFromQueue } from '../../src/kernel/queue.ts';

describe('removeFromQueue', () => {
  it('removes the first occurrence and keeps the rest in order, as indexOf + splice would', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 10 }), fc.integer({ min: 0, max: 6 }), (list, item) => {
        const expected = list.slice();
        const i = expected.indexOf(item);
        if (i >= 0) expected.splice(i, 1);
        const got = list.slice();
        expect(removeFromQueue(got, item)).toBe(i >= 0);
        expect(got).toEqual(expected);
      }),
    );
  });
});
