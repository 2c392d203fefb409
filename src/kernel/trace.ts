// The kernel's trace: every event (IPC, map/unmap, exception, interrupt, kill, …) with its
// virtual time. The last few thousand are kept in a ring for display and replay diffs; all of them
// feed the trace hash (FNV-1a 64, trace-hash.ts), which is part of every result. Same inputs ⇒ same
// hash.
//
// The frequent events (a message crossing, a page mapped or unmapped, a call made) are recorded
// as numbers — `record` — and hashed over those numbers; their text is made only when someone
// reads the event (the dashboard, a replay). Rare events (`append`) carry their text and are hashed
// over it. The ring is a set of typed arrays written in place, so recording allocates nothing.
import { ReusePool } from '../hw/buffer-pool.ts';
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
 * The numeric events: one row each, with its shape — how many of n0..n4 it uses (only those are
 * hashed) and whether it carries message words — and the text it prints as. The row's index is
 * its code in the hash (after 0, which marks a text event), so rows are only ever appended. There
 * are three shapes, each recorded and hashed by its own method (`recordPair`, `recordPage`,
 * `recordMessage`; `record` takes any code and calls its row's).
 */
const NUMERIC_EVENTS = [
  // threads name_a (id n0) -> name_b (id n1); n2 badge, n3 label, n4 buffer bytes, the words
  { event: 'ipc-call', numbers: 5, words: true, detail: (f: NumericFields) => `${f.name_a} -> ${f.name_b} badge=${f.n2} label=${f.n3} words=${f.words.join(',')} buf=${f.n4}` },
  { event: 'ipc-reply', numbers: 5, words: true, detail: (f: NumericFields) => `${f.name_a} -> ${f.name_b} badge=${f.n2} label=${f.n3} words=${f.words.join(',')} buf=${f.n4}` },
  // a page of address space n0 (its ASID): n1 the page number, n2 the frame
  { event: 'map', numbers: 3, words: false, detail: (f: NumericFields) => `vpn=0x${f.n1.toString(16)} frame=${f.n2}` },
  { event: 'grant', numbers: 3, words: false, detail: (f: NumericFields) => `vpn=0x${f.n1.toString(16)} frame=${f.n2}` },
  { event: 'unmap', numbers: 3, words: false, detail: (f: NumericFields) => `vpn=0x${f.n1.toString(16)} frame=${f.n2}` },
  // a call made: thread name_a (id n0) -> endpoint name_b (id n1)
  { event: 'sys-call', numbers: 2, words: false, detail: (f: NumericFields) => `${f.name_a} -> ${f.name_b}` },
] as const;

export type NumericEvent = (typeof NUMERIC_EVENTS)[number]['event'];
/** The code `record` takes for each numeric event. */
export const TRACE_CODE = Object.fromEntries(NUMERIC_EVENTS.map((row, i) => [row.event, i + 1])) as Record<NumericEvent, number>;
export const NO_WORDS: readonly number[] = Object.freeze([]);
const NUMBERS_MAX = 5;
const WORDS_MAX = LIMITS.msg_words_max;
/** each code's shape (index 0, a text event, unused) */
const SHAPE_PAIR = 1;
const SHAPE_PAGE = 2;
const SHAPE_MESSAGE = 3;
const SHAPE_OF = Uint8Array.from([
  0,
  ...NUMERIC_EVENTS.map((row: { event: string; numbers: number; words: boolean }): number => {
    if (row.numbers === 2 && !row.words) return SHAPE_PAIR;
    if (row.numbers === 3 && !row.words) return SHAPE_PAGE;
    if (row.numbers === 5 && row.words) return SHAPE_MESSAGE;
    throw new Error(`invariant: trace event ${row.event} has a shape no record method takes`);
  }),
]);

/** The ring's storage, kept across a thread's traces (src/hw/buffer-pool.ts). */
interface Ring {
  readonly t: Float64Array;
  readonly code: Uint8Array;
  readonly numbers: Uint32Array;
  readonly words: Uint32Array;
  readonly word_count: Uint8Array;
  readonly task: string[];
  readonly a: string[];
  readonly b: string[];
}

const RINGS = new ReusePool<Ring>('trace ring');

function makeRing(kept_max: number): Ring {
  return {
    t: new Float64Array(kept_max),
    code: new Uint8Array(kept_max),
    numbers: new Uint32Array(kept_max * NUMBERS_MAX),
    words: new Uint32Array(kept_max * WORDS_MAX),
    word_count: new Uint8Array(kept_max),
    task: new Array<string>(kept_max).fill(''),
    a: new Array<string>(kept_max).fill(''),
    b: new Array<string>(kept_max).fill(''),
  };
}

/**
 * The trace. The kept events live in a ring of parallel arrays (typed arrays for the numbers, plain
 * arrays for the names), slot `seq % kept_max` for event `seq`: recording writes numbers into
 * place and allocates nothing.
 */
export class Trace {
  private readonly hash = new Fnv1a64();
  private readonly ring_t: Float64Array;
  private readonly ring_code: Uint8Array;
  private readonly ring_numbers: Uint32Array;
  private readonly ring_words: Uint32Array;
  private readonly ring_word_count: Uint8Array;
  private readonly ring_task: string[];
  /** a text event's name and detail; a numeric event's two names */
  private readonly ring_a: string[];
  private readonly ring_b: string[];
  private next = 0;
  count = 0;
  private readonly listeners: TraceListener[] = [];
  private readonly ring: Ring;
  private released = false;

  constructor(readonly kept_max: number = LIMITS.trace_events_kept) {
    // A ring needs no reset: only slots written since are ever read (see `read`, `events`).
    const ring = (this.ring = RINGS.take(String(kept_max), () => makeRing(kept_max)));
    this.ring_t = ring.t;
    this.ring_code = ring.code;
    this.ring_numbers = ring.numbers;
    this.ring_words = ring.words;
    this.ring_word_count = ring.word_count;
    this.ring_task = ring.task;
    this.ring_a = ring.a;
    this.ring_b = ring.b;
  }

  /** Hands the ring back for the next trace of this thread; the hash stays readable, the events do not. */
  release(): void {
    if (this.released) throw new Error('invariant: trace released twice');
    this.released = true;
    RINGS.give(String(this.kept_max), this.ring);
  }

  /** A text event: hashed over (0, t, task, event, detail). */
  append(t: Cycles, task: string, event: string, detail: string): void {
    const h = this.hash;
    h.unit(0);
    h.u64(t);
    h.str(task);
    h.str(event);
    h.str(detail);
    // A text event's slot: code 0, its event and detail where a numeric event keeps its names.
    this.keep(t, 0, 0, task, event, detail);
  }

  /**
   * A numeric event: hashed over (code, t, the event's own numbers as u32s, and for a message its
   * word count and words). The names are for reading only, so the numbers must identify what they
   * name (thread ids, an ASID). Numbers past the event's own are ignored. The kernel's hot paths
   * call the method of the event's shape directly.
   */
  record(t: Cycles, task: string, code: number, name_a: string, name_b: string, n0: number, n1: number, n2: number, n3: number, n4: number, words: readonly number[]): void {
    switch (SHAPE_OF[code]) {
      case SHAPE_PAIR:
        this.recordPair(t, task, code, name_a, name_b, n0, n1);
        return;
      case SHAPE_PAGE:
        this.recordPage(t, task, code, name_a, name_b, n0, n1, n2);
        return;
      case SHAPE_MESSAGE:
        this.recordMessage(t, task, code, name_a, name_b, n0, n1, n2, n3, n4, words);
        return;
      default:
        throw new Error(`invariant: trace code ${code} is no numeric event`);
    }
  }

  // The shapes' methods keep only the event's own numbers (its text reads no others): a store into
  // a typed array converts the number. Each is hashed as the u32s the ring holds (the hash xors
  // each in as ToInt32: the same bits).

  /** An event of two numbers (sys-call). */
  recordPair(t: Cycles, task: string, code: number, name_a: string, name_b: string, n0: number, n1: number): void {
    this.keepPair(n0, n1);
    this.hash.event2(code, t, n0, n1);
    this.keep(t, code, 0, task, name_a, name_b);
  }

  /** An event of three numbers (map, grant, unmap). */
  recordPage(t: Cycles, task: string, code: number, name_a: string, name_b: string, n0: number, n1: number, n2: number): void {
    this.ring_numbers[this.keepPair(n0, n1) + 2] = n2;
    this.hash.event3(code, t, n0, n1, n2);
    this.keep(t, code, 0, task, name_a, name_b);
  }

  /** An event of five numbers and a message's words (ipc-call, ipc-reply): at most msg_words_max, as a message never has more. */
  recordMessage(t: Cycles, task: string, code: number, name_a: string, name_b: string, n0: number, n1: number, n2: number, n3: number, n4: number, words: readonly number[]): void {
    const count = words.length;
    if (count > WORDS_MAX) throw new Error(`invariant: a traced message of ${count} words`);
    const base = this.keepPair(n0, n1);
    const n = this.ring_numbers;
    n[base + 2] = n2;
    n[base + 3] = n3;
    n[base + 4] = n4;
    const w = this.ring_words;
    const wbase = this.next * WORDS_MAX;
    for (let k = 0; k < count; k++) w[wbase + k] = words[k];
    this.hash.event5Words(code, t, n0, n1, n2, n3, n4, words);
    this.keep(t, code, count, task, name_a, name_b);
  }

  /** Keeps an event's first two numbers in the next slot; answers where its numbers start in ring_numbers. */
  private keepPair(n0: number, n1: number): number {
    const base = this.next * NUMBERS_MAX;
    this.ring_numbers[base] = n0;
    this.ring_numbers[base + 1] = n1;
    return base;
  }

  /** Writes the rest of a numeric event's slot. */
  private keep(t: Cycles, code: number, word_count: number, task: string, name_a: string, name_b: string): void {
    const i = this.next;
    this.ring_t[i] = t;
    this.ring_code[i] = code;
    this.ring_word_count[i] = word_count;
    this.ring_task[i] = task;
    this.ring_a[i] = name_a;
    this.ring_b[i] = name_b;
    this.kept(i);
  }

  private kept(i: number): void {
    this.count++;
    if (++this.next === this.kept_max) this.next = 0;
    if (this.listeners.length !== 0) this.tell(i);
  }

  /** Hands the event in slot i, just kept, to every listener (apart from `kept`, which runs for every event: small enough to inline). */
  private tell(i: number): void {
    const e = this.read(i, this.count - 1);
    for (const listen of this.listeners) listen(e);
  }

  /** The event in slot i, whose sequence number is seq. */
  private read(i: number, seq: number): TraceEvent {
    const code = this.ring_code[i];
    if (code === 0) return { seq, t: this.ring_t[i], task: this.ring_task[i], event: this.ring_a[i], detail: this.ring_b[i] };
    const n = this.ring_numbers;
    const base = i * NUMBERS_MAX;
    const row = NUMERIC_EVENTS[code - 1];
    const words = Array.from(this.ring_words.subarray(i * WORDS_MAX, i * WORDS_MAX + this.ring_word_count[i]));
    const detail = row.detail({ name_a: this.ring_a[i], name_b: this.ring_b[i], n0: n[base], n1: n[base + 1], n2: n[base + 2], n3: n[base + 3], n4: n[base + 4], words });
    return { seq, t: this.ring_t[i], task: this.ring_task[i], event: row.event, detail };
  }

  /** Subscribes to every event as it is appended (for the dashboard and replay). */
  listen(listener: TraceListener): void {
    this.listeners.push(listener);
  }

  /** The kept events, oldest first. */
  events(): TraceEvent[] {
    if (this.released) throw new Error('invariant: a trace read after its ring was released');
    const kept = Math.min(this.count, this.kept_max);
    const out: TraceEvent[] = [];
    for (let seq = this.count - kept; seq < this.count; seq++) out.push(this.read(seq % this.kept_max, seq));
    return out;
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
