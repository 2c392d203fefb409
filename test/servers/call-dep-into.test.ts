// env.callDep(server, op, words, data, into): the reply's bytes land in `into` when they fit, else
// in a fresh array, and the run is the same run either way — same observations, same trace hash —
// for random replies (lengths around `into`'s, empty ones included) in every mode.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineServer } from '../../src/servers/framework/define.ts';
import { System } from '../../src/servers/system.ts';
import { MODES } from '../../src/ssr/modes.ts';

const INTO_BYTES = 64;

interface Seen {
  /** per call: the bytes the caller got, and whether they were in `into` (its start) */
  got: [number[], boolean][];
  hash: string;
}

function run(mode: (typeof MODES)[number], lengths: number[], useInto: boolean): Seen {
  const into = new Uint8Array(INTO_BYTES);
  const got: [number[], boolean][] = [];
  const back = defineServer({
    name: 'back',
    kind: 'stateless',
    state_bytes: 0,
    heap_pages: 1,
    // eslint-disable-next-line require-yield
    *init() {},
    // eslint-disable-next-line require-yield
    *handle(_env, req) {
      const len = req.words[0];
      return { status: 'OK', data: Uint8Array.from({ length: len }, (_, i) => (i * 7 + len) & 0xff) };
    },
  });
  const front = defineServer({
    name: 'front',
    kind: 'stateless',
    state_bytes: 0,
    heap_pages: 1,
    deps: ['back'],
    // eslint-disable-next-line require-yield
    *init() {},
    *handle(env, req) {
      const r = yield* env.callDep('back', 1, [req.words[0]], undefined, useInto ? into : undefined);
      got.push([[...r.data], r.data.length > 0 && r.data.buffer === into.buffer && r.data.byteOffset === 0]);
      return { status: r.status === 'OK' ? 'OK' : 'EIO', words: [r.data.length] };
    },
  });
  const system = new System({
    mode,
    servers: [back, front],
    clients: [
      function* (env) {
        for (const len of lengths) yield* env.call('front', 1, [len]);
      },
    ],
  });
  expect(system.runClients(50_000_000)).toBe('until');
  const hash = system.kernel.trace.traceHash();
  system.release();
  return { got, hash };
}

describe('callDep into a given array', () => {
  it('lands the bytes in `into` when they fit, and is the same run as without it', () => {
    fc.assert(
      fc.property(fc.constantFrom(...MODES), fc.array(fc.nat({ max: 2 * INTO_BYTES }), { minLength: 1, maxLength: 6 }), (mode, lengths) => {
        const plain = run(mode, lengths, false);
        const into = run(mode, lengths, true);
        expect(into.hash).toBe(plain.hash);
        expect(into.got.map(([bytes]) => bytes)).toEqual(plain.got.map(([bytes]) => bytes));
        expect(plain.got.every(([, inInto]) => !inInto)).toBe(true);
        expect(into.got.map(([, inInto]) => inInto)).toEqual(lengths.map((len) => len > 0 && len <= INTO_BYTES));
      }),
      { numRuns: 25 },
    );
  });
});
