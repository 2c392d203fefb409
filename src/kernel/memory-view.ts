// ctx.mem: a thread's loads and stores. Each access is translated by the MMU through the task's
// own page table and charged in cycles; an unmapped page, a store to a read-only page or a
// misaligned access stops the thread with a fault that the kernel delivers to its fault handler.
// The fault is recorded on the thread before it is thrown, so that server code which catches it
// is stopped all the same: a simulated program cannot handle its own page faults.
//
// The fault injector attaches through one named hook, `MemoryHook`, called before every access:
// it may redirect the address (a wild write, a flipped address), change the value stored, or ask
// for bits of the loaded value to be flipped (the paper's register bit flips).
import type { Clock } from '../hw/clock.ts';
import type { CostTable } from '../hw/cost.ts';
import type { Machine } from '../hw/machine.ts';
import { XLATE_READONLY, XLATE_UNMAPPED, type Mmu, type PageTable } from '../hw/mmu.ts';
import type { VirtAddr } from '../hw/types.ts';
import { LIMITS } from '../hw/limits.ts';
import { copyBytes } from '../hw/memory.ts';
import type { ExceptionKind, Thread } from './objects.ts';

export class SimFault extends Error {
  constructor(
    readonly kind: ExceptionKind,
    readonly vaddr: VirtAddr,
    message: string,
  ) {
    // Thrown at every simulated page fault and caught by the kernel, which keeps its kind, address
    // and message (kernel.ts faultFromThrown): no host stack trace to capture, nobody reads one.
    const stack_frames_max = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = stack_frames_max;
    this.name = 'SimFault';
  }
}

/** The record a memory hook sees and may change. One object is reused for every access. */
export interface MemAccess {
  thread: Thread;
  write: boolean;
  vaddr: VirtAddr;
  /** 1, 2 or 4 for a scalar access; the byte count of a bulk access */
  size: number;
  /** the value a scalar store writes (a hook may change it) */
  value: number;
  /** bits to flip in the value a scalar load returns */
  xor_result: number;
}
export type MemoryHook = (access: MemAccess) => void;

export interface Mem {
  load8(vaddr: VirtAddr): number;
  load16(vaddr: VirtAddr): number;
  load32(vaddr: VirtAddr): number;
  store8(vaddr: VirtAddr, value: number): void;
  store16(vaddr: VirtAddr, value: number): void;
  store32(vaddr: VirtAddr, value: number): void;
  loadBytes(vaddr: VirtAddr, len: number): Uint8Array;
  /** loadBytes(vaddr, into.length) into `into` (the same access, charged the same): no fresh array */
  loadBytesInto(vaddr: VirtAddr, into: Uint8Array): void;
  storeBytes(vaddr: VirtAddr, bytes: Uint8Array): void;
}

export interface MemoryViewHost {
  readonly machine: Machine;
  /** the thread now running; accesses by any other thread's view are refused */
  running(): Thread | null;
  memoryHook: MemoryHook | null;
}

/**
 * Entries of a thread's translation cache, direct-mapped by page number (a host-side shortcut, not
 * part of the simulated machine: what an access costs is the TLB model's either way).
 */
const XLATE_CACHE_ENTRIES = 16;
/** an entry of the translation cache: its numbers' places, and its length */
const [XC_VPN, XC_GENERATION, XC_BASE, XC_WRITABLE, XC_ENTRY, XC_TAG] = [0, 1, 2, 3, 4, 5];
const XC_STRIDE = 8;
const ACCESSES_MAX = LIMITS.accesses_per_slice_max;
const VADDR_END = 2 ** LIMITS.vaddr_bits;
/** the largest loadBytes/storeBytes */
const BULK_BYTES_MAX = LIMITS.msg_buf_bytes_max * 64;
/**
 * The fast path's unit: it compares an address with the 4 KiB block of the last access (with the
 * alignment's bits, in one masked compare against constants). A page of 4 KiB or more holds whole
 * blocks; smaller pages go the slower paths.
 */
const FAST_BLOCK_BYTES = 4096;
const FAST_MASK_8 = ~(FAST_BLOCK_BYTES - 1);
const FAST_MASK_16 = FAST_MASK_8 | 1;
const FAST_MASK_32 = FAST_MASK_8 | 3;
/** the fast path's address check, (vaddr | 0) === vaddr, admits 31-bit addresses: the rest of the 32-bit space goes the slower paths */
if (LIMITS.vaddr_bits !== 32) throw new Error('invariant: memory-view.ts assumes 32-bit virtual addresses');
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('invariant: memory-view.ts assumes a little-endian host');

