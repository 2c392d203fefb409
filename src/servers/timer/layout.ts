// timer's limits, operation codes and memory layouts: one place for every bound and offset, so
// that the server, its recovery routine, its validator and the test inspector agree. Deadlines
// are absolute virtual times in cycles, kept as two u32 words (low, high).
//
// Client state (an SSR under `curios`):
//   +0  ids_issued: alarms this client has set (the next alarm's id is ids_issued + 1)
//   +4  ALARMS_MAX alarm records of ALARM_BYTES:
//       +0 in-use marker (ALARM_IN_USE, or 0 when free)  +4 id
//       +8 deadline, low word                              +12 deadline, high word
//
// Global state (the heap), rebuilt by `recover` from every client's alarms:
//   +0  queue length
//   +4  hardware armed (1) or not (0)
//   +8  the deadline the hardware is programmed with, low word; +12 high word
//   +16 the queue: every pending alarm of every client, ordered by (deadline, client, id), in
//       QUEUE_ENTRY_BYTES entries: +0 deadline low, +4 deadline high, +8 client, +12 id
import { LIMITS } from '../../hw/limits.ts';
import { CLIENTS_MAX } from '../../ssr/layout.ts';

export const TIMER_OPS = { set: 1, cancel: 2, remaining: 3, collect: 4 } as const;

export const ALARMS_MAX = 8; // pending alarms one client may hold
export const ALARM_IN_USE = 0xa1a2_0001;
export const ALARM_BYTES = 16;
export const ALARM = { in_use: 0, id: 4, deadline_lo: 8, deadline_hi: 12 } as const;
export const ALARMS_BASE = 4;
export const STATE_BYTES = ALARMS_BASE + ALARMS_MAX * ALARM_BYTES;

export const GLOBAL = { queue_len: 0, armed: 4, hw_deadline_lo: 8, hw_deadline_hi: 12, queue: 16 } as const;
export const QUEUE_ENTRIES_MAX = CLIENTS_MAX * ALARMS_MAX;
export const QUEUE_ENTRY_BYTES = 16;
export const ENTRY = { deadline_lo: 0, deadline_hi: 4, client: 8, id: 12 } as const;
export const HEAP_BYTES_USED = GLOBAL.queue + QUEUE_ENTRIES_MAX * QUEUE_ENTRY_BYTES;
export const HEAP_PAGES = Math.ceil(HEAP_BYTES_USED / LIMITS.frame_bytes_default);

/** deadlines stay below 2^53 cycles (exact in a JS number) */
export const DEADLINE_HI_MAX = 0x1f_ffff;
const TWO_32 = 0x1_0000_0000;

export function alarmOffset(index: number): number {
  return ALARMS_BASE + index * ALARM_BYTES;
}

export function entryOffset(index: number): number {
  return GLOBAL.queue + index * QUEUE_ENTRY_BYTES;
}

export function joinCycles(lo: number, hi: number): number {
  return hi * TWO_32 + lo;
}

export function splitCycles(cycles: number): [lo: number, hi: number] {
  return [cycles % TWO_32 >>> 0, Math.floor(cycles / TWO_32)];
}

/** Injection sites (BUGGIFY): an alarm dropped from its client's state, still in the queue. */
export const TIMER_SITES = { stateThenQueue: 'state-then-queue' } as const;
