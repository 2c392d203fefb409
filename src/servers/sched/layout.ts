// Where the scheduler keeps what it knows, byte by byte, and every bound of its policy. A
// process's own record is its client state (an SSR under `curios`); the run queue and the global
// expiry count are in the heap, and are rebuilt from the records after a restart.
//
// Client state (SCHED_STATE_BYTES):
//   +0  u32 marker: STATE_VALID once the process is managed (0: never seen)
//   +4  u8  base priority, PRIORITY_MIN..PRIORITY_MAX (set by `nice`)
//   +5  u8  current priority, PRIORITY_MIN..base — as of `stamp` (see below)
//   +6  u16 reserved, 0
//   +8  u32 quantum_cycles, QUANTUM_MIN_CYCLES..QUANTUM_MAX_CYCLES
//   +12 u32 this process's quantum expiries
//   +16 u32 stamp: the global expiry count when this record was last written
//
// A balance raises every process to its base priority but may only write the heap (the other
// processes' SSRs are not mapped), so a record's current priority holds only while no balance
// happened since its stamp: balances happen when the global count reaches a multiple of
// BALANCE_EXPIRIES, hence the effective current priority is `current` when ⌊stamp/N⌋ = ⌊global/N⌋,
// and `base` otherwise. The global count itself is the greatest stamp (the last expiry wrote the
// record of the process it was reported for).
//
// Heap:
//   +0  u32 global quantum expiries
//   +4  u32 n, processes in the run queue (≤ CLIENTS_MAX)
//   +8  n entries of 8 bytes, ordered by (current priority desc, client asc):
//       u8 client, u8 current priority, u8 base priority, u8 reserved, u32 quantum_cycles
import { LIMITS } from '../../hw/limits.ts';
import type { Cycles, VirtAddr } from '../../hw/types.ts';
import type { Mem } from '../../kernel/memory-view.ts';
import { CLIENT_PRIORITY } from '../framework/client-task.ts';

export const SCHED_OPS = { nice: 1, setQuantum: 2, info: 3 } as const;

/** the client band: clients never reach the servers' priority (4) or the supervisor's (6) */
export const PRIORITY_MIN = 1;
export const PRIORITY_MAX = 3;
/** a process's base priority until it calls `nice` (the priority clients boot with) */
export const PRIORITY_DEFAULT = CLIENT_PRIORITY;
export const QUANTUM_MIN_CYCLES: Cycles = 5_000;
export const QUANTUM_MAX_CYCLES: Cycles = 200_000;
/** a process's quantum until it calls `setQuantum` (the kernel's default) */
export const QUANTUM_DEFAULT_CYCLES: Cycles = LIMITS.quantum_cycles_default;
/** every BALANCE_EXPIRIES expiries (global count), every process goes back to its base priority */
export const BALANCE_EXPIRIES = 16;

export const STATE_VALID = 0x5c4e_da7a;
export const SCHED_STATE_BYTES = 20;
const S_MARKER = 0;
const S_BASE = 4;
const S_CURRENT = 5;
export const S_QUANTUM = 8;
const S_EXPIRIES = 12;
const S_STAMP = 16;

const H_EXPIRIES = 0;
export const H_COUNT = 4;
const H_QUEUE = 8;
export const QUEUE_ENTRY_BYTES = 8;

export interface ProcRecord {
  base: number;
  current: number;
  quantum_cycles: Cycles;
  expiries: number;
  stamp: number;
}

export interface QueueEntry {
  client: number;
  priority: number;
  base: number;
  quantum_cycles: Cycles;
}

export function isManaged(mem: Mem, state: VirtAddr): boolean {
  return mem.load32(state + S_MARKER) === STATE_VALID;
}

/** A managed process's record, or a fresh one with the defaults for a process never seen. */
export function readRecord(mem: Mem, state: VirtAddr, global_expiries: number): ProcRecord {
  if (!isManaged(mem, state)) return { base: PRIORITY_DEFAULT, current: PRIORITY_DEFAULT, quantum_cycles: QUANTUM_DEFAULT_CYCLES, expiries: 0, stamp: global_expiries };
  return {
    base: mem.load8(state + S_BASE),
    current: mem.load8(state + S_CURRENT),
    quantum_cycles: mem.load32(state + S_QUANTUM),
    expiries: mem.load32(state + S_EXPIRIES),
    stamp: mem.load32(state + S_STAMP),
  };
}

export function writeRecord(mem: Mem, state: VirtAddr, r: ProcRecord): void {
  mem.store32(state + S_MARKER, STATE_VALID);
  mem.store8(state + S_BASE, r.base);
  mem.store8(state + S_CURRENT, r.current);
  mem.store16(state + 6, 0);
  mem.store32(state + S_QUANTUM, r.quantum_cycles);
  mem.store32(state + S_EXPIRIES, r.expiries >>> 0);
  mem.store32(state + S_STAMP, r.stamp >>> 0);
}