/**
 * A thread's `ctx.mem`. Its state is in real private fields (`#`), not TypeScript's `private`:
 * server code holds this object, and must reach no kernel object through it (the thread, its task,
 * its capabilities, the kernel) — only the loads and stores below.
 */
export class MemoryView implements Mem {

  readonly #access: MemAccess;
  readonly #host: MemoryViewHost;
  readonly #thread: Thread;
  readonly #mmu: Mmu;
  readonly #table: PageTable;
  readonly #u8: Uint8Array;
  readonly #u16: Uint16Array;
  readonly #u32: Uint32Array;
  readonly #page_shift: number;
  readonly #page_mask: number;
  readonly #clock: Clock;
  readonly #costs: CostTable;
  /**
   * The translation cache, XC_STRIDE numbers an entry: page (-1: none), the page table's
   * generation then, physical base, whether stores are allowed (1) or not (0), and the TLB entry
   * and tag that hold the page (see mmu.ts). One array, so that a view costs one allocation.
   */
  readonly #xc = new Float64Array(XLATE_CACHE_ENTRIES * XC_STRIDE).fill(-1);
  // The fast path, open or closed. Open: the first address of the 4 KiB block (FAST_BLOCK_BYTES) of
  // the last access, below 2^31, for loads and — when its page may be stored to — for stores.
  // Closed: -1, which no address masked with FAST_MASK_* equals.
  #f_load_block = -1;
  #f_store_block = -1;
  /** physical minus virtual address in that block (a small integer, so that the field stays one) */
  #f_delta = 0;
  /**
   * The watchdog's budget, shared out between loads and stores when the fast path opens: each
   * counts down, one per hit, and the two never add up to more than the accesses the thread may
   * still make. Two counts, not one, because a count is a field read, decremented and written back
   * at every hit, and the next hit must wait for that write: with one count, a store waits for the
   * load before it; with two, a loop of loads and stores runs two such chains side by side (about
   * 1.35× the accesses per second of one count in bench/mmu-access.ts). When one share runs out,
   * its next access goes the slower path, which settles both and shares out what is left.
   */
  #f_loads_left = 0;
  #f_stores_left = 0;
  /** #f_loads_left + #f_stores_left when the fast path's hits were last settled */
  #f_settled = 0;
  /**
   * Counts the hits made on the fast path on the thread and charges them to the clock: each is one
   * TLB hit, `mem_access` cycles. The clock has them settled before anyone reads the time (`owe`),
   * and so does every slower path before it looks at the thread's count.
   */
  readonly #settle = (): void => {
    const left = this.#f_loads_left + this.#f_stores_left;
    const hits = this.#f_settled - left;
    if (hits === 0) return;
    this.#f_settled = left;
    this.#thread.accesses_in_slice += hits;
    this.#thread.task.accesses_made += hits;
    this.#clock.charge(hits * this.#costs.mem_access);
  };
  /** Closes the fast path and settles its hits: the MMU and the page table call it when it may no longer hold. */
  readonly #close = (): void => {
    this.#f_load_block = -1;
    this.#f_store_block = -1;
    this.#settle();
  };

  constructor(host: MemoryViewHost, thread: Thread) {
    this.#host = host;
    this.#thread = thread;
    this.#access = { thread, write: false, vaddr: 0, size: 0, value: 0, xor_result: 0 };
    this.#mmu = host.machine.mmu;
    this.#table = thread.task.as.table;
    const memory = host.machine.memory;
    this.#u8 = memory.bytes;
    this.#u16 = memory.u16;
    this.#u32 = memory.u32;
    this.#page_shift = this.#mmu.page_shift;
    this.#page_mask = this.#mmu.page_bytes - 1;
    this.#clock = host.machine.clock;
    this.#costs = host.machine.costs;
  }

  // Three paths, cheapest first. (1) The fast path, inline in each method: while it is open (the
  // MMU and the page table close it on any change that could make it wrong, and so do a slice's
  // start and end and a memory hook's coming or going: mmu.ts), an aligned access to the 4 KiB
  // block of the last access, within the watchdog's budget, is the TLB hit on the most recently
  // used entry that the last one was. It costs an integer check, one masked compare against
  // constants (block and alignment at once) and the budget's count (a field counting down: loads
  // and stores each have their own share, see #f_loads_left); it
  // is charged one `mem_access` when the time is next read, and indexes a typed array over
  // physical memory (the host is little-endian, checked above, so it reads as the DataView of the
  // full path does). A thread's fault is set by #stop, which closes the fast path, or by the
  // injector, whose hook keeps it closed. (2) #cached: the per-thread translation cache. (3) The
  // full path, which checks and charges everything itself.
  load8(vaddr: VirtAddr): number {
    if ((vaddr | 0) === vaddr && (vaddr & FAST_MASK_8) === this.#f_load_block && this.#f_loads_left > 0) {
      this.#f_loads_left--;
      return this.#u8[vaddr + this.#f_delta];
    }
    return this.#load(vaddr, 1);
  }
  load16(vaddr: VirtAddr): number {
    if ((vaddr | 0) === vaddr && (vaddr & FAST_MASK_16) === this.#f_load_block && this.#f_loads_left > 0) {
      this.#f_loads_left--;
      return this.#u16[(vaddr + this.#f_delta) >>> 1];
    }
    return this.#load(vaddr, 2);
  }
  load32(vaddr: VirtAddr): number {
    if ((vaddr | 0) === vaddr && (vaddr & FAST_MASK_32) === this.#f_load_block && this.#f_loads_left > 0) {
      this.#f_loads_left--;
      return this.#u32[(vaddr + this.#f_delta) >>> 2];
    }
    return this.#load(vaddr, 4);
  }
  store8(vaddr: VirtAddr, value: number): void {
    if ((vaddr | 0) === vaddr && (vaddr & FAST_MASK_8) === this.#f_store_block && this.#f_stores_left > 0 && Number.isInteger(value)) {
      this.#f_stores_left--;
      this.#u8[vaddr + this.#f_delta] = value;
      return;
    }
    this.#store(vaddr, 1, value);
  }
  store16(vaddr: VirtAddr, value: number): void {
    if ((vaddr | 0) === vaddr && (vaddr & FAST_MASK_16) === this.#f_store_block && this.#f_stores_left > 0 && Number.isInteger(value)) {
      this.#f_stores_left--;
      this.#u16[(vaddr + this.#f_delta) >>> 1] = value;
      return;
    }
    this.#store(vaddr, 2, value);
  }
  store32(vaddr: VirtAddr, value: number): void {
    if ((vaddr | 0) === vaddr && (vaddr & FAST_MASK_32) === this.#f_store_block && this.#f_stores_left > 0 && Number.isInteger(value)) {
      this.#f_stores_left--;
      this.#u32[(vaddr + this.#f_delta) >>> 2] = value;
      return;
    }
    this.#store(vaddr, 4, value);
  }

  /** A load that missed the fast path: through the translation cache, else the full path. */
  #load(vaddr: VirtAddr, size: 1 | 2 | 4): number {
    const pa = this.#cached(vaddr, size, false);
    if (pa < 0) return this.#loadScalar(vaddr, size);
    return size === 1 ? this.#u8[pa] : size === 2 ? this.#u16[pa >>> 1] : this.#u32[pa >>> 2];
  }

  /** A store that missed the fast path: through the translation cache, else the full path. */
  #store(vaddr: VirtAddr, size: 1 | 2 | 4, value: number): void {
    const pa = Number.isInteger(value) ? this.#cached(vaddr, size, true) : -1;
    if (pa < 0) this.#storeScalar(vaddr, size, value);
    else if (size === 1) this.#u8[pa] = value;
    else if (size === 2) this.#u16[pa >>> 1] = value;
    else this.#u32[pa >>> 2] = value;
  }

  /**
   * The translation cache for a plain access (no hook, the thread running and within its budget,
   * aligned): the physical address, charged as a TLB hit, or -1 for the full path (see #hit).
   */
  #cached(vaddr: VirtAddr, size: number, write: boolean): number {
    this.#settle();
    const t = this.#thread;
    if (this.#host.memoryHook !== null || this.#host.running() !== t || t.fault !== null || t.accesses_in_slice >= ACCESSES_MAX) return -1;
    if ((vaddr >>> 0) !== vaddr || (vaddr & (size - 1)) !== 0) return -1;
    const pa = this.#hit(vaddr, write, 1);
    if (pa >= 0) {
      t.accesses_in_slice++;
      t.task.accesses_made++;
    }
    return pa;
  }

  /**
   * The physical address of `vaddr` through a cached translation whose page table has not changed
   * since and whose TLB entry is still there (the MMU charges it as a hit), or -1. Legality comes
   * from the generation check: a translation cached before an unmap or a loss of rights is never
   * used. A hit opens the fast path on its page when no hook listens; `uncounted` is 1 when the
   * caller counts the access only after this (#cached), so that the budget opened leaves room for it.
   */
  #hit(vaddr: VirtAddr, write: boolean, uncounted: 0 | 1): number {
    const vpn = vaddr >>> this.#page_shift;
    const x = (vpn & (XLATE_CACHE_ENTRIES - 1)) * XC_STRIDE;
    const xc = this.#xc;
    if (xc[x + XC_VPN] !== vpn || xc[x + XC_GENERATION] !== this.#table.generation || (write && xc[x + XC_WRITABLE] === 0)) return -1;
    if (!this.#mmu.hit(xc[x + XC_ENTRY], xc[x + XC_TAG])) return -1;
    const pa = xc[x + XC_BASE] + (vaddr & this.#page_mask);
    if (this.#host.memoryHook === null) this.#open(vaddr, pa, xc[x + XC_WRITABLE] === 1, uncounted);
    return pa;
  }

  /** Remembers the translation the MMU just made for `vaddr` (physical address `pa`), and opens the fast path on it when no hook listens. */
  #remember(vaddr: VirtAddr, pa: number): void {
    const vpn = vaddr >>> this.#page_shift;
    const x = (vpn & (XLATE_CACHE_ENTRIES - 1)) * XC_STRIDE;
    const xc = this.#xc;
    const mmu = this.#mmu;
    const base = pa - (vaddr & this.#page_mask);
    xc[x + XC_VPN] = vpn;
    xc[x + XC_GENERATION] = this.#table.generation;
    xc[x + XC_BASE] = base;
    xc[x + XC_WRITABLE] = mmu.last_writable ? 1 : 0;
    xc[x + XC_ENTRY] = mmu.last_entry;
    xc[x + XC_TAG] = mmu.last_tag;
    if (this.#host.memoryHook === null) this.#open(vaddr, pa, mmu.last_writable, 0);
  }

  /**
   * Opens the fast path on the block of `vaddr` (at physical `pa`), with the watchdog's budget left
   * (less the access being made, when it is not counted yet: `uncounted`), shared out between
   * loads and stores — all to loads when the page may not be stored to. It stays closed from 2^31
   * up and on a machine whose pages are smaller than a block.
   */
  #open(vaddr: VirtAddr, pa: number, writable: boolean, uncounted: 0 | 1): void {
    if (vaddr >= 2 ** 31 || this.#page_mask < FAST_BLOCK_BYTES - 1) {
      this.#close();
      return;
    }
    const block = vaddr & FAST_MASK_8;
    this.#f_load_block = block;
    this.#f_store_block = writable ? block : -1;
    this.#f_delta = (pa - vaddr) | 0;
    const left = ACCESSES_MAX - this.#thread.accesses_in_slice - uncounted;
    this.#f_stores_left = writable ? left >>> 1 : 0;
    this.#f_loads_left = left - this.#f_stores_left;
    this.#f_settled = left;
    this.#mmu.holdFast(this.#close);
    this.#table.close_fast = this.#close;
    this.#clock.owe(this.#settle);
  }

  loadBytes(vaddr: VirtAddr, len: number): Uint8Array {
    const a = this.#begin(false, vaddr, len, 0);
    const out = new Uint8Array(len);
    this.#bulk(a.vaddr, out, false);
    return out;
  }

  loadBytesInto(vaddr: VirtAddr, into: Uint8Array): void {
    // Server code may hand anything over: what is not an array of bytes (of any realm) fails before the access.
    if (!ArrayBuffer.isView(into) || (into as { BYTES_PER_ELEMENT?: unknown }).BYTES_PER_ELEMENT !== 1) throw new TypeError('loadBytesInto: into must be a Uint8Array');
    const a = this.#begin(false, vaddr, into.length, 0);
    this.#bulk(a.vaddr, into, false);
  }

  storeBytes(vaddr: VirtAddr, bytes: Uint8Array): void {
    const a = this.#begin(true, vaddr, bytes.length, 0);
    this.#bulk(a.vaddr, bytes, true);
  }

  #loadScalar(vaddr: VirtAddr, size: 1 | 2 | 4): number {
    const a = this.#begin(false, vaddr, size, 0);
    const pa = this.#translate(a.vaddr, size, false);
    const raw = size === 1 ? this.#u8[pa] : size === 2 ? this.#u16[pa >>> 1] : this.#u32[pa >>> 2];
    if (a.xor_result === 0) return raw;
    const mask = size === 4 ? 0xffffffff : (1 << (size * 8)) - 1;
    return ((raw ^ a.xor_result) & mask) >>> 0;
  }

  #storeScalar(vaddr: VirtAddr, size: 1 | 2 | 4, value: number): void {
    if (!Number.isInteger(value)) this.#stop('exception', vaddr, `store of a non-integer value ${value}`);
    const a = this.#begin(true, vaddr, size, value >>> 0);
    const pa = this.#translate(a.vaddr, size, true);
    if (size === 1) this.#u8[pa] = a.value;
    else if (size === 2) this.#u16[pa >>> 1] = a.value;
    else this.#u32[pa >>> 2] = a.value;
  }

  /** Checks the thread may run, counts the access, and lets the hook see it. */
  #begin(write: boolean, vaddr: VirtAddr, size: number, value: number): MemAccess {
    this.#settle();
    const t = this.#thread;
    if (this.#host.running() !== t) throw new SimFault('exception', vaddr, `memory access through the view of thread ${t.name}, which is not running`);
    if (t.fault !== null) throw new SimFault(t.fault.kind, t.fault.vaddr, t.fault.message);
    if (++t.accesses_in_slice > ACCESSES_MAX) this.#stop('watchdog', vaddr, `more than ${ACCESSES_MAX} memory accesses without a system call`);
    if (!Number.isInteger(vaddr) || vaddr < 0 || vaddr >= VADDR_END) this.#stop(write ? 'page-write' : 'page-read', 0, `address ${vaddr} is not a 32-bit address`);
    if (!Number.isInteger(size) || size < 0 || size > BULK_BYTES_MAX) this.#stop('exception', vaddr, `bad access size ${size}`);
    // Counted here, where the hook would see it (the checks above stop the thread before it does).
    t.task.accesses_made++;
    const a = this.#access;
    a.write = write;
    a.vaddr = vaddr;
    a.size = size;
    a.value = value;
    a.xor_result = 0;
    const hook = this.#host.memoryHook;
    if (hook !== null) {
      hook(a);
      a.vaddr = a.vaddr >>> 0;
      a.value = a.value >>> 0;
    }
    return a;
  }

  /** The full path's translation (charged by the MMU): through the translation cache when it holds, else a walk of the page table. */
  #translate(vaddr: VirtAddr, size: number, write: boolean): number {
    if (size > 1 && vaddr % size !== 0) this.#stop('alignment', vaddr, `misaligned ${size}-byte ${write ? 'store' : 'load'} at 0x${vaddr.toString(16)}`);
    const hit = this.#hit(vaddr, write, 0);
    if (hit >= 0) return hit;
    const pa = this.#mmu.translate(this.#table, vaddr, write);
    if (pa === XLATE_UNMAPPED) this.#stop(write ? 'page-write' : 'page-read', vaddr, `page fault: ${write ? 'store to' : 'load from'} unmapped 0x${vaddr.toString(16)}`);
    if (pa === XLATE_READONLY) this.#stop('page-write', vaddr, `page fault: store to read-only 0x${vaddr.toString(16)}`);
    this.#remember(vaddr, pa);
    return pa;
  }

  /** Copies between `data` and a range from `vaddr` page by page; each page is one translation, each further word one access. */
  #bulk(vaddr: VirtAddr, data: Uint8Array, write: boolean): void {
    const len = data.length;
    const page_mask = this.#page_mask;
    const word_cycles = this.#costs.mem_access;
    let off = 0;
    while (off < len) {
      const va = vaddr + off;
      const n = Math.min(len - off, page_mask + 1 - (va & page_mask));
      const pa = this.#translate(va, 1, write);
      this.#clock.charge(word_cycles * Math.max(0, Math.ceil(n / 4) - 1));
      if (!write) copyBytes(this.#u8, pa, data, off, n);
      // Server code may hand anything over: what is not a typed array fails here, as `set` would.
      else if (typeof (data as { subarray?: unknown }).subarray !== 'function') throw new TypeError('bytes.subarray is not a function');
      else copyBytes(data, off, this.#u8, pa, n);
      off += n;
    }
  }

  #stop(kind: ExceptionKind, vaddr: VirtAddr, message: string): never {
    this.#close();
    this.#thread.fault = { kind, vaddr, message };
    throw new SimFault(kind, vaddr, message);
  }
}
