// The trace hash: FNV-1a, 64-bit (Fowler, Noll, Vo; the parameters of the published algorithm:
// offset basis 0xcbf29ce484222325, prime 0x100000001b3), fed incrementally with each event's
// numbers. It is not cryptographic and need not be: it tells two runs apart, it does not resist an
// adversary. SHA-256 stays where a digest is published (a campaign's digest).
//
// One step of FNV-1a is "xor a unit into the state, multiply by the prime". The published
// algorithm's unit is a byte; here a unit is a whole number below 2^32 — a u32 is one unit, not
// four — so that an event of ten numbers costs ten steps, not forty (this runs for every IPC). With
// units that are bytes it is exactly the published algorithm: the tests check its test vectors,
// and a BigInt transcription of the definition for any units.
//
// Why this and not a library: the hash is updated several times per simulated IPC, a few numbers
// at a time. The npm hashes either take strings or byte buffers per call (a native or WebAssembly
// crossing, or a BigInt per byte, costs more than the hashing of four numbers) or are 32-bit. The
// multiply splits into two 32-bit lanes because the prime is 2^40 + 0x1b3: the low lane is one
// Math.imul, and its carry into the high lane is worked out from 16-bit halves beside it, so that
// it all stays in 32-bit integer arithmetic (a double multiply and its conversion back cost several
// times more) and the low lane's chain from one unit to the next is two instructions; it gives the
// same value on every Node version and machine (test/kernel/trace-hash.test.ts).
//
// The units an event contributes (one encoding, so that two events never hash alike by accident):
// a time in cycles as two units, its low and high 32 bits; a u32 as one unit; a string as its
// length and then its UTF-16 code units, one unit each.
//
// The prime's low part, 0x1b3, and 2^32 (4294967296) are written out as literals where they are
// used, not named as module constants: optimized code (V8) loads and checks a module constant at
// each use and cannot fold it into the arithmetic, so a product's range is unknown and the sums
// go through doubles — the event hash took twice the instructions (callgrind, the null IPC loop).

/**
 * The high lane after one step, x being (low lane xor unit): hi × 0x1b3 + x × 2^8 (the prime's 2^40)
 * + the carry of x × 0x1b3 out of the low lane (below 2^9), worked out from x's 16-bit halves.
 */
function stepHigh(hi: number, x: number): number {
  const carry = ((x >>> 16) * 0x1b3 + (((x & 0xffff) * 0x1b3) >>> 16)) >>> 16;
  return (Math.imul(hi, 0x1b3) + (x << 8) + carry) | 0;
}

export class Fnv1a64 {
  /** the two lanes, each kept as an int32 (the bits of the u32; a small integer to V8, never a boxed double) */
  private hi = 0xcbf29ce4 | 0;
  private lo = 0x84222325 | 0;

  /** One unit: a whole number 0 ≤ u < 2^32 (a byte is a unit too: then this is published FNV-1a). */
  unit(u: number): void {
    const lo = (this.lo ^ u) >>> 0;
    const m = lo * 0x1b3; // < 2^41: exact
    this.hi = (Math.imul(this.hi, 0x1b3) + (lo << 8) + ((m / 4294967296) | 0)) | 0;
    this.lo = m | 0;
  }

  /** A byte (0..255): one unit. */
  byte(b: number): void {
    this.unit(b & 0xff);
  }

  /** A u32 (any number is taken modulo 2^32): one unit. */
  u32(n: number): void {
    this.unit(n >>> 0);
  }

  /** A whole number 0 ≤ n < 2^53 (a cycle count): its low 32 bits, then its high bits. */
  u64(n: number): void {
    this.unit(n >>> 0);
    this.unit(Math.floor(n / 4294967296));
  }

  // One numeric event of the trace, as the units code, t (two units: xor takes t modulo 2^32, and
  // truncates t / 2^32, t ≥ 0, to its floor), its numbers, then — for a message — the word count
  // and the words. One method per shape the trace's rows have (two numbers; three; five and the
  // words).

  /** An event of two numbers. */
  event2(code: number, t: number, n0: number, n1: number): void {
    this.unit(code);
    this.u64(t);
    this.u32(n0);
    this.u32(n1);
  }

  /** An event of three numbers. */
  event3(code: number, t: number, n0: number, n1: number, n2: number): void {
    this.event2(code, t, n0, n1);
    this.u32(n2);
  }

  /**
   * An event of five numbers and message words (ipc-call, ipc-reply; at most msg_words_max: the
   * caller checks). A number is xored in as ToInt32, which has the bits of its u32 (ToUint32): the
   * same units as u32 of each in a row. The numbers come as arguments and the steps are written
   * out, with the state in locals: this runs twice for every null IPC, and built from `unit` and
   * `u32` calls, as the other shapes are, it took about 400 more instructions per round trip (so
   * did one general method for every shape, with a count of numbers and branches on it). Here x is
   * the low lane already xored with the next unit, so a step is the high lane from x, and the next
   * x.
   */
  event5Words(code: number, t: number, n0: number, n1: number, n2: number, n3: number, n4: number, words: readonly number[]): void {
    const count = words.length;
    let x = this.lo ^ code;
    let hi = stepHigh(this.hi, x);
    x = Math.imul(x, 0x1b3) ^ t;
    hi = stepHigh(hi, x);
    x = Math.imul(x, 0x1b3) ^ (t / 4294967296);
    hi = stepHigh(hi, x);
    x = Math.imul(x, 0x1b3) ^ n0;
    hi = stepHigh(hi, x);
    x = Math.imul(x, 0x1b3) ^ n1;
    hi = stepHigh(hi, x);
    x = Math.imul(x, 0x1b3) ^ n2;
    hi = stepHigh(hi, x);
    x = Math.imul(x, 0x1b3) ^ n3;
    hi = stepHigh(hi, x);
    x = Math.imul(x, 0x1b3) ^ n4;
    hi = stepHigh(hi, x);
    x = Math.imul(x, 0x1b3) ^ count;
    for (let i = 0; i < count; i++) {
      hi = stepHigh(hi, x);
      x = Math.imul(x, 0x1b3) ^ words[i];
    }
    this.hi = stepHigh(hi, x);
    this.lo = Math.imul(x, 0x1b3);
  }

  /** A string: its length, then its UTF-16 code units. */
  str(s: string): void {
    this.unit(s.length);
    let hi = this.hi;
    let lo = this.lo;
    for (let i = 0; i < s.length; i++) {
      const x = lo ^ s.charCodeAt(i);
      hi = stepHigh(hi, x);
      lo = Math.imul(x, 0x1b3);
    }
    this.hi = hi;
    this.lo = lo;
  }

  /** The value so far, as 16 hex digits. */
  hex(): string {
    return (this.hi >>> 0).toString(16).padStart(8, '0') + (this.lo >>> 0).toString(16).padStart(8, '0');
  }
}
