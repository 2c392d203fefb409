// Determinism: a run is a pure function of its inputs. Random programs (client/server pairs whose
// calls, buffers, priorities and work are drawn from seeded streams) are built and run twice in
// one process; both runs must give the same trace hash and the same final clock. A program that
// differs in one word must give a different hash (the hash does see the run).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawInt, streamFor } from '../../src/hw/seed.ts';
import * as sys from '../../src/kernel/sys.ts';
import { makeKernel } from '../helpers/kernel-fixtures.ts';

const BUF_VADDR = 0x1000;
const REPLY_VADDR = 0x2000;

interface CallPlan {
  words: number[];
  buf: number[];
}
interface PairPlan {
  client_priority: number;
  server_priority: number;
  /** cycles of work the server does per request */
  work_cycles: number[];
  calls: CallPlan[];
}
interface Program {
  pairs: PairPlan[];
}

/** A program drawn from its own streams of the seed: one per pair, so pairs do not shift each other. */
function programFor(seed: number): Program {
  const top = streamFor(seed, 'program');
  const pairs = Array.from({ length: drawInt(top, 1, 3) }, (_, p): PairPlan => {
    const rng = streamFor(seed, `pair${p}`);
    const count = drawInt(rng, 1, 8);
    const calls = Array.from({ length: count }, () => ({
      words: Array.from({ length: drawInt(rng, 0, 4) }, () => drawInt(rng, 0, 0xffffffff)),
      buf: Array.from({ length: drawInt(rng, 0, 96) }, () => drawInt(rng, 0, 255)),
    }));
    return {
      client_priority: drawInt(rng, 1, 4),
      server_priority: drawInt(rng, 1, 4),
      work_cycles: calls.map(() => drawInt(rng, 1, 30_000)),
      calls,
    };
  });
  return { pairs };
}

function runProgram(program: Program): { hash: string; now: number; replies: number[][] } {
  const k = makeKernel();
  const replies: number[][] = [];
  program.pairs.forEach((pair, p) => {
    const ep = k.createEndpoint(`svc${p}`);
    const server = k.createTask(`server${p}`);
    const client = k.createTask(`client${p}`);
    for (const t of [server, client]) {
      expect(k.allocPages(t, BUF_VADDR, 1, true)).toBe('OK');
      expect(k.allocPages(t, REPLY_VADDR, 1, true)).toBe('OK');
    }
    const s_slot = k.giveCap(server, k.endpointCap(ep, 0, { recv: true }));
    const c_slot = k.giveCap(client, k.endpointCap(ep, 100 + p, { send: true }));
    k.spawnThread(
      server,
      'main',
      function* (ctx) {
        const recv_buf = { vaddr: BUF_VADDR, len: 128 };
        let r = yield* sys.recv(s_slot, { recv_buf });
        for (let i = 0; r.err === 'OK'; i++) {
          yield* sys.spin(pair.work_cycles[i % pair.work_cycles.length]);
          const bytes = ctx.mem.loadBytes(BUF_VADDR, r.buf_len);
          let sum: number = r.badge;
          for (const b of bytes) sum = (sum * 31 + b) >>> 0;
          for (const w of r.words) sum = (sum ^ w) >>> 0;
          ctx.mem.storeBytes(REPLY_VADDR, bytes.reverse());
          r = yield* sys.replyRecv({ label: r.label + 1, words: [sum], buf: { vaddr: REPLY_VADDR, len: bytes.length } }, s_slot, { recv_buf });
        }
      },
      { priority: pair.server_priority },
    );
    k.spawnThread(
      client,
      'main',
      function* (ctx) {
        const got: number[] = [];
        for (const [i, c] of pair.calls.entries()) {
          ctx.mem.storeBytes(BUF_VADDR, Uint8Array.from(c.buf));
          const r = yield* sys.call(c_slot, { label: i, words: c.words, buf: { vaddr: BUF_VADDR, len: c.buf.length } }, { recv_buf: { vaddr: REPLY_VADDR, len: 128 } });
          got.push(r.words[0] ?? -1);
        }
        replies.push(got);
      },
      { priority: pair.client_priority },
    );
  });
  expect(k.run()).toBe('idle');
  expect(k.panic_reason).toBeNull();
  return { hash: k.traceHash(), now: k.now, replies };
}

describe('determinism', () => {
  it('the same program twice gives the same trace hash and the same final clock', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const first = runProgram(programFor(seed));
        const second = runProgram(programFor(seed));
        expect(second.hash).toBe(first.hash);
        expect(second.now).toBe(first.now);
        expect(second.replies).toEqual(first.replies);
        expect(first.replies.flat().every((w) => w >= 0)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('a program that differs in one word gives a different hash', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const program = programFor(seed);
        const changed = structuredClone(program);
        const first_call = changed.pairs[0].calls[0];
        first_call.words = [...first_call.words, 7];
        expect(runProgram(changed).hash).not.toBe(runProgram(program).hash);
      }),
      { numRuns: 20 },
    );
  });

  it('different seeds draw different programs', () => {
    expect(programFor(1)).toEqual(programFor(1));
    expect(programFor(1)).not.toEqual(programFor(2));
  });
});
