// Every shard file is checked as a whole before merge uses it. A property: any one random change
// to a valid shard file — a field removed, replaced by any JSON value, a trial dropped or doubled —
// is either refused (a ShardFileError naming the file, which the command line prints as one line
// with exit 2) or merges to the true result. Never another exception, never a wrong answer.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { armsOf, cellsOf, type CampaignConfig } from '../../src/campaign/campaign.ts';
import { mergeShards, ShardFileError } from '../../src/campaign/merge.ts';
import { campaignFile, runCampaign, type CampaignFile } from '../../src/campaign/run.ts';
import { shardCells } from '../../src/campaign/shard.ts';
import { identity } from '../helpers/campaign-file.ts';

const config: CampaignConfig = { seed: 9, servers: ['prng', 'timer'], faults: ['crash', 'bitflip'], modes: ['restart', 'curios'], trials: 2, commits: ['shadow'], clients: 2, ops_per_client: 5 };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

let whole: CampaignFile;
const shards: Json[] = [];

beforeAll(async () => {
  const run = await runCampaign(config, { workers: 1, shard: null, clock_ms: () => 0 });
  whole = run.file;
  for (const index of [1, 2]) {
    const shard = { index, count: 2 };
    const cells = new Set(shardCells(cellsOf(config), shard).map((c) => c.index));
    const results = run.results.filter((r) => cells.has(Math.floor(r.index / armsOf(config).length)));
    shards.push(JSON.parse(JSON.stringify(campaignFile(config, results, 1, shard))) as Json);
  }
});

/** Every path to a value in a JSON document. */
function paths(doc: Json, at: (string | number)[] = []): (string | number)[][] {
  const here = [at];
  if (Array.isArray(doc)) return [...here, ...doc.flatMap((v, i) => paths(v, [...at, i]))];
  if (doc !== null && typeof doc === 'object') return [...here, ...Object.entries(doc).flatMap(([k, v]) => paths(v, [...at, k]))];
  return here;
}

type Change = { kind: 'remove' } | { kind: 'replace'; value: Json } | { kind: 'double' };

/** `doc` with one change at `path` (a copy). */
function changed(doc: Json, path: (string | number)[], change: Change): Json {
  const copy = structuredClone(doc);
  if (path.length === 0) return change.kind === 'replace' ? change.value : null;
  const parent = path.slice(0, -1).reduce<Json>((node, key) => (node as Record<string, Json>)[key], copy) as Record<string | number, Json> | Json[];
  const key = path[path.length - 1];
  if (Array.isArray(parent) && typeof key === 'number') {
    if (change.kind === 'remove') parent.splice(key, 1);
    else if (change.kind === 'double') parent.splice(key, 0, structuredClone(parent[key]));
    else parent[key] = change.value;
  } else {
    const obj = parent as Record<string, Json>;
    if (change.kind === 'remove') delete obj[key];
    else if (change.kind === 'double') obj[key] = [obj[key], obj[key]];
    else obj[key] = change.value;
  }
  return copy;
}

const changeArb: fc.Arbitrary<Change> = fc.oneof(
  fc.constant<Change>({ kind: 'remove' }),
  fc.constant<Change>({ kind: 'double' }),
  fc.jsonValue().map((value): Change => ({ kind: 'replace', value: value as Json })),
  fc.integer({ min: -3, max: 1e6 }).map((value): Change => ({ kind: 'replace', value })),
  fc.constantFrom<Json>('', 'masked', 'failed', 'host-limit', 'prng', 'curios', 0, 1, 2, null, [], {}).map((value): Change => ({ kind: 'replace', value })),
);

describe('a shard file', () => {
  it('changed in any one place is refused, or merges to the true result', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1 }), fc.nat(), changeArb, (which, pick, change) => {
        const all = paths(shards[which]);
        const path = all[pick % all.length];
        const inputs = shards.map((data, i) => ({ name: `shard-${i + 1}.json`, data: i === which ? changed(data, path, change) : data }));
        let merged: CampaignFile;
        try {
          merged = mergeShards(inputs);
        } catch (e) {
          expect(e).toBeInstanceOf(ShardFileError);
          expect((e as Error).message).toMatch(/^(shard-[12]\.json: |merge: )/);
          expect((e as Error).message).not.toContain('\n');
          return;
        }
        expect(identity({ ...merged, trialsPerSecond: 0 })).toEqual(identity({ ...whole, trialsPerSecond: 0 }));
      }),
      { numRuns: 400 },
    );
  });

  it('names the first thing wrong', () => {
    const refusal = (data: Json): string => {
      try {
        mergeShards([{ name: 'a.json', data }, { name: 'b.json', data: shards[1] }]);
        return 'merged';
      } catch (e) {
        return (e as Error).message;
      }
    };
    const first = shards[0] as { results: Json[] };
    const tail = ' (expected the output of curios campaign --shard i/n --format json)';
    expect(refusal({ ...first, results: [null, ...first.results.slice(1)] })).toBe(`a.json: results[0]: expected an object, found null${tail}`);
    expect(refusal({ ...first, results: [] })).toBe(`a.json: results: 0 of the shard's ${first.results.length} trials; trial 0 is missing${tail}`);
    expect(refusal({ ...first, results: [first.results[0], ...first.results] })).toBe(`a.json: results[1].index: trial 0 is there twice${tail}`);
    expect(refusal(changed(shards[0], ['results', 0, 'outcome'], { kind: 'replace', value: 'exploded' }))).toMatch(/^a\.json: results\[0\]\.outcome: expected one of not-activated, .*, found "exploded"/);
    expect(refusal(changed(shards[0], ['results', 0, 'traceHash'], { kind: 'replace', value: 7 }))).toBe(`a.json: results[0].traceHash: expected a hex trace hash, found 7${tail}`);
  });
});
