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
import type { ExceptionKind, Thread } from './objects.ts';

export class SimFault extends Error {
  constructor(
    readonly kind: ExceptionKind,
    readonly vaddr: VirtAddr,
    message: string,
  ) {
    super(message);
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
const ACCESSES_MAX = LIMITS.accesses_per_slice_max;
/** the fast path's address check, (vaddr >>> 0) === vaddr, is the 32-bit check */
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
  // The translation cache: page, the page table's generation then, physical base, whether stores
  // are allowed, and the TLB entry and tag that hold the page (see mmu.ts).
  readonly #x_vpn = new Float64Array(XLATE_CACHE_ENTRIES).fill(-1);
  readonly #x_generation = new Float64Array(XLATE_CACHE_ENTRIES);
  readonly #x_base = new Float64Array(XLATE_CACHE_ENTRIES);
  readonly #x_writable = new Uint8Array(XLATE_CACHE_ENTRIES);
  readonly #x_entry = new Int32Array(XLATE_CACHE_ENTRIES);
  readonly #x_tag = new Float64Array(XLATE_CACHE_ENTRIES);
  // The fast path: the page of the last access, the page table's generation and the MMU's stamp
  // then, its physical base, and whether it may be stored to. -1: nothing (the stamp is never -1).
  #f_vpn = -1;
  #f_generation = -1;
  #f_stamp = -1;
  #f_base = 0;
  #f_writable = false;
  /** accesses the fast path may still make before the watchdog must look (counting #hits) */
  #f_budget = 0;
  /**
   * Accesses made on the fast path and not yet counted on the thread or charged to the clock: each
   * is one TLB hit, `mem_access` cycles. The clock has them settled (#settle) before anyone reads
   * the time, and so does every slower path before it looks at the thread's count.
   */
  #hits = 0;
  readonly #settle = (): void => {
    const hits = this.#hits;
    if (hits === 0) return;
    this.#hits = 0;
    this.#f_budget -= hits;
    this.#thread.accesses_in_slice += hits;
    this.#thread.task.accesses_made += hits;
    this.#clock.charge(hits * this.#costs.mem_access);
  };

  constructor(host: MemoryViewHost, thread: Thread) {
    this.#host = host;
    this.#thread = thread;
    this.#access = { thread, write: false, vaddr: 0, size: 0, value: 0, xor_result: 0 };
    this.#mmu = host.machine.mmu;
    this.#table = thread.task.as.table;
    const bytes = host.machine.memory.bytes;
    this.#u8 = bytes;
    this.#u16 = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 1);
    this.#u32 = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2);
    this.#page_shift = this.#mmu.page_shift;
    this.#page_mask = this.#mmu.page_bytes - 1;
    this.#clock = host.machine.clock;
    this.#costs = host.machine.costs;
  }

