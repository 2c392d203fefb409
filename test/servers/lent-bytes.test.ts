// The framework's lent bytes — a run is the same run with or without them:
// - env.callDep(server, op, words, data, into): the reply's bytes land in `into` when they fit,
//   else in a fresh array;
// - ServerDef.borrows_request_data: req.data is a view of one buffer refilled for each request.
// For random lengths (empty, around the buffers' sizes) in every mode: the same bytes seen, the
// same observations, the same trace hash.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineServer, isServerDefinitionError } from '../../src/servers/framework/define.ts';
import { System } from '../../src/servers/system.ts';
import { MODES } from '../../src/ssr/modes.ts';

const INTO_BYTES = 64;

interface Seen {
  /** per call: the bytes the front server got back, and whether they were in `into` (its start) */
  got: [number[], boolean][];
  /** per request: the bytes the back server was handed */
  handed: number[][];
  /** what the client observed */
  observed: [string, number[]][];
  hash: string;
}

function bytesOf(len: number): Uint8Array {
  return Uint8Array.from({ length: len }, (_, i) => (i * 7 + len) & 0xff);
}

function run(mode: (typeof MODES)[number], lengths: number[], lend: boolean): Seen {
  const into = new Uint8Array(INTO_BYTES);
  const got: [number[], boolean][] = [];
  const handed: number[][] = [];
  const observed: [string, number[]][] = [];
  const back = defineServer({
    name: 'back',
    kind: 'stateless',
    state_bytes: 0,
    heap_pages: 1,
    borrows_request_data: lend,
    // eslint-disable-next-line require-yield
    *init() {},
    // eslint-disable-next-line require-yield
    *handle(_env, req) {
      handed.push([...req.data]);
      return { status: 'OK', data: bytesOf(req.words[0]) };
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
      const r = yield* env.callDep('back', 1, [req.words[0]], bytesOf(req.words[1]), lend ? into : undefined);
      got.push([[...r.data], r.data.length > 0 && r.data.buffer === into.buffer && r.data.byteOffset === 0]);
      return { status: r.status === 'OK' ? 'OK' : 'EIO', words: [r.data.length] };
    },
  });
  const system = new System({
    mode,
    servers: [back, front],
    clients: [
      function* (env) {
        for (let i = 0; i < lengths.length; i++) {
          const r = yield* env.call('front', 1, [lengths[i], lengths[lengths.length - 1 - i]]);
          observed.push([r.status, r.words]);
        }
      },
    ],
  });
  expect(system.runClients(50_000_000)).toBe('until');
  const hash = system.kernel.trace.traceHash();
  system.release();
  return { got, handed, observed, hash };
}

describe('lent bytes', () => {
  it('callDep into a given array, and request bytes borrowed, make the same run', () => {
    fc.assert(
      fc.property(fc.constantFrom(...MODES), fc.array(fc.oneof(fc.nat({ max: 2 * INTO_BYTES }), fc.constantFrom(0, INTO_BYTES, 512)), { minLength: 1, maxLength: 6 }), (mode, lengths) => {
        const plain = run(mode, lengths, false);
        const lent = run(mode, lengths, true);
        expect(lent.hash).toBe(plain.hash);
        expect(lent.observed).toEqual(plain.observed);
        expect(lent.handed).toEqual(plain.handed);
        expect(lent.handed).toEqual([...lengths].reverse().map((len) => [...bytesOf(len)]));
        expect(lent.got.map(([bytes]) => bytes)).toEqual(plain.got.map(([bytes]) => bytes));
        expect(plain.got.every(([, inInto]) => !inInto)).toBe(true);
        expect(lent.got.map(([, inInto]) => inInto)).toEqual(lengths.map((len) => len > 0 && len <= INTO_BYTES));
      }),
      { numRuns: 25 },
    );
  });

  it('borrows_request_data must be a boolean', () => {
    const def = { name: 'x', kind: 'stateless', state_bytes: 0, heap_pages: 1, borrows_request_data: 'yes', *init() {}, *handle() { return { status: 'OK' }; } };
    let caught: unknown = null;
    try {
      defineServer(def as unknown as Parameters<typeof defineServer>[0]);
    } catch (e) {
      caught = e;
    }
    expect(isServerDefinitionError(caught)).toBe(true);
    expect((caught as Error).message).toBe('server x: borrows_request_data must be true or false');
  });
});
