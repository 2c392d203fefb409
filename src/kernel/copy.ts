// The kernel's own copies between address spaces (IPC buffers, device DMA). They walk the page
// tables directly, check every page, and charge per word copied; a buffer that is not mapped
// (or not writable, for a destination) is an error to the caller, never a host exception.
import type { Machine } from '../hw/machine.ts';
import type { VirtAddr } from '../hw/types.ts';
import type { AddressSpace } from './address-space.ts';

/** true when every byte of [vaddr, vaddr+len) is mapped (and writable, if asked). */
export function isRangeMapped(machine: Machine, space: AddressSpace, vaddr: VirtAddr, len: number, writable: boolean): boolean {
  if (len === 0) return true;
  const shift = machine.mmu.page_shift;
  for (let vpn = vaddr >>> shift; vpn <= (vaddr + len - 1) >>> shift; vpn++) {
    const pte = space.table.entries.get(vpn);
    if (pte === undefined || (writable && !pte.writable)) return false;
  }
  return true;
}

export function copyFromSpace(machine: Machine, space: AddressSpace, vaddr: VirtAddr, len: number): Uint8Array | null {
  if (!isRangeMapped(machine, space, vaddr, len, false)) return null;
  const out = new Uint8Array(len);
  walk(machine, space, vaddr, len, (pa, off, n) => out.set(machine.memory.bytes.subarray(pa, pa + n), off));
  return out;
}

/** Reads a range as the trusted base inspecting a task (tests, the dashboard): charges nothing. */
export function inspectSpace(machine: Machine, space: AddressSpace, vaddr: VirtAddr, len: number): Uint8Array | null {
  if (!isRangeMapped(machine, space, vaddr, len, false)) return null;
  const out = new Uint8Array(len);
  walk(machine, space, vaddr, len, (pa, off, n) => out.set(machine.memory.bytes.subarray(pa, pa + n), off), false);
  return out;
}

export function copyToSpace(machine: Machine, space: AddressSpace, vaddr: VirtAddr, bytes: Uint8Array): boolean {
  if (!isRangeMapped(machine, space, vaddr, bytes.length, true)) return false;
  walk(machine, space, vaddr, bytes.length, (pa, off, n) => machine.memory.bytes.set(bytes.subarray(off, off + n), pa));
  return true;
}

function walk(machine: Machine, space: AddressSpace, vaddr: VirtAddr, len: number, each: (pa: number, off: number, n: number) => void, charge = true): void {
  const page = machine.mmu.page_bytes;
  let off = 0;
  while (off < len) {
    const va = vaddr + off;
    const n = Math.min(len - off, page - (va & (page - 1)));
    const pte = space.table.entries.get(va >>> machine.mmu.page_shift);
    if (pte === undefined) throw new Error(`invariant: copy through unmapped page 0x${va.toString(16)} after the range was checked`);
    each(pte.frame * page + (va & (page - 1)), off, n);
    off += n;
  }
  if (charge) machine.clock.charge(machine.costs.msg_word_copy * Math.ceil(len / 4));
}
