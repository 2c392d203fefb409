// The trace hash: FNV-1a, 64-bit (Fowler, Noll, Vo; the parameters of the published algorithm:
// offset basis 0xcbf29ce484222325, prime 0x100000001b3), fed incrementally with the bytes of each
// event's numbers. It is not cryptographic and need not be: it tells two runs apart, it does not
// resist an adversary. SHA-256 stays where a digest is published (a campaign's digest).
//
// Why this and not a library: the hash is updated several times per simulated IPC, a few numbers
// at a time. The npm hashes either take strings or byte buffers per call (a native or WebAssembly
// crossing, or a BigInt per byte, costs more than the hashing of four numbers) or are 32-bit. FNV-1a
// needs one multiply per byte, which splits into two 32-bit lanes because the prime is 2^40 + 0x1b3;
// that is all the code below does, in plain integer arithmetic, so it gives the same value on every
// Node version and machine. test/kernel/trace-hash.test.ts checks it against the published test
// vectors and against a BigInt transcription of the definition.
//
// The bytes an event contributes (one encoding, so that two events never hash alike by accident):
// a time in cycles as the 8 little-endian bytes of a 64-bit unsigned integer; a u32 as its 4
// little-endian bytes; a string as its length (a u32) and then its UTF-16 code units, each as 2
// little-endian bytes.

const PRIME_LOW = 0x1b3;
const TWO_32 = 4294967296;
const SCRATCH = new Uint32Array(2);

export class Fnv1a64 {
  private hi = 0xcbf29ce4;
  private lo = 0x84222325;

  /** One byte (0..255). */
  byte(b: number): void {
    const lo = (this.lo ^ b) >>> 0;
    const m = lo * PRIME_LOW; // < 2^41: exact
    this.hi = (Math.imul(this.hi, PRIME_LOW) + (lo << 8) + ((m / TWO_32) | 0)) >>> 0;
    this.lo = m >>> 0;
  }

  /** A u32, as 4 little-endian bytes (any number is taken modulo 2^32). */
  u32(n: number): void {
    SCRATCH[0] = n;
    this.u32s(SCRATCH, 1);
  }

  /** A whole number 0 ≤ n < 2^53 (a cycle count), as 8 little-endian bytes. */
  u64(n: number): void {
    SCRATCH[0] = n >>> 0;
    SCRATCH[1] = Math.floor(n / TWO_32);
    this.u32s(SCRATCH, 2);
  }

  /**
   * words[0, count), each as a u32 of 4 little-endian bytes: byte() over and over, with the state
   * in locals and the multiply split in 16-bit halves so that it stays in integer arithmetic (this
   * runs for every event).
   */
  u32s(words: Uint32Array, count: number): void {
    let hi = this.hi;
    let lo = this.lo;
    for (let i = 0; i < count; i++) {
      const w = words[i];
      for (let shift = 0; shift < 32; shift += 8) {
        lo = (lo ^ ((w >>> shift) & 0xff)) >>> 0;
        const low = (lo & 0xffff) * PRIME_LOW; // < 2^25
        const high = (lo >>> 16) * PRIME_LOW + (low >>> 16); // < 2^26
        hi = (Math.imul(hi, PRIME_LOW) + (lo << 8) + (high >>> 16)) | 0;
        lo = ((high << 16) | (low & 0xffff)) >>> 0;
      }
    }
    this.hi = hi >>> 0;
    this.lo = lo;
  }

  /** A string: its length, then its UTF-16 code units. */
  str(s: string): void {
    this.u32(s.length);
    let hi = this.hi;
    let lo = this.lo;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      for (let shift = 0; shift < 16; shift += 8) {
        lo = (lo ^ ((c >>> shift) & 0xff)) >>> 0;
        const low = (lo & 0xffff) * PRIME_LOW;
        const high = (lo >>> 16) * PRIME_LOW + (low >>> 16);
        hi = (Math.imul(hi, PRIME_LOW) + (lo << 8) + (high >>> 16)) | 0;
        lo = ((high << 16) | (low & 0xffff)) >>> 0;
      }
    }
    this.hi = hi >>> 0;
    this.lo = lo;
  }

  /** The value so far, as 16 hex digits. */
  hex(): string {
    return this.hi.toString(16).padStart(8, '0') + this.lo.toString(16).padStart(8, '0');
  }
}
