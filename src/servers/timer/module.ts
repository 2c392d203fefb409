// timer's client side: how a client's alarm operations become calls, what it observes, and the
// workload it draws. `wait` is the one operation of several calls: ask how many cycles are left,
// sleep them, ask again, and collect when due — what it observes is only its final status, so it
// does not depend on time. Workloads use set, cancel, remaining and wait, never a bare collect
// (whose EAGAIN depends on time).
import { drawInt, type RandomGenerator } from '../../hw/seed.ts';
import type { Sys } from '../../kernel/sys.ts';
import type { ClientEnv } from '../framework/client-task.ts';
import { observe, type ClientOp, type Observation, type ServerModule } from '../framework/module.ts';
import { TIMER_OPS } from './layout.ts';
import { TimerModel } from './model.ts';
import { timerServer } from './server.ts';
import { timerInspector } from './inspect.ts';

/** a client's table: slot → the alarm id its set returned */
export interface TimerLocal {
  alarms: number[];
}

/** delays that workloads set, in cycles */
export const SCRIPT_DELAY_CYCLES_MAX = 50_000;
/** rounds of ask-and-sleep one wait may take before it gives up (EAGAIN): only a faulty server needs more than two */
export const WAIT_ROUNDS_MAX = 16;

export const timerModule: ServerModule<TimerLocal> = {
  def: timerServer,
  // `wait` is a client-side operation: ask for the alarm, sleep until it is due, collect it (see perform)
  ops: [...Object.keys(TIMER_OPS).filter((op) => op !== 'collect'), 'wait'],
  newLocal: () => ({ alarms: [] }),
  script(rng, length) {
    const ops: ClientOp[] = [];
    let sets = 0;
    for (let i = 0; i < length; i++) {
      const roll = drawInt(rng, 0, 99);
      if (sets === 0 || roll < 40) {
        sets++;
        ops.push({ server: 'timer', op: 'set', args: [drawInt(rng, 0, SCRIPT_DELAY_CYCLES_MAX)] });
        continue;
      }
      const slot = drawSlot(rng, sets);
      if (roll < 60) ops.push({ server: 'timer', op: 'cancel', args: [slot] });
      else if (roll < 75) ops.push({ server: 'timer', op: 'remaining', args: [slot] });
      else ops.push({ server: 'timer', op: 'wait', args: [slot] });
    }
    return ops;
  },
  encode(op, local) {
    if (op.op === 'set') return { op: TIMER_OPS.set, words: [op.args[0] >>> 0] };
    const id = local.alarms[op.args[0]] ?? 0;
    const code = op.op === 'cancel' || op.op === 'remaining' || op.op === 'collect' ? TIMER_OPS[op.op] : 0;
    return { op: code, words: [id] };
  },
  decode(op, reply, local) {
    if (op.op === 'set' && reply.status === 'OK') {
      local.alarms.push(reply.words[0]);
      return observe('OK', [reply.words[0]]);
    }
    return observe(reply.status);
  },
  perform(env, op, local) {
    return op.op === 'wait' ? waitFor(env, local.alarms[op.args[0]] ?? 0) : null;
  },
  model: (clients) => new TimerModel(clients),
  inspector: timerInspector,
};

function* waitFor(env: ClientEnv, id: number): Sys<Observation> {
  for (let round = 0; round < WAIT_ROUNDS_MAX; round++) {
    const left = yield* env.call('timer', TIMER_OPS.remaining, [id]);
    if (left.status !== 'OK') return observe(left.status);
    const left_cycles = left.words[0] ?? 0;
    if (left_cycles > 0) {
      yield* env.sleep(left_cycles);
      continue;
    }
    const collected = yield* env.call('timer', TIMER_OPS.collect, [id]);
    if (collected.status !== 'EAGAIN') return observe(collected.status);
  }
  return observe('EAGAIN');
}

/** mostly an alarm set so far, now and then one never set (ENOENT) */
function drawSlot(rng: RandomGenerator, sets: number): number {
  return drawInt(rng, 0, 9) === 0 ? sets : drawInt(rng, 0, sets - 1);
}
