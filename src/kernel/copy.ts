// The kernel's own copies between address spaces (IPC buffers, device DMA), and the one check of
// every address range a system call names. A range is well formed when its start and length are
// non-negative integers and it ends at or below 2^32 (no wrap); it is usable when every page of it
// is mapped (and writable, for a destination). The copies check both themselves, so a copy can
// never walk an unmapped page: a bad range is an error to the caller, never a host exception.
import { LIMITS } from '../hw/limits.ts';
import { COPY_LOOP_BYTES_MAX, copyBytes } from '../hw/memory.ts';
import type { Machine } from '../hw/machine.ts';
import type { VirtAddr } from '../hw/types.ts';
import type { AddressSpace } from './address-space.ts';
import type { Errno } from './errors.ts';

const VADDR_END = 2 ** LIMITS.vaddr_bits;

/** the kernel's buffer for bytes on their way, up to a message buffer's size (one per thread, as module state is) */
const between = new Uint8Array(LIMITS.msg_buf_bytes_max);

/** `len` bytes of the kernel's buffer (a fresh array beyond its size): valid until the next copy. */
function scratch(len: number): Uint8Array {
  return len <= between.length ? between.subarray(0, len) : new Uint8Array(len);
}

/** true when [vaddr, vaddr + len) is a range of the 32-bit address space (negative, fractional, wrapping: false). */
export function isWellFormedRange(vaddr: unknown, len: unknown): boolean {
  return Number.isSafeInteger(vaddr) && Number.isSafeInteger(len) && (vaddr as number) >= 0 && (len as number) >= 0 && (vaddr as number) + (len as number) <= VADDR_END;
}

/**
 * The one check of an address range a system call names: 'OK' when it is well formed and every
 * page of it is mapped (writable, if asked); 'EFAULT' otherwise.
 */
export function checkRange(machine: Machine, space: AddressSpace, vaddr: unknown, len: unknown, writable: boolean): Errno {
  if (!isWellFormedRange(vaddr, len)) return 'EFAULT';
  const end = (vaddr as number) + (len as number);
  if (end === vaddr) return 'OK';
  const page = machine.mmu.page_bytes;
  for (let vpn = Math.floor((vaddr as number) / page); vpn <= Math.floor((end - 1) / page); vpn++) {
    const pte = space.table.entries.get(vpn);
    if (pte === undefined || (writable && !pte.writable)) return 'EFAULT';
  }
  return 'OK';
}

export function copyFromSpace(machine: Machine, space: AddressSpace, vaddr: VirtAddr, len: number): Uint8Array | null {
  if (checkRange(machine, space, vaddr, len, false) !== 'OK') return null;
  const out = new Uint8Array(len);
  walk(machine, space, vaddr, out, false);
  chargeCopy(machine, len);
  return out;
}

/**
 * copyFromSpace into a buffer of the kernel's, for a device that copies what it takes at once (a
 * disk block, console text): the bytes are valid until the next copy of this module.
 */
export function copyFromSpaceBorrowed(machine: Machine, space: AddressSpace, vaddr: VirtAddr, len: number): Uint8Array | null {
  if (checkRange(machine, space, vaddr, len, false) !== 'OK') return null;
  const bytes = scratch(len);
  walk(machine, space, vaddr, bytes, false);
  chargeCopy(machine, len);
  return bytes;
}

/** Reads a range as the trusted base inspecting a task (tests, the dashboard): charges nothing. */
export function inspectSpace(machine: Machine, space: AddressSpace, vaddr: VirtAddr, len: number): Uint8Array | null {
  if (checkRange(machine, space, vaddr, len, false) !== 'OK') return null;
  const out = new Uint8Array(len);
  walk(machine, space, vaddr, out, false);
  return out;
}

export function copyToSpace(machine: Machine, space: AddressSpace, vaddr: VirtAddr, bytes: Uint8Array): boolean {
  if (checkRange(machine, space, vaddr, bytes.length, true) !== 'OK') return false;
  walk(machine, space, vaddr, bytes, true);
  chargeCopy(machine, bytes.length);
  return true;
}

/**
 * An IPC buffer's copy from `from` at `src_vaddr` into `to` at `dst_vaddr`, without a buffer per
 * copy: exactly copyFromSpace then copyToSpace (the source's range checked, read and charged
 * first; then the destination's), answering 'OK', or the side whose range is not usable.
 */
export function copyBetweenSpaces(machine: Machine, from: AddressSpace, src_vaddr: VirtAddr, to: AddressSpace, dst_vaddr: VirtAddr, len: number): 'OK' | 'EFAULT-SRC' | 'EFAULT-DST' {
  if (checkRange(machine, from, src_vaddr, len, false) !== 'OK') return 'EFAULT-SRC';
  // Both ranges within a page (every request and reply the framework sends): one move inside
  // physical memory, which reads the source whole before it writes, as the copy through the
  // kernel's buffer does. Reading the source has no effect but its charge, so it is charged here.
  const page = machine.mmu.page_bytes;
  if (len > 0 && src_vaddr % page + len <= page && dst_vaddr % page + len <= page) {
    chargeCopy(machine, len);
    if (checkRange(machine, to, dst_vaddr, len, true) !== 'OK') return 'EFAULT-DST';
    moveWithin(machine.memory.bytes, physicalOf(from, src_vaddr, page), physicalOf(to, dst_vaddr, page), len);
    chargeCopy(machine, len);
    return 'OK';
  }
  const bytes = scratch(len);
  walk(machine, from, src_vaddr, bytes, false);
  chargeCopy(machine, len);
  if (checkRange(machine, to, dst_vaddr, len, true) !== 'OK') return 'EFAULT-DST';
  walk(machine, to, dst_vaddr, bytes, true);
  chargeCopy(machine, len);
  return 'OK';
}

/** Moves `len` bytes of `bytes` from `src` to `dst`, as if through a buffer (the ranges may overlap). */
function moveWithin(bytes: Uint8Array, src: number, dst: number, len: number): void {
  if (len < COPY_LOOP_BYTES_MAX && (dst + len <= src || src + len <= dst)) copyBytes(bytes, src, bytes, dst, len);
  else bytes.copyWithin(dst, src, src + len);
}

/** The physical address of `vaddr`, on a page the range check found mapped. */
function physicalOf(space: AddressSpace, vaddr: VirtAddr, page: number): number {
  const pte = space.table.entries.get(Math.floor(vaddr / page));
  if (pte === undefined) throw new Error(`invariant: copy through unmapped page 0x${vaddr.toString(16)} after the range was checked`);
  return pte.frame * page + (vaddr % page);
}

function chargeCopy(machine: Machine, len: number): void {
  machine.clock.charge(machine.costs.msg_word_copy * Math.ceil(len / 4));
}

/** Copies between `data` and the checked range from `vaddr`, page by page through the page table. */
function walk(machine: Machine, space: AddressSpace, vaddr: VirtAddr, data: Uint8Array, to_space: boolean): void {
  const page = machine.mmu.page_bytes;
  const memory = machine.memory.bytes;
  const len = data.length;
  let off = 0;
  while (off < len) {
    const va = vaddr + off;
    const n = Math.min(len - off, page - (va % page));
    const pa = physicalOf(space, va, page);
    if (to_space) copyBytes(data, off, memory, pa, n);
    else copyBytes(memory, pa, data, off, n);
    off += n;
  }
}
