// A property: any sequence of adds and removes leaves the store holding what a plain in-memory
// list says it should, both while it is open and after it is reopened from disk.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedId } from '../../src/store/dedup.ts';
import { StoreError } from '../../src/store/errors.ts';
import type { SeedRecord } from '../../src/store/records.ts';
import { openStore } from '../../src/store/store.ts';
import { makeTempDir, sampleSeed } from './fixtures/seeds.ts';

type Operation = { kind: 'add'; n: number } | { kind: 'remove'; pick: number };

// Few distinct seeds, so that sequences add the same seed twice and remove what they added.
const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), n: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('remove' as const), pick: fc.nat({ max: 15 }) }),
);

/** A seed as the model knows it: everything but the time the store stamped on it. */
function withoutTime({ createdAt: _createdAt, ...rest }: SeedRecord): Omit<SeedRecord, 'createdAt'> {
  return rest;
}

let dir: string;
let run = 0;

beforeAll(() => {
  dir = makeTempDir();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('Store against an in-memory model', () => {
  it('holds the model\'s seeds, in order, before and after a reopen', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 25 }), (operations) => {
        const dbPath = join(dir, `run-${run++}`, 'db.json');
        const model: Omit<SeedRecord, 'createdAt'>[] = [];
        const store = openStore(dbPath);
        for (const op of operations) {
          if (op.kind === 'add') {
            const input = sampleSeed(op.n);
            const expected = { ...input, id: seedId(input.dedupKey) };
            const known = model.some((seed) => seed.dedupKey === input.dedupKey);
            const result = store.addSeed(input);
            expect(result.added).toBe(!known);
            expect(withoutTime(result.seed)).toEqual(expected);
            if (!known) model.push(expected);
          } else if (model.length === 0) {
            expect(() => store.removeSeed(seedId(sampleSeed(op.pick).dedupKey))).toThrow(StoreError);
          } else {
            const victim = model[op.pick % model.length];
            expect(withoutTime(store.removeSeed(victim.id))).toEqual(victim);
            model.splice(model.indexOf(victim), 1);
          }
        }
        expect(store.listSeeds().map(withoutTime)).toEqual(model);
        const before = store.listSeeds();
        store.close();

        const reopened = openStore(dbPath);
        const after = reopened.listSeeds();
        reopened.close();
        expect(after.map(withoutTime)).toEqual(model);
        expect(after).toEqual(before);
      }),
      { numRuns: 60 },
    );
  });
});
