// Reading the scheduler's state from outside: its global state (tests and the dashboard), decoded
// from the heap as the server itself would read it, and its inspector for the end-state oracle.
// The oracle compares what clients set — each process's base priority and quantum, in its record
// and in the run queue — and not current priorities or expiry counts, which follow timing; those
// are checked instead (a current priority within 1..base, the queue in run order, every managed
// process queued once, with its record's settings).
import { CLIENTS_MAX, HEAP_BASE } from '../../ssr/layout.ts';
import type { System } from '../system.ts';
import { decodeClients, viewOf, type EndValue, type ServerInspector } from '../framework/inspector.ts';
import { HEAP_USED_BYTES, H_COUNT, PRIORITY_DEFAULT, PRIORITY_MIN, QUANTUM_DEFAULT_CYCLES, S_QUANTUM, STATE_VALID, byRunOrder, decodeHeap, type QueueEntry } from './layout.ts';

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

/** What a process's record sets: its base priority and quantum (a process never seen has the defaults). */
function settingsOf(state: DataView): { managed: boolean; base: number; quantum_cycles: number } {
  if (state.getUint32(0, true) !== STATE_VALID) return { managed: false, base: PRIORITY_DEFAULT, quantum_cycles: QUANTUM_DEFAULT_CYCLES };
  return { managed: true, base: state.getUint8(4), quantum_cycles: state.getUint32(S_QUANTUM, true) };
}

function runQueueProblems(queue: readonly QueueEntry[], clients: readonly (DataView | null)[]): string[] {
  const problems: string[] = [];
  for (let i = 1; i < queue.length; i++) if (byRunOrder(queue[i - 1], queue[i]) >= 0) problems.push(`run queue: entries ${i - 1} and ${i} out of run order`);
  const seen = new Set<number>();
  for (const e of queue) {
    if (seen.has(e.client)) problems.push(`run queue: client ${e.client} queued twice`);
    seen.add(e.client);
    if (e.priority < PRIORITY_MIN || e.priority > e.base) problems.push(`run queue: client ${e.client} at priority ${e.priority}, outside ${PRIORITY_MIN}..${e.base}`);
    const state = clients[e.client];
    if (state === undefined || state === null) continue;
    const s = settingsOf(state);
    if (!s.managed) problems.push(`run queue: client ${e.client} is queued but its record is not managed`);
    else if (s.base !== e.base || s.quantum_cycles !== e.quantum_cycles) problems.push(`run queue: client ${e.client} has ${e.base}/${e.quantum_cycles}, its record ${s.base}/${s.quantum_cycles}`);
  }
  clients.forEach((state, client) => {
    if (state !== null && settingsOf(state).managed && !seen.has(client)) problems.push(`client ${client}: managed, not in the run queue`);
  });
  return problems;
}

export const schedInspector: ServerInspector = (view) => {
  const clients = decodeClients(view, (state) => {
    const { base, quantum_cycles } = settingsOf(state);
    return { base, quantum_cycles };
  });
  const count = viewOf(view.heap).getUint32(H_COUNT, true);
  if (count > CLIENTS_MAX) return { clients, global: { run_queue: null, problems: [`run queue: holds ${count} processes, at most ${CLIENTS_MAX}`] } };
  const { run_queue } = decodeHeap(view.heap.subarray(0, HEAP_USED_BYTES(CLIENTS_MAX)), CLIENTS_MAX);
  // Whether a process is queued at all depends on timing (a quantum expiry makes it managed):
  // each client's queued settings are compared, a process not queued showing the defaults.
  const settings = view.clients.map((_, client) => {
    const e = run_queue.find((x) => x.client === client);
    return e === undefined ? { base: PRIORITY_DEFAULT, quantum_cycles: QUANTUM_DEFAULT_CYCLES } : { base: e.base, quantum_cycles: e.quantum_cycles };
  });
  return { clients, global: { run_queue: settings, problems: runQueueProblems(run_queue, view.clients) } };
};
