// The kernel's trace: every event (IPC, map/unmap, exception, interrupt, kill, …) with its
// virtual time. The last few thousand are kept in a ring for display and replay diffs; all of them
// feed the trace hash (FNV-1a 64, trace-hash.ts), which is part of every result. Same inputs ⇒ same
// hash.
//
// The frequent events (a message crossing, a page mapped or unmapped, a system call) are recorded
// as numbers — `record` — and hashed over those numbers; their text is made only when someone
// reads the event (the dashboard, a replay). Rare events (`append`) carry their text and are hashed
// over it. The ring's slots are reused once it is full, so recording allocates nothing then.
import { LIMITS } from '../hw/limits.ts';
import type { Cycles } from '../hw/types.ts';
import { Fnv1a64 } from './trace-hash.ts';

export interface TraceEvent {
  seq: number;
  t: Cycles;
  task: string;
  event: string;
  detail: string;
}

export type TraceListener = (e: TraceEvent) => void;

/**
 * A numeric event's fields, as `record` takes them: two names (text only, not hashed: the numbers
 * name the same things), up to five numbers, and a list of message words (often empty).
 */
interface NumericFields {
  name_a: string;
  name_b: string;
  n0: number;
  n1: number;
  n2: number;
  n3: number;
  n4: number;
  words: readonly number[];
}

/**
 * The numeric events: one row each, with the text it prints as. The row's index is its code in
 * the hash (after 0, which marks a text event), so rows are only ever appended.
 */
const NUMERIC_EVENTS = [
  // threads name_a (id n0) -> name_b (id n1); n2 badge, n3 label, n4 buffer bytes, the words
  { event: 'ipc-call', detail: (f: NumericFields) => `${f.name_a} -> ${f.name_b} badge=${f.n2} label=${f.n3} words=${f.words.join(',')} buf=${f.n4}` },
  { event: 'ipc-reply', detail: (f: NumericFields) => `${f.name_a} -> ${f.name_b} badge=${f.n2} label=${f.n3} words=${f.words.join(',')} buf=${f.n4}` },
  // a page of address space n0 (its ASID): n1 the page number, n2 the frame
  { event: 'map', detail: (f: NumericFields) => `vpn=0x${f.n1.toString(16)} frame=${f.n2}` },
  { event: 'grant', detail: (f: NumericFields) => `vpn=0x${f.n1.toString(16)} frame=${f.n2}` },
  { event: 'unmap', detail: (f: NumericFields) => `vpn=0x${f.n1.toString(16)} frame=${f.n2}` },
] as const;

export type NumericEvent = (typeof NUMERIC_EVENTS)[number]['event'];
/** The code `record` takes for each numeric event. */
export const TRACE_CODE = Object.fromEntries(NUMERIC_EVENTS.map((row, i) => [row.event, i + 1])) as Record<NumericEvent, number>;
export const NO_WORDS: readonly number[] = Object.freeze([]);

/** One kept event: either text (`code` 0) or numbers formatted on demand. */
class Slot {
  seq = 0;
  t = 0;
  task = '';
  code = 0;
  event = '';
  text = '';
  name_a = '';
  name_b = '';
  n0 = 0;
  n1 = 0;
  n2 = 0;
  n3 = 0;
  n4 = 0;
  /** words[0, word_count) are this event's; the array is the slot's own, reused */
  readonly words: number[] = [];
  word_count = 0;

  read(): TraceEvent {
    const detail = this.code === 0 ? this.text : NUMERIC_EVENTS[this.code - 1].detail({ ...this, words: this.words.slice(0, this.word_count) });
    return { seq: this.seq, t: this.t, task: this.task, event: this.event, detail };
  }
}

export class Trace {
  private readonly ring: Slot[] = [];
  private readonly hash = new Fnv1a64();
  /** the numbers of the event being recorded, hashed in one go: t as two u32s, n0..n4, the word count, the words */
  private readonly numbers = new Uint32Array(8 + LIMITS.msg_words_max);
  private next = 0;
  count = 0;
  private readonly listeners: TraceListener[] = [];

  constructor(readonly kept_max: number = LIMITS.trace_events_kept) {}

  /** A text event: hashed over (0, t, task, event, detail). */
  append(t: Cycles, task: string, event: string, detail: string): void {
    const h = this.hash;
    h.byte(0);
    h.u64(t);
    h.str(task);
    h.str(event);
    h.str(detail);
    const s = this.slot(t, task, 0, event);
    s.text = detail;
    this.kept(s);
  }

  /**
   * A numeric event: hashed over (code, t, n0..n4 as u32s, the words' count and the words). The
   * names are for reading only, so the numbers must identify what they name (thread ids, an ASID).
   */
  record(t: Cycles, task: string, code: number, name_a: string, name_b: string, n0: number, n1: number, n2: number, n3: number, n4: number, words: readonly number[]): void {
    const h = this.hash;
    h.byte(code);
    const n = this.numbers;
    n[0] = t >>> 0;
    n[1] = Math.floor(t / 2 ** 32);
    n[2] = n0;
    n[3] = n1;
    n[4] = n2;
    n[5] = n3;
    n[6] = n4;
    n[7] = words.length;
    const count = Math.min(words.length, n.length - 8);
    for (let i = 0; i < count; i++) n[8 + i] = words[i];
    h.u32s(n, 8 + count);
    for (let i = count; i < words.length; i++) h.u32(words[i]);
    const s = this.slot(t, task, code, NUMERIC_EVENTS[code - 1].event);
    s.name_a = name_a;
    s.name_b = name_b;
    s.n0 = n0;
    s.n1 = n1;
    s.n2 = n2;
    s.n3 = n3;
    s.n4 = n4;
    for (let i = 0; i < words.length; i++) s.words[i] = words[i];
    s.word_count = words.length;
    this.kept(s);
  }

  private slot(t: Cycles, task: string, code: number, event: string): Slot {
    let s = this.ring[this.next];
    if (s === undefined) {
      s = new Slot();
      this.ring.push(s);
    }
    s.seq = this.count;
    s.t = t;
    s.task = task;
    s.code = code;
    s.event = event;
    return s;
  }

  private kept(s: Slot): void {
    this.count++;
    this.next = (this.next + 1) % this.kept_max;
    if (this.listeners.length === 0) return;
    const e = s.read();
    for (const listen of this.listeners) listen(e);
  }

  /** Subscribes to every event as it is appended (for the dashboard and replay). */
  listen(listener: TraceListener): void {
    this.listeners.push(listener);
  }

  /** The kept events, oldest first. */
  events(): TraceEvent[] {
    const ordered = this.ring.length < this.kept_max ? this.ring : this.ring.slice(this.next).concat(this.ring.slice(0, this.next));
    return ordered.map((s) => s.read());
  }

  /** The hash of every event so far (the trace may go on afterwards): 16 hex digits. */
  traceHash(): string {
    return this.hash.hex();
  }
}

/** One fixed-column line per event, TigerBeetle-simulator style. */
export function formatTraceLine(e: TraceEvent): string {
  return `${String(e.t).padStart(12)}  ${e.task.padEnd(12).slice(0, 12)}  ${e.event.padEnd(14)}  ${e.detail}`;
}
