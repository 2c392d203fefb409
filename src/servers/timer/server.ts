// timer: alarms for every client on the machine's one hardware timer — a server whose global
// state needs every client's state. Each client's pending alarms (id, absolute deadline) are its
// client state (an SSR under `curios`); the ordered queue of all alarms and the hardware deadline
// in the heap are derived from them, so after a restart `recover` rebuilds the queue by reading
// every client's alarms and programs the hardware again (see queue.ts); after one client's alarms
// failed their check and were reset, `onClientReset` drops its alarms from the queue.
//
// A client learns that an alarm is due by asking (`remaining`, `collect`); its `wait` operation
// (module.ts) asks, sleeps the cycles left, and collects. The interrupt only moves the hardware
// deadline on to the next alarm.
import * as sys from '../../kernel/sys.ts';
import type { VirtAddr } from '../../hw/types.ts';
import { defineServer, type ServerEnv, type ServerReply, type ServerRequest } from '../framework/define.ts';
import { ALARM, ALARMS_MAX, ALARM_IN_USE, DEADLINE_HI_MAX, HEAP_BYTES_USED, HEAP_PAGES, STATE_BYTES, TIMER_OPS, TIMER_SITES, alarmOffset, joinCycles, splitCycles } from './layout.ts';
import { queueInsert, queueRemove, queueRemoveClient, reprogram, resetHardware } from './queue.ts';

export const timerServer = defineServer({
  name: 'timer',
  kind: 'needs-all',
  state_bytes: STATE_BYTES,
  heap_pages: HEAP_PAGES,
  devices: ['timer'],
  sites: Object.values(TIMER_SITES),
  *init(env) {
    if (env.heap_bytes < HEAP_BYTES_USED) throw new Error(`timer: heap of ${env.heap_bytes} bytes < ${HEAP_BYTES_USED} needed`);
    yield* resetHardware(env);
  },
  *recover(env) {
    for (const c of env.clients()) enqueueClient(env, c, env.stateOf(c));
    yield* reprogram(env);
  },
  *onClientReset(env, client) {
    queueRemoveClient(env, client);
    yield* reprogram(env);
  },
  *handle(env, req): sys.Sys<ServerReply> {
    if (req.state === 0) return { status: 'EINVAL' };
    switch (req.op) {
      case TIMER_OPS.set:
        return yield* set(env, req);
      case TIMER_OPS.cancel:
        return yield* cancel(env, req);
      case TIMER_OPS.remaining:
        return yield* remaining(env, req);
      case TIMER_OPS.collect:
        return yield* collect(env, req);
      default:
        return { status: 'ENOSYS' };
    }
  },
  *interrupt(env) {
    yield* reprogram(env);
  },
  validate: validateAlarms,
});

/** Recovery: a client's pending alarms go back in the queue. */
function enqueueClient(env: ServerEnv, client: number, state: VirtAddr): void {
  for (let a = 0; a < ALARMS_MAX; a++) {
    const alarm = state + alarmOffset(a);
    if (env.mem.load32(alarm + ALARM.in_use) !== ALARM_IN_USE) continue;
    queueInsert(env, { deadline_cycles: deadlineOf(env, alarm), client, id: env.mem.load32(alarm + ALARM.id) });
  }
}

function* set(env: ServerEnv, req: ServerRequest): sys.Sys<ServerReply> {
  const { mem } = env;
  const delay_cycles = req.words[0] ?? 0;
  let a = 0;
  while (a < ALARMS_MAX && mem.load32(req.state + alarmOffset(a) + ALARM.in_use) === ALARM_IN_USE) a++;
  if (a === ALARMS_MAX) return { status: 'EMFILE' };
  const id = (mem.load32(req.state) + 1) >>> 0;
  const deadline_cycles = (yield* sys.now()) + delay_cycles;
  const alarm = req.state + alarmOffset(a);
  const [lo, hi] = splitCycles(deadline_cycles);
  mem.store32(alarm + ALARM.id, id);
  mem.store32(alarm + ALARM.deadline_lo, lo);
  mem.store32(alarm + ALARM.deadline_hi, hi);
  mem.store32(alarm + ALARM.in_use, ALARM_IN_USE);
  mem.store32(req.state, id);
  queueInsert(env, { deadline_cycles, client: req.client, id });
  yield* reprogram(env);
  return { status: 'OK', words: [id] };
}

function* cancel(env: ServerEnv, req: ServerRequest): sys.Sys<ServerReply> {
  const alarm = findAlarm(env, req);
  if (alarm === null) return { status: 'ENOENT' };
  yield* drop(env, req, alarm);
  return { status: 'OK' };
}

function* remaining(env: ServerEnv, req: ServerRequest): sys.Sys<ServerReply> {
  const alarm = findAlarm(env, req);
  if (alarm === null) return { status: 'ENOENT' };
  const now = yield* sys.now();
  const left_cycles = Math.max(0, deadlineOf(env, alarm) - now);
  return { status: 'OK', words: [Math.min(left_cycles, 0xffff_ffff)] };
}

function* collect(env: ServerEnv, req: ServerRequest): sys.Sys<ServerReply> {
  const alarm = findAlarm(env, req);
  if (alarm === null) return { status: 'ENOENT' };
  if (deadlineOf(env, alarm) > (yield* sys.now())) return { status: 'EAGAIN' };
  yield* drop(env, req, alarm);
  return { status: 'OK' };
}

/** Removes an alarm from the client's state and from the queue, and moves the hardware on. */
function* drop(env: ServerEnv, req: ServerRequest, alarm: VirtAddr): sys.Sys<void> {
  const id = env.mem.load32(alarm + ALARM.id);
  env.mem.store32(alarm + ALARM.in_use, 0);
  // BUGGIFY: the client's state has dropped the alarm, the queue has not.
  env.site(TIMER_SITES.stateThenQueue);
  queueRemove(env, req.client, id);
  yield* reprogram(env);
}

/** The caller's pending alarm with id words[0], or null (ENOENT). */
function findAlarm(env: ServerEnv, req: ServerRequest): VirtAddr | null {
  const id = req.words[0] ?? 0;
  if (id === 0) return null;
  for (let a = 0; a < ALARMS_MAX; a++) {
    const alarm = req.state + alarmOffset(a);
    if (env.mem.load32(alarm + ALARM.in_use) === ALARM_IN_USE && env.mem.load32(alarm + ALARM.id) === id) return alarm;
  }
  return null;
}

function deadlineOf(env: ServerEnv, alarm: VirtAddr): number {
  const hi = env.mem.load32(alarm + ALARM.deadline_hi);
  if (hi > DEADLINE_HI_MAX) throw new Error(`timer invariant: alarm deadline high word 0x${hi.toString(16)} > 0x${DEADLINE_HI_MAX.toString(16)}`);
  return joinCycles(env.mem.load32(alarm + ALARM.deadline_lo), hi);
}

/** The paper's heuristic check of one client's alarms: markers, ids issued, distinct ids, deadlines in range. */
function validateAlarms(state: DataView): boolean {
  const issued = state.getUint32(0, true);
  const ids = new Set<number>();
  for (let a = 0; a < ALARMS_MAX; a++) {
    const alarm = alarmOffset(a);
    const marker = state.getUint32(alarm + ALARM.in_use, true);
    if (marker === 0) continue;
    if (marker !== ALARM_IN_USE) return false;
    const id = state.getUint32(alarm + ALARM.id, true);
    if (id === 0 || id > issued || ids.has(id)) return false;
    ids.add(id);
    if (state.getUint32(alarm + ALARM.deadline_hi, true) > DEADLINE_HI_MAX) return false;
  }
  return true;
}
