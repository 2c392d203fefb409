// The kernel's trace: every event (IPC, map/unmap, exception, interrupt, kill, …) with its
// virtual time. The last few thousand are kept in a ring for display and replay diffs; all of them
// feed a running SHA-256, the trace hash, which is part of every result. Same inputs ⇒ same hash.
import { createHash, type Hash } from 'node:crypto';
import { LIMITS } from '../hw/limits.ts';
import type { Cycles } from '../hw/types.ts';

export interface TraceEvent {
  seq: number;
  t: Cycles;
  task: string;
  event: string;
  detail: string;
}

export type TraceListener = (e: TraceEvent) => void;

export class Trace {
  private readonly ring: TraceEvent[] = [];
  private readonly hash: Hash = createHash('sha256');
  private next = 0;
  count = 0;
  private readonly listeners: TraceListener[] = [];

  constructor(readonly kept_max: number = LIMITS.trace_events_kept) {}

  append(t: Cycles, task: string, event: string, detail: string): void {
    const e: TraceEvent = { seq: this.count, t, task, event, detail };
    this.hash.update(`${t}|${task}|${event}|${detail}\n`);
    this.count++;
    if (this.ring.length < this.kept_max) this.ring.push(e);
    else this.ring[this.next] = e;
    this.next = (this.next + 1) % this.kept_max;
    for (const listen of this.listeners) listen(e);
  }

  /** Subscribes to every event as it is appended (for the dashboard and replay). */
  listen(listener: TraceListener): void {
    this.listeners.push(listener);
  }

  /** The kept events, oldest first. */
  events(): TraceEvent[] {
    if (this.ring.length < this.kept_max) return this.ring.slice();
    return this.ring.slice(this.next).concat(this.ring.slice(0, this.next));
  }

  /** The hash of every event so far (the trace may go on afterwards). */
  traceHash(): string {
    return this.hash.copy().digest('hex');
  }
}

/** One fixed-column line per event, TigerBeetle-simulator style. */
export function formatTraceLine(e: TraceEvent): string {
  return `${String(e.t).padStart(12)}  ${e.task.padEnd(12).slice(0, 12)}  ${e.event.padEnd(14)}  ${e.detail}`;
}
