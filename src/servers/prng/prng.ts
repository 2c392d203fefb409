// prng: a per-client random number server. Each client's generator state (xoroshiro128+, four
// 32-bit words) is its client state — in an SSR under `curios` — so a restart without SSRs loses
// every client's sequence (the client must seed again), and one with SSRs continues each sequence
// exactly where it was.
import { generatorFromState, drawInt } from '../../hw/seed.ts';
import type { Mem } from '../../kernel/memory-view.ts';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { defineServer, type ServerReply } from '../framework/define.ts';
import { observe, type ClientOp, type ReferenceModel, type ServerModule } from '../framework/module.ts';

export const PRNG_OPS = { seed: 1, next: 2 } as const;
/** state layout: +0 seeded marker, +4..+19 the generator's four state words */
const SEEDED = 0x5eed_5eed;
const STATE_BYTES = 20;
const RANGE_MAX = 1_000_000;

export const prngServer = defineServer({
  name: 'prng',
  kind: 'per-client',
  state_bytes: STATE_BYTES,
  heap_pages: 1,
  *init() {},
  *handle(env, req): Generator<never, ServerReply, never> {
    const { mem } = env;
    switch (req.op) {
      case PRNG_OPS.seed: {
        const g = xoroshiro128plus(req.words[0] | 0);
        writeState(mem, req.state, g.getState());
        mem.store32(req.state, SEEDED);
        return { status: 'OK' };
      }
      case PRNG_OPS.next: {
        if (mem.load32(req.state) !== SEEDED) return { status: 'EBADF' };
        const g = generatorFromState(readState(mem, req.state));
        const bound = Math.max(1, Math.min(req.words[0] ?? RANGE_MAX, RANGE_MAX));
        const value = drawInt(g, 0, bound - 1);
        writeState(mem, req.state, g.getState());
        return { status: 'OK', words: [value] };
      }
      default:
        return { status: 'ENOSYS' };
    }
  },
  validate(state) {
    const marker = state.getUint32(0, true);
    if (marker === 0) return true;
    if (marker !== SEEDED) return false;
    return [4, 8, 12, 16].some((o) => state.getUint32(o, true) !== 0);
  },
});

// (loops, not map/forEach: a closure per request costs more than the four loads)
function readState(mem: Mem, base: number): number[] {
  const state = new Array<number>(4);
  for (let i = 0; i < 4; i++) state[i] = mem.load32(base + 4 + i * 4) | 0;
  return state;
}

function writeState(mem: Mem, base: number, state: readonly number[]): void {
  for (let i = 0; i < state.length; i++) mem.store32(base + 4 + i * 4, state[i] >>> 0);
}

class PrngModel implements ReferenceModel {
  private readonly states: (number[] | null)[];
  constructor(clients: number) {
    this.states = new Array<number[] | null>(clients).fill(null);
  }
  apply(client: number, op: ClientOp) {
    if (op.op === 'seed') {
      this.states[client] = [...xoroshiro128plus(op.args[0] | 0).getState()];
      return observe('OK');
    }
    const st = this.states[client];
    if (st === null) return observe('EBADF');
    const g = generatorFromState(st);
    const value = drawInt(g, 0, Math.max(1, Math.min(op.args[0], RANGE_MAX)) - 1);
    this.states[client] = [...g.getState()];
    return observe('OK', [value]);
  }
}

export const prngModule: ServerModule<null> = {
  def: prngServer,
  ops: Object.keys(PRNG_OPS),
  newLocal: () => null,
  script(rng, length) {
    const ops: ClientOp[] = [];
    for (let i = 0; i < length; i++) {
      if (i === 0 || drawInt(rng, 0, 9) === 0) ops.push({ server: 'prng', op: 'seed', args: [drawInt(rng, 0, 0x7fffffff)] });
      else ops.push({ server: 'prng', op: 'next', args: [drawInt(rng, 1, RANGE_MAX)] });
    }
    return ops;
  },
  encode: (op) => ({ op: PRNG_OPS[op.op as keyof typeof PRNG_OPS] ?? 0, words: op.args.map((a) => a >>> 0) }),
  decode: (op, reply) => (op.op === 'next' && reply.status === 'OK' ? observe('OK', [reply.words[0]]) : observe(reply.status)),
  model: (clients) => new PrngModel(clients),
};
