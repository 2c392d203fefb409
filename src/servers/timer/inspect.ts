// timer's state decoded from outside, as plain JSON: its global state (the queue, the hardware
// deadline) for tests and the dashboard, and its inspector for the end-state oracle. The oracle
// compares what clients did — which alarms each client holds, which the queue holds — and not
// deadlines, which are absolute times and move with every restart; a deadline damaged in one
// place shows as the queue and the client's alarm disagreeing.
import { HEAP_BASE } from '../../ssr/layout.ts';
import type { System } from '../system.ts';
import { decodeClients, viewOf, type EndValue, type ServerInspector } from '../framework/inspector.ts';
import { ALARM, ALARM_IN_USE, ALARMS_MAX, ENTRY, GLOBAL, HEAP_BYTES_USED, QUEUE_ENTRIES_MAX, alarmOffset, entryOffset, joinCycles } from './layout.ts';
import type { QueuedAlarm } from './queue.ts';

export interface TimerGlobal {
  /** every pending alarm, in queue order (deadline, client, id) */
  queue: QueuedAlarm[];
  /** the deadline the server believes the hardware holds, or null when it is not armed */
  hw_deadline_cycles: number | null;
}

export function readTimerGlobal(system: System): TimerGlobal {
  const bytes = system.readServerMemory('timer', HEAP_BASE, HEAP_BYTES_USED);
  if (bytes === null) throw new Error('timer: heap not mapped');
  return decodeTimerGlobal(bytes);
}

export function decodeTimerGlobal(heap: Uint8Array): TimerGlobal {
  const view = viewOf(heap);
  const word = (offset: number) => view.getUint32(offset, true);
  const len = Math.min(word(GLOBAL.queue_len), QUEUE_ENTRIES_MAX);
  const queue: QueuedAlarm[] = [];
  for (let i = 0; i < len; i++) {
    const e = entryOffset(i);
    queue.push({ deadline_cycles: joinCycles(word(e + ENTRY.deadline_lo), word(e + ENTRY.deadline_hi)), client: word(e + ENTRY.client), id: word(e + ENTRY.id) });
  }
  const armed = word(GLOBAL.armed) === 1;
  return { queue, hw_deadline_cycles: armed ? joinCycles(word(GLOBAL.hw_deadline_lo), word(GLOBAL.hw_deadline_hi)) : null };
}

/** A client's pending alarms (id → deadline), and the records that are neither free nor in use. */
function alarmsOf(state: DataView): { ids_issued: number; alarms: Map<number, number>; garbage: number[] } {
  const alarms = new Map<number, number>();
  const garbage: number[] = [];
  for (let i = 0; i < ALARMS_MAX; i++) {
    const at = alarmOffset(i);
    const marker = state.getUint32(at + ALARM.in_use, true);
    if (marker === ALARM_IN_USE) alarms.set(state.getUint32(at + ALARM.id, true), joinCycles(state.getUint32(at + ALARM.deadline_lo, true), state.getUint32(at + ALARM.deadline_hi, true)));
    else if (marker !== 0) garbage.push(i);
  }
  return { ids_issued: state.getUint32(0, true), alarms, garbage };
}

/** Where the queue and the clients' alarms disagree, and where the queue is out of order. */
function queueProblems(queue: readonly QueuedAlarm[], clients: readonly (DataView | null)[]): string[] {
  const problems: string[] = [];
  const held = clients.map((state) => (state === null ? null : alarmsOf(state).alarms));
  for (let i = 1; i < queue.length; i++) {
    const [a, b] = [queue[i - 1], queue[i]];
    if (a.deadline_cycles > b.deadline_cycles || (a.deadline_cycles === b.deadline_cycles && (a.client > b.client || (a.client === b.client && a.id >= b.id)))) problems.push(`queue: entries ${i - 1} and ${i} out of order`);
  }
  const queued = new Set<string>();
  for (const e of queue) {
    queued.add(`${e.client}/${e.id}`);
    const alarms = held[e.client];
    if (alarms === null) continue;
    const deadline = alarms?.get(e.id);
    if (deadline === undefined) problems.push(`queue: client ${e.client} alarm ${e.id} is not the client's`);
    else if (deadline !== e.deadline_cycles) problems.push(`queue: client ${e.client} alarm ${e.id} is due at ${e.deadline_cycles}, the client's at ${deadline}`);
  }
  held.forEach((alarms, client) => {
    for (const id of alarms?.keys() ?? []) if (!queued.has(`${client}/${id}`)) problems.push(`client ${client} alarm ${id}: not in the queue`);
  });
  return problems;
}

function clientAlarms(state: DataView): EndValue {
  const { ids_issued, alarms, garbage } = alarmsOf(state);
  return { ids_issued, alarms: [...alarms.keys()].sort((a, b) => a - b), garbage };
}

export const timerInspector: ServerInspector = (view) => {
  const { queue } = decodeTimerGlobal(view.heap);
  const alarms = queue.map((e) => `${e.client}/${e.id}`).sort();
  return { clients: decodeClients(view, clientAlarms), global: { alarms, problems: queueProblems(queue, view.clients) } };
};
