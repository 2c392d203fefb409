// Reading the scheduler's global state from outside (tests and the dashboard): the trusted base
// looks into the server's heap and decodes the run queue, as the server itself would read it.
import { CLIENTS_MAX, HEAP_BASE } from '../../ssr/layout.ts';
import type { System } from '../system.ts';
import { HEAP_USED_BYTES, decodeHeap, type QueueEntry } from './layout.ts';

export interface SchedGlobal {
  /** quantum expiries handled since boot (rebuilt after a restart) */
  expiries_total: number;
  /** the managed processes, ordered by (current priority desc, client asc) */
  run_queue: QueueEntry[];
}

/** The sched server's heap as JSON, or null while its heap is not mapped (down, restarting). */
export function readSchedGlobal(system: System): SchedGlobal | null {
  const bytes = system.readServerMemory('sched', HEAP_BASE, HEAP_USED_BYTES(CLIENTS_MAX));
  return bytes === null ? null : decodeHeap(bytes, CLIENTS_MAX);
}
