// timer's global state decoded from its heap, as plain JSON: for tests and the dashboard, which
// look into the server's memory from the trusted base (they never ask the server).
import { HEAP_BASE } from '../../ssr/layout.ts';
import type { System } from '../system.ts';
import { ENTRY, GLOBAL, HEAP_BYTES_USED, QUEUE_ENTRIES_MAX, entryOffset, joinCycles } from './layout.ts';
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
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
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
