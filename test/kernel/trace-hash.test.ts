// The trace hash is FNV-1a 64 over a fixed encoding of each event in units (a byte, a u32, a
// UTF-16 code unit: each xored in whole before one multiply): checked against the algorithm's
// published test vectors (units that are bytes) and against a BigInt transcription of its
// definition for any units, so that the incremental two-lane arithmetic is the algorithm and gives
// one value on every host.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Fnv1a64 } from '../../src/kernel/trace-hash.ts';
import { NO_WORDS, Trace, TRACE_CODE } from '../../src/kernel/trace.ts';

const MASK_64 = (1n << 64n) - 1n;
function reference(units: readonly number[]): string {
  let h = 0xcbf29ce484222325n;
  for (const u of units) h = ((h ^ BigInt(u)) * 0x100000001b3n) & MASK_64;
  return h.toString(16).padStart(16, '0');
}
function u64Units(n: number): number[] {
  const big = BigInt(n);
  return [Number(big & 0xffffffffn), Number(big >> 32n)];
}

describe('trace hash (FNV-1a 64 over units)', () => {
  it('gives the published test vectors', () => {
    const of = (s: string): string => {
      const h = new Fnv1a64();
      for (const c of Buffer.from(s, 'latin1')) h.byte(c);
      return h.hex();
    };
    expect(of('')).toBe('cbf29ce484222325');
    expect(of('a')).toBe('af63dc4c8601ec8c');
    expect(of('foobar')).toBe('85944171f73967e8');
  });

  it('is the definition, unit for unit, for any bytes, u32s, u64s and strings', () => {
    const item = fc.oneof(
      fc.record({ byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ u32: fc.nat({ max: 0xffffffff }) }),
      fc.record({ u64: fc.maxSafeNat() }),
      fc.record({ str: fc.string({ unit: 'binary', maxLength: 12 }) }),
    );
    fc.assert(
      fc.property(fc.array(item, { maxLength: 20 }), (items) => {
        const h = new Fnv1a64();
        const units: number[] = [];
        for (const it of items) {
          if ('byte' in it) (h.byte(it.byte), units.push(it.byte));
          else if ('u32' in it) (h.u32(it.u32), units.push(it.u32));
          else if ('u64' in it) (h.u64(it.u64), units.push(...u64Units(it.u64)));
          else {
            h.str(it.str);
            units.push(it.str.length);
            for (let i = 0; i < it.str.length; i++) units.push(it.str.charCodeAt(i));
          }
        }
        expect(h.hex()).toBe(reference(units));
      }),
      { numRuns: 300 },
    );
  });

  it('hashes a numeric event as the definition over its units: code, t (low, high), its numbers, and for a message the word count and words', () => {
    // numbers each event hashes, and whether it carries words, by code (trace.ts's table)
    const ROWS: Record<number, { numbers: number; words: boolean }> = { 1: { numbers: 5, words: true }, 2: { numbers: 5, words: true }, 3: { numbers: 3, words: false }, 4: { numbers: 3, words: false }, 5: { numbers: 3, words: false }, 6: { numbers: 2, words: false } };
    const eventArb = fc.record({
      code: fc.integer({ min: 1, max: 6 }),
      t: fc.maxSafeNat(),
      n: fc.array(fc.nat({ max: 0xffffffff }), { minLength: 5, maxLength: 5 }),
      words: fc.array(fc.nat({ max: 0xffffffff }), { maxLength: 8 }),
    });
    fc.assert(
      fc.property(fc.array(eventArb, { minLength: 1, maxLength: 6 }), (events) => {
        const trace = new Trace();
        const units: number[] = [];
        for (const e of events) {
          const row = ROWS[e.code];
          const words = row.words ? e.words : [];
          trace.record(e.t, 'task', e.code, 'a', 'b', e.n[0], e.n[1], e.n[2], e.n[3], e.n[4], words);
          units.push(e.code, ...u64Units(e.t), ...e.n.slice(0, row.numbers));
          if (row.words) units.push(words.length, ...words);
        }
        expect(trace.traceHash()).toBe(reference(units));
      }),
      { numRuns: 300 },
    );
  });

  it('a trace hash depends on every number of a numeric event and every character of a text event', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 0xffffffff }), { minLength: 8, maxLength: 8 }), fc.nat({ max: 7 }), fc.nat({ max: 31 }), (nums, which, bit) => {
        const hashOf = (n: number[]): string => {
          const t = new Trace();
          t.record(n[0], 'task', 1, 'a', 'b', n[1], n[2], n[3], n[4], n[5], [n[6], n[7]]);
          t.append(5, 'task', 'ev', 'detail');
          return t.traceHash();
        };
        const flipped = nums.slice();
        flipped[which] = (flipped[which] ^ (1 << bit)) >>> 0;
        expect(hashOf(flipped)).not.toBe(hashOf(nums));
      }),
      { numRuns: 200 },
    );
    const text = (detail: string): string => {
      const t = new Trace();
      t.append(1, 'task', 'ev', detail);
      return t.traceHash();
    };
    expect(text('ab')).not.toBe(text('ba'));
  });

  it('keeps the last events with their text, and formats numeric ones as they read', () => {
    const t = new Trace(3);
    t.record(10, 'client0', 1, 'client0.main', 'fs.main', 4, 5, 0x101, 7, 0, [1, 2]);
    for (let i = 0; i < 3; i++) t.append(20 + i, 'kernel', 'irq', `line=${i}`);
    expect(t.events().map((e) => `${e.seq} ${e.t} ${e.event} ${e.detail}`)).toEqual(['1 20 irq line=0', '2 21 irq line=1', '3 22 irq line=2']);
    const u = new Trace();
    u.record(10, 'client0', 1, 'client0.main', 'fs.main', 4, 5, 0x101, 7, 0, [1, 2]);
    expect(u.events()[0]).toEqual({ seq: 0, t: 10, task: 'client0', event: 'ipc-call', detail: 'client0.main -> fs.main badge=257 label=7 words=1,2 buf=0' });
    u.record(12, 'client0', TRACE_CODE['sys-call'], 'client0.main', 'fs', 4, 2, 0, 0, 0, NO_WORDS);
    expect(u.events()[1]).toEqual({ seq: 1, t: 12, task: 'client0', event: 'sys-call', detail: 'client0.main -> fs' });
  });
  it('keeps exactly the last kept_max events, in order, as its ring fills and wraps', () => {
    fc.assert(
      // up to 3,500 events (fast-check's default size would keep an array of them to about ten),
      // as a short pattern of kinds repeated (which shrinks fast)
      fc.property(fc.integer({ min: 1, max: 1_500 }), fc.integer({ min: 0, max: 3_500 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), (kept, n, pattern) => {
        const kinds = Array.from({ length: n }, (_, i) => pattern[i % pattern.length]);
        const t = new Trace(kept);
        kinds.forEach((numeric, i) => {
          if (numeric) t.record(i, 'task', TRACE_CODE['ipc-call'], 'a', 'b', i, 1, 2, 3, 0, [i, i + 1]);
          else t.append(i, 'task', 'ev', `text ${i}`);
        });
        const expected = kinds.map((numeric, i) => (numeric ? `a -> b badge=2 label=3 words=${i},${i + 1} buf=0` : `text ${i}`)).slice(-kept);
        const events = t.events();
        expect(events.map((e) => e.detail)).toEqual(expected);
        expect(events.map((e) => e.seq)).toEqual(expected.map((_, j) => kinds.length - expected.length + j));
      }),
      { numRuns: 60 },
    );
  });
});
