// The timer's global state: one queue of every client's pending alarms in the heap, ordered by
// (deadline, client, id), and the one hardware one-shot deadline, kept at the earliest deadline
// still in the future. Alarms already due stay queued until collected or cancelled (the queue
// mirrors the clients' state, so recovery can rebuild it exactly); they are not programmed, since
// a deadline in the past would fire again at once, forever.
import * as sys from '../../kernel/sys.ts';
import type { ServerEnv } from '../framework/define.ts';
import { ENTRY, GLOBAL, QUEUE_ENTRIES_MAX, QUEUE_ENTRY_BYTES, entryOffset, joinCycles, splitCycles } from './layout.ts';

export interface QueuedAlarm {
  deadline_cycles: number;
  client: number;
  id: number;
}

function clearQueue(env: ServerEnv): void {
  env.mem.store32(env.heap + GLOBAL.queue_len, 0);
}

function queueLength(env: ServerEnv): number {
  const len = env.mem.load32(env.heap + GLOBAL.queue_len);
  if (len > QUEUE_ENTRIES_MAX) throw new Error(`timer invariant: queue length ${len} > ${QUEUE_ENTRIES_MAX}`);
  return len;
}

function entryAt(env: ServerEnv, i: number): QueuedAlarm {
  const e = env.heap + entryOffset(i);
  return { deadline_cycles: joinCycles(env.mem.load32(e + ENTRY.deadline_lo), env.mem.load32(e + ENTRY.deadline_hi)), client: env.mem.load32(e + ENTRY.client), id: env.mem.load32(e + ENTRY.id) };
}

function before(a: QueuedAlarm, b: QueuedAlarm): boolean {
  if (a.deadline_cycles !== b.deadline_cycles) return a.deadline_cycles < b.deadline_cycles;
  if (a.client !== b.client) return a.client < b.client;
  return a.id < b.id;
}

/** entries on their way to their new place (loaded and stored with no yield between) */
const moving = new Uint8Array(QUEUE_ENTRIES_MAX * QUEUE_ENTRY_BYTES);

/** Moves entries [from, len) by `by` places (+1 to open a gap, -1 to close one). */
function shiftEntries(env: ServerEnv, from: number, len: number, by: 1 | -1): void {
  if (from >= len) return;
  const bytes = moving.subarray(0, (len - from) * QUEUE_ENTRY_BYTES);
  env.mem.loadBytesInto(env.heap + entryOffset(from), bytes);
  env.mem.storeBytes(env.heap + entryOffset(from + by), bytes);
}

export function queueInsert(env: ServerEnv, alarm: QueuedAlarm): void {
  const len = queueLength(env);
  if (len === QUEUE_ENTRIES_MAX) throw new Error(`timer invariant: queue full (${QUEUE_ENTRIES_MAX}) although every client is within its limit`);
  let i = 0;
  while (i < len && before(entryAt(env, i), alarm)) i++;
  shiftEntries(env, i, len, 1);
  const e = env.heap + entryOffset(i);
  const [lo, hi] = splitCycles(alarm.deadline_cycles);
  env.mem.store32(e + ENTRY.deadline_lo, lo);
  env.mem.store32(e + ENTRY.deadline_hi, hi);
  env.mem.store32(e + ENTRY.client, alarm.client);
  env.mem.store32(e + ENTRY.id, alarm.id);
  env.mem.store32(env.heap + GLOBAL.queue_len, len + 1);
}

/** Removes a client's alarm from the queue; false when it was not there. */
export function queueRemove(env: ServerEnv, client: number, id: number): boolean {
  const len = queueLength(env);
  for (let i = 0; i < len; i++) {
    const e = env.heap + entryOffset(i);
    if (env.mem.load32(e + ENTRY.client) !== client || env.mem.load32(e + ENTRY.id) !== id) continue;
    shiftEntries(env, i + 1, len, -1);
    env.mem.store32(env.heap + GLOBAL.queue_len, len - 1);
    return true;
  }
  return false;
}

/** Removes every alarm of a client from the queue (its state was reset). */
export function queueRemoveClient(env: ServerEnv, client: number): void {
  let len = queueLength(env);
  for (let i = 0; i < len; ) {
    if (env.mem.load32(env.heap + entryOffset(i) + ENTRY.client) !== client) {
      i++;
      continue;
    }
    shiftEntries(env, i + 1, len, -1);
    len--;
    env.mem.store32(env.heap + GLOBAL.queue_len, len);
  }
}

/** Programs the hardware with the earliest deadline after now (or cancels it), if that changed. */
export function* reprogram(env: ServerEnv): sys.Sys<void> {
  const now = yield* sys.now();
  const len = queueLength(env);
  let next: number | null = null;
  for (let i = 0; i < len && next === null; i++) {
    const d = entryAt(env, i).deadline_cycles;
    if (d > now) next = d;
  }
  const { mem } = env;
  const armed = mem.load32(env.heap + GLOBAL.armed) === 1;
  const programmed = joinCycles(mem.load32(env.heap + GLOBAL.hw_deadline_lo), mem.load32(env.heap + GLOBAL.hw_deadline_hi));
  if (next === null) {
    if (!armed) return;
    yield* sys.device(env.device('timer'), { action: 'timer-cancel' });
    mem.store32(env.heap + GLOBAL.armed, 0);
    return;
  }
  if (armed && programmed === next) return;
  const r = yield* sys.device(env.device('timer'), { action: 'timer-oneshot', at_cycles: next });
  if (r.err !== 'OK') throw new Error(`timer: programming the hardware for ${next}: ${r.err}`);
  const [lo, hi] = splitCycles(next);
  mem.store32(env.heap + GLOBAL.hw_deadline_lo, lo);
  mem.store32(env.heap + GLOBAL.hw_deadline_hi, hi);
  mem.store32(env.heap + GLOBAL.armed, 1);
}

/** Init: the hardware deadline of an earlier incarnation is forgotten, and so is the queue. */
export function* resetHardware(env: ServerEnv): sys.Sys<void> {
  clearQueue(env);
  yield* sys.device(env.device('timer'), { action: 'timer-cancel' });
  env.mem.store32(env.heap + GLOBAL.armed, 0);
}
