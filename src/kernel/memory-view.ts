// ctx.mem: a thread's loads and stores. Each access is translated by the MMU through the task's
// own page table and charged in cycles; an unmapped page, a store to a read-only page or a
// misaligned access stops the thread with a fault that the kernel delivers to its fault handler.
// The fault is recorded on the thread before it is thrown, so that server code which catches it
// is stopped all the same: a simulated program cannot handle its own page faults.
//
// The fault injector attaches through one named hook, `MemoryHook`, called before every access:
// it may redirect the address (a wild write, a flipped address), change the value stored, or ask
// for bits of the loaded value to be flipped (the paper's register bit flips).
import type { Machine } from '../hw/machine.ts';
import { XLATE_READONLY, XLATE_UNMAPPED } from '../hw/mmu.ts';
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
 * A thread's `ctx.mem`. Its state is in real private fields (`#`), not TypeScript's `private`:
 * server code holds this object, and must reach no kernel object through it (the thread, its task,
 * its capabilities, the kernel) — only the loads and stores below.
 */
export class MemoryView implements Mem {
  readonly #access: MemAccess;
  readonly #host: MemoryViewHost;
  readonly #thread: Thread;

  constructor(host: MemoryViewHost, thread: Thread) {
    this.#host = host;
    this.#thread = thread;
    this.#access = { thread, write: false, vaddr: 0, size: 0, value: 0, xor_result: 0 };
  }

  load8(vaddr: VirtAddr): number {
    return this.#loadScalar(vaddr, 1);
  }
  load16(vaddr: VirtAddr): number {
    return this.#loadScalar(vaddr, 2);
  }
  load32(vaddr: VirtAddr): number {
    return this.#loadScalar(vaddr, 4);
  }
  store8(vaddr: VirtAddr, value: number): void {
    this.#storeScalar(vaddr, 1, value);
  }
  store16(vaddr: VirtAddr, value: number): void {
    this.#storeScalar(vaddr, 2, value);
  }
  store32(vaddr: VirtAddr, value: number): void {
    this.#storeScalar(vaddr, 4, value);
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
    const t = this.#thread;
    if (this.#host.running() !== t) throw new SimFault('exception', vaddr, `memory access through the view of thread ${t.name}, which is not running`);
    if (t.fault !== null) throw new SimFault(t.fault.kind, t.fault.vaddr, t.fault.message);
    if (++t.accesses_in_slice > LIMITS.accesses_per_slice_max) this.#stop('watchdog', vaddr, `more than ${LIMITS.accesses_per_slice_max} memory accesses without a system call`);
    if (!Number.isInteger(vaddr) || vaddr < 0 || vaddr >= 2 ** LIMITS.vaddr_bits) this.#stop(write ? 'page-write' : 'page-read', 0, `address ${vaddr} is not a 32-bit address`);
    if (!Number.isInteger(size) || size < 0 || size > LIMITS.msg_buf_bytes_max * 64) this.#stop('exception', vaddr, `bad access size ${size}`);
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
    const pa = this.#host.machine.mmu.translate(this.#thread.task.as.table, vaddr, write);
    if (pa === XLATE_UNMAPPED) this.#stop(write ? 'page-write' : 'page-read', vaddr, `page fault: ${write ? 'store to' : 'load from'} unmapped 0x${vaddr.toString(16)}`);
    if (pa === XLATE_READONLY) this.#stop('page-write', vaddr, `page fault: store to read-only 0x${vaddr.toString(16)}`);
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
    this.#thread.fault = { kind, vaddr, message };
    throw new SimFault(kind, vaddr, message);
  }
}
