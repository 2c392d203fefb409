// The cost model: what each machine and kernel operation charges, in cycles. One table,
// configurable per run, so that the same design can be priced on different hardware (Liedtke:
// a tagged TLB makes address-space switches cheap; an untagged one flushes on every switch).
import type { Cycles } from './types.ts';

export interface CostTable {
  /** one load or store that hits the TLB */
  mem_access: Cycles;
  /** extra cycles for a TLB miss (page-table walk) */
  tlb_miss: Cycles;
  /** entering the kernel (a system call, an exception, an interrupt) */
  kernel_entry: Cycles;
  /** leaving the kernel */
  kernel_exit: Cycles;
  /** switching to another thread (registers, kernel stack) */
  context_switch: Cycles;
  /** copying one 4-byte word of an IPC message or buffer */
  msg_word_copy: Cycles;
  /** installing one page mapping */
  map_page: Cycles;
  /** removing one page mapping */
  unmap_page: Cycles;
  /** flushing the whole TLB */
  tlb_flush: Cycles;
  /** one device register access or one block of DMA */
  device_io: Cycles;
}

export const DEFAULT_COSTS: Readonly<CostTable> = Object.freeze({
  mem_access: 1,
  tlb_miss: 20,
  kernel_entry: 40,
  kernel_exit: 40,
  context_switch: 120,
  msg_word_copy: 1,
  map_page: 60,
  unmap_page: 60,
  tlb_flush: 150,
  device_io: 200,
});

export function makeCostTable(overrides: Partial<CostTable> = {}): CostTable {
  const table: CostTable = { ...DEFAULT_COSTS, ...overrides };
  // The defaults are valid: only what overrides them is checked.
  for (const [name, value] of Object.entries(overrides)) {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`cost ${name} must be a non-negative integer, got ${value}`);
  }
  return table;
}