/** The priority a record stands for now: its current one, unless a balance came after it. */
export function effectivePriority(r: ProcRecord, global_expiries: number): number {
  const same_round = Math.floor(r.stamp / BALANCE_EXPIRIES) === Math.floor(global_expiries / BALANCE_EXPIRIES);
  return same_round ? r.current : r.base;
}

/** A pure check of one record (the paper's heuristic, used on the in-flight request's state). */
export function validRecord(view: DataView): boolean {
  const marker = view.getUint32(S_MARKER, true);
  if (marker === 0) return [4, 8, 12, 16].every((o) => view.getUint32(o, true) === 0);
  if (marker !== STATE_VALID) return false;
  const base = view.getUint8(S_BASE);
  const current = view.getUint8(S_CURRENT);
  const quantum = view.getUint32(S_QUANTUM, true);
  if (base < PRIORITY_MIN || base > PRIORITY_MAX) return false;
  if (current < PRIORITY_MIN || current > base) return false;
  if (view.getUint16(6, true) !== 0) return false;
  if (quantum < QUANTUM_MIN_CYCLES || quantum > QUANTUM_MAX_CYCLES) return false;
  return view.getUint32(S_EXPIRIES, true) <= view.getUint32(S_STAMP, true);
}

// ---- the heap ----

export function readGlobalExpiries(mem: Mem, heap: VirtAddr): number {
  return mem.load32(heap + H_EXPIRIES);
}

export function writeGlobalExpiries(mem: Mem, heap: VirtAddr, expiries: number): void {
  mem.store32(heap + H_EXPIRIES, expiries >>> 0);
}

export function readQueue(mem: Mem, heap: VirtAddr, entries_max: number): QueueEntry[] {
  const n = mem.load32(heap + H_COUNT);
  if (n > entries_max) throw new Error(`invariant: sched run queue holds ${n} processes, at most ${entries_max}`);
  const out: QueueEntry[] = [];
  for (let i = 0; i < n; i++) {
    const at = heap + H_QUEUE + i * QUEUE_ENTRY_BYTES;
    out.push({ client: mem.load8(at), priority: mem.load8(at + 1), base: mem.load8(at + 2), quantum_cycles: mem.load32(at + 4) });
  }
  return out;
}

export function writeQueue(mem: Mem, heap: VirtAddr, queue: readonly QueueEntry[]): void {
  mem.store32(heap + H_COUNT, queue.length);
  for (let i = 0; i < queue.length; i++) {
    const e = queue[i];
    const at = heap + H_QUEUE + i * QUEUE_ENTRY_BYTES;
    mem.store8(at, e.client);
    mem.store8(at + 1, e.priority);
    mem.store8(at + 2, e.base);
    mem.store8(at + 3, 0);
    mem.store32(at + 4, e.quantum_cycles);
  }
}

/** The run queue without `client`'s entry (a loop, not a filter closure: it runs at every quantum expiry). */
export function queueWithout(queue: QueueEntry[], client: number): QueueEntry[] {
  const out: QueueEntry[] = [];
  for (const e of queue) if (e.client !== client) out.push(e);
  return out;
}

/** The run queue's order: higher current priority first, then lower client number. */
export function byRunOrder(a: QueueEntry, b: QueueEntry): number {
  return b.priority - a.priority || a.client - b.client;
}

/** Decodes the heap from its bytes (inspection: tests and the dashboard). */
export function decodeHeap(bytes: Uint8Array, entries_max: number): { expiries_total: number; run_queue: QueueEntry[] } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(H_COUNT, true);
  if (n > entries_max) throw new Error(`invariant: sched run queue holds ${n} processes, at most ${entries_max}`);
  const run_queue: QueueEntry[] = [];
  for (let i = 0; i < n; i++) {
    const at = H_QUEUE + i * QUEUE_ENTRY_BYTES;
    run_queue.push({ client: view.getUint8(at), priority: view.getUint8(at + 1), base: view.getUint8(at + 2), quantum_cycles: view.getUint32(at + 4, true) });
  }
  return { expiries_total: view.getUint32(H_EXPIRIES, true), run_queue };
}

export const HEAP_USED_BYTES = (entries_max: number): number => H_QUEUE + entries_max * QUEUE_ENTRY_BYTES;

/** Injection sites (BUGGIFY): a process's record written, the run queue not yet requeued. */
export const SCHED_SITES = { recordThenRequeue: 'record-then-requeue' } as const;
