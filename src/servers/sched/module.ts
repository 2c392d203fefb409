// The sched server's client library, workload and reference model. What a client observes is its
// own base priority and quantum — a function of its own `nice` and `setQuantum` history only —
// never its current priority or its expiry counts, which depend on timing.
import { drawInt } from '../../hw/seed.ts';
import { observe, type ClientOp, type Observation, type ReferenceModel, type ServerModule } from '../framework/module.ts';
import { PRIORITY_DEFAULT, PRIORITY_MAX, PRIORITY_MIN, QUANTUM_DEFAULT_CYCLES, QUANTUM_MAX_CYCLES, QUANTUM_MIN_CYCLES, SCHED_OPS } from './layout.ts';
import { schedServer } from './sched.ts';
import { schedInspector } from './inspect.ts';

class SchedModel implements ReferenceModel {
  private readonly base: number[];
  private readonly quantum_cycles: number[];

  constructor(clients: number) {
    this.base = new Array<number>(clients).fill(PRIORITY_DEFAULT);
    this.quantum_cycles = new Array<number>(clients).fill(QUANTUM_DEFAULT_CYCLES);
  }

  apply(client: number, op: ClientOp): Observation {
    const arg = (op.args[0] ?? 0) >>> 0;
    switch (op.op) {
      case 'nice':
        if (arg < PRIORITY_MIN || arg > PRIORITY_MAX) return observe('EINVAL');
        this.base[client] = arg;
        return observe('OK');
      case 'setQuantum':
        if (arg < QUANTUM_MIN_CYCLES || arg > QUANTUM_MAX_CYCLES) return observe('EINVAL');
        this.quantum_cycles[client] = arg;
        return observe('OK');
      case 'info':
        return observe('OK', [this.base[client], this.quantum_cycles[client]]);
      default:
        return observe('ENOSYS');
    }
  }
}

function drawOp(rng: Parameters<ServerModule['script']>[0]): ClientOp {
  const kind = drawInt(rng, 0, 9);
  if (kind < 4) return { server: 'sched', op: 'nice', args: [drawInt(rng, 0, 10) === 0 ? drawInt(rng, 0, 9) : drawInt(rng, PRIORITY_MIN, PRIORITY_MAX)] };
  if (kind < 7) {
    const valid = drawInt(rng, 0, 9) !== 0;
    return { server: 'sched', op: 'setQuantum', args: [valid ? drawInt(rng, QUANTUM_MIN_CYCLES, QUANTUM_MAX_CYCLES) : drawInt(rng, 0, QUANTUM_MIN_CYCLES - 1)] };
  }
  return { server: 'sched', op: 'info', args: [] };
}

export const schedModule: ServerModule<null> = {
  def: schedServer,
  ops: Object.keys(SCHED_OPS),
  newLocal: () => null,
  script(rng, length) {
    return Array.from({ length }, () => drawOp(rng));
  },
  encode: (op) => ({ op: SCHED_OPS[op.op as keyof typeof SCHED_OPS] ?? 0, words: op.args.map((a) => a >>> 0) }),
  decode: (op, reply) => (op.op === 'info' && reply.status === 'OK' ? observe('OK', reply.words.slice(0, 2)) : observe(reply.status)),
  model: (clients) => new SchedModel(clients),
  inspector: schedInspector,
};