  // Three paths, cheapest first. (1) The fast path, inline in each method: the same page as the
  // last access, with nothing changed since — the page table's generation (legality: an unmap or a
  // permission change bumps it) and the MMU's stamp (which moves whenever the TLB's contents or
  // order change, a thread's slice begins or ends, or a memory hook comes or goes) both as they
  // were — so the access is the TLB hit on the most recently used entry that the last one was: it
  // is counted and charged one `mem_access`, and indexes a typed array over physical memory (the
  // host is little-endian, checked above, so it reads as the DataView of the full path does).
  // (2) #cached: the per-thread translation cache. (3) The full path, which checks and charges
  // everything itself.
  /** Whether an access of `vaddr` (aligned to `align_mask` + 1) takes fast path (1): the same page as the last access, nothing changed since. */
  #fastHit(vaddr: VirtAddr, align_mask: number, write: boolean): boolean {
    return (vaddr >>> 0) === vaddr && (vaddr & align_mask) === 0 && vaddr >>> this.#page_shift === this.#f_vpn && (!write || this.#f_writable) && this.#mmu.stamp === this.#f_stamp && this.#table.generation === this.#f_generation && this.#thread.fault === null && this.#hits < this.#f_budget;
  }
  load8(vaddr: VirtAddr): number {
    if (this.#fastHit(vaddr, 0, false)) {
      this.#hits++;
      return this.#u8[this.#f_base + (vaddr & this.#page_mask)];
    }
    const pa = this.#cached(vaddr, 1, false);
    return pa >= 0 ? this.#u8[pa] : this.#loadScalar(vaddr, 1);
  }
  load16(vaddr: VirtAddr): number {
    if (this.#fastHit(vaddr, 1, false)) {
      this.#hits++;
      return this.#u16[(this.#f_base + (vaddr & this.#page_mask)) >>> 1];
    }
    const pa = this.#cached(vaddr, 2, false);
    return pa >= 0 ? this.#u16[pa >>> 1] : this.#loadScalar(vaddr, 2);
  }
  load32(vaddr: VirtAddr): number {
    if (this.#fastHit(vaddr, 3, false)) {
      this.#hits++;
      return this.#u32[(this.#f_base + (vaddr & this.#page_mask)) >>> 2];
    }
    const pa = this.#cached(vaddr, 4, false);
    return pa >= 0 ? this.#u32[pa >>> 2] : this.#loadScalar(vaddr, 4);
  }
  store8(vaddr: VirtAddr, value: number): void {
    if (this.#fastHit(vaddr, 0, true) && Number.isInteger(value)) {
      this.#hits++;
      this.#u8[this.#f_base + (vaddr & this.#page_mask)] = value;
      return;
    }
    const pa = Number.isInteger(value) ? this.#cached(vaddr, 1, true) : -1;
    if (pa >= 0) this.#u8[pa] = value;
    else this.#storeScalar(vaddr, 1, value);
  }
  store16(vaddr: VirtAddr, value: number): void {
    if (this.#fastHit(vaddr, 1, true) && Number.isInteger(value)) {
      this.#hits++;
      this.#u16[(this.#f_base + (vaddr & this.#page_mask)) >>> 1] = value;
      return;
    }
    const pa = Number.isInteger(value) ? this.#cached(vaddr, 2, true) : -1;
    if (pa >= 0) this.#u16[pa >>> 1] = value;
    else this.#storeScalar(vaddr, 2, value);
  }
  store32(vaddr: VirtAddr, value: number): void {
    if (this.#fastHit(vaddr, 3, true) && Number.isInteger(value)) {
      this.#hits++;
      this.#u32[(this.#f_base + (vaddr & this.#page_mask)) >>> 2] = value;
      return;
    }
    const pa = Number.isInteger(value) ? this.#cached(vaddr, 4, true) : -1;
    if (pa >= 0) this.#u32[pa >>> 2] = value;
    else this.#storeScalar(vaddr, 4, value);
  }

  /**
   * The translation cache: the physical address of a plain aligned access through a cached
   * translation whose page table has not changed since and whose TLB entry is still there (it is
   * charged as a TLB hit), or -1 for the full path. A hit makes its page the fast path's.
   */
  #cached(vaddr: VirtAddr, size: number, write: boolean): number {
    this.#settle();
    const t = this.#thread;
    if (this.#host.memoryHook !== null || this.#host.running() !== t || t.fault !== null || t.accesses_in_slice >= ACCESSES_MAX) return -1;
    if ((vaddr >>> 0) !== vaddr || (vaddr & (size - 1)) !== 0) return -1;
    const vpn = vaddr >>> this.#page_shift;
    const generation = this.#table.generation;
    const i = vpn & (XLATE_CACHE_ENTRIES - 1);
    if (this.#x_vpn[i] !== vpn || this.#x_generation[i] !== generation || (write && this.#x_writable[i] === 0)) return -1;
    if (!this.#mmu.hit(this.#x_entry[i], this.#x_tag[i])) return -1;
    t.accesses_in_slice++;
    t.task.accesses_made++;
    this.#f_vpn = vpn;
    this.#f_generation = generation;
    this.#f_stamp = this.#mmu.stamp;
    this.#f_base = this.#x_base[i];
    this.#f_writable = this.#x_writable[i] === 1;
    this.#enterFast();
    return this.#f_base + (vaddr & this.#page_mask);
  }

  /** Remembers the translation the MMU just made for `vaddr` (physical address `pa`). */
  #remember(vaddr: VirtAddr, pa: number): void {
    const vpn = vaddr >>> this.#page_shift;
    const i = vpn & (XLATE_CACHE_ENTRIES - 1);
    const mmu = this.#mmu;
    this.#x_vpn[i] = this.#f_vpn = vpn;
    this.#x_generation[i] = this.#f_generation = this.#table.generation;
    this.#x_base[i] = this.#f_base = pa - (vaddr & this.#page_mask);
    this.#f_writable = mmu.last_writable;
    this.#x_writable[i] = mmu.last_writable ? 1 : 0;
    this.#x_entry[i] = mmu.last_entry;
    this.#x_tag[i] = mmu.last_tag;
    // With a hook attached every access must reach it: no fast path then.
    if (this.#host.memoryHook === null) this.#enterFast();
    else this.#f_stamp = -1;
  }

  /** Opens the fast path on the page just translated: from the MMU's stamp now, with the watchdog's budget left. */
  #enterFast(): void {
    this.#f_stamp = this.#mmu.stamp;
    this.#f_budget = ACCESSES_MAX - this.#thread.accesses_in_slice;
    this.#clock.owe(this.#settle);
  }

  loadBytes(vaddr: VirtAddr, len: number): Uint8Array {
    const a = this.#begin(false, vaddr, len, 0);
    const out = new Uint8Array(len);
    this.#bulk(a.vaddr, len, false, (pa, off, n) => out.set(this.#host.machine.memory.bytes.subarray(pa, pa + n), off));
    return out;
  }

  storeBytes(vaddr: VirtAddr, bytes: Uint8Array): void {
    const a = this.#begin(true, vaddr, bytes.length, 0);
    this.#bulk(a.vaddr, bytes.length, true, (pa, off, n) => this.#host.machine.memory.bytes.set(bytes.subarray(off, off + n), pa));
  }

  #loadScalar(vaddr: VirtAddr, size: 1 | 2 | 4): number {
    const a = this.#begin(false, vaddr, size, 0);
    const pa = this.#translate(a.vaddr, size, false);
    const view = this.#host.machine.memory.view;
    const raw = size === 1 ? view.getUint8(pa) : size === 2 ? view.getUint16(pa, true) : view.getUint32(pa, true);
    if (a.xor_result === 0) return raw;
    const mask = size === 4 ? 0xffffffff : (1 << (size * 8)) - 1;
    return ((raw ^ a.xor_result) & mask) >>> 0;
  }

  #storeScalar(vaddr: VirtAddr, size: 1 | 2 | 4, value: number): void {
    if (!Number.isInteger(value)) this.#stop('exception', vaddr, `store of a non-integer value ${value}`);
    const a = this.#begin(true, vaddr, size, value >>> 0);
    const pa = this.#translate(a.vaddr, size, true);
    const view = this.#host.machine.memory.view;
    if (size === 1) view.setUint8(pa, a.value & 0xff);
    else if (size === 2) view.setUint16(pa, a.value & 0xffff, true);
    else view.setUint32(pa, a.value >>> 0, true);
  }

  /** Checks the thread may run, counts the access, and lets the hook see it. */
  #begin(write: boolean, vaddr: VirtAddr, size: number, value: number): MemAccess {
    this.#settle();
    const t = this.#thread;
    if (this.#host.running() !== t) throw new SimFault('exception', vaddr, `memory access through the view of thread ${t.name}, which is not running`);
    if (t.fault !== null) throw new SimFault(t.fault.kind, t.fault.vaddr, t.fault.message);
    if (++t.accesses_in_slice > LIMITS.accesses_per_slice_max) this.#stop('watchdog', vaddr, `more than ${LIMITS.accesses_per_slice_max} memory accesses without a system call`);
    if (!Number.isInteger(vaddr) || vaddr < 0 || vaddr >= 2 ** LIMITS.vaddr_bits) this.#stop(write ? 'page-write' : 'page-read', 0, `address ${vaddr} is not a 32-bit address`);
    if (!Number.isInteger(size) || size < 0 || size > LIMITS.msg_buf_bytes_max * 64) this.#stop('exception', vaddr, `bad access size ${size}`);
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

  #translate(vaddr: VirtAddr, size: number, write: boolean): number {
    if (size > 1 && vaddr % size !== 0) this.#stop('alignment', vaddr, `misaligned ${size}-byte ${write ? 'store' : 'load'} at 0x${vaddr.toString(16)}`);
    const pa = this.#mmu.translate(this.#table, vaddr, write);
    if (pa === XLATE_UNMAPPED) this.#stop(write ? 'page-write' : 'page-read', vaddr, `page fault: ${write ? 'store to' : 'load from'} unmapped 0x${vaddr.toString(16)}`);
    if (pa === XLATE_READONLY) this.#stop('page-write', vaddr, `page fault: store to read-only 0x${vaddr.toString(16)}`);
    this.#remember(vaddr, pa);
    return pa;
  }

  /** Walks a byte range page by page; each page is one translation, each word one access. */
  #bulk(vaddr: VirtAddr, len: number, write: boolean, each: (pa: number, off: number, n: number) => void): void {
    const page = this.#host.machine.mmu.page_bytes;
    let off = 0;
    while (off < len) {
      const va = vaddr + off;
      const n = Math.min(len - off, page - (va & (page - 1)));
      const pa = this.#translate(va, 1, write);
      this.#host.machine.clock.charge(this.#host.machine.costs.mem_access * Math.max(0, Math.ceil(n / 4) - 1));
      each(pa, off, n);
      off += n;
    }
  }

  #stop(kind: ExceptionKind, vaddr: VirtAddr, message: string): never {
    this.#f_vpn = -1;
    this.#thread.fault = { kind, vaddr, message };
    throw new SimFault(kind, vaddr, message);
  }
}
