// The MMU: per-address-space page tables (virtual page → frame, writable or not) that every
// load and store of a simulated thread goes through, and a TLB that exists only for its cost.
// Translation is always from the page table, so the TLB can never make an access legal; it only
// decides whether the access pays a page-table walk. A tagged TLB keeps entries across
// address-space switches (keyed by ASID); an untagged one is flushed on every switch.
import type { Clock } from './clock.ts';
import type { CostTable } from './cost.ts';
import { LIMITS } from './limits.ts';
import type { FrameNumber, VirtAddr } from './types.ts';

export interface Pte {
  frame: FrameNumber;
  writable: boolean;
}

export class PageTable {
  readonly asid: number;
  readonly entries = new Map<number, Pte>();

  constructor(asid: number) {
    this.asid = asid;
  }
}

/** translate() returns a physical address (≥ 0) or one of these. */
export const XLATE_UNMAPPED = -1;
export const XLATE_READONLY = -2;

export interface TlbConfig {
  tagged: boolean;
  entries: number;
}

export class Mmu {
  readonly page_shift: number;
  readonly page_bytes: number;
  private readonly tlb = new Map<number, true>();
  private current: PageTable | null = null;
  /** counters for the cost report */
  tlb_misses = 0;
  tlb_flushes = 0;

  constructor(
    page_bytes: number,
    private readonly clock: Clock,
    private readonly costs: CostTable,
    readonly tlb_config: TlbConfig = { tagged: true, entries: LIMITS.tlb_entries },
  ) {
    this.page_bytes = page_bytes;
    this.page_shift = Math.log2(page_bytes);
  }

  get currentTable(): PageTable | null {
    return this.current;
  }

  /** Switches the current address space; an untagged TLB loses every entry. */
  switchTo(table: PageTable): void {
    if (this.current === table) return;
    this.current = table;
    if (!this.tlb_config.tagged && this.tlb.size > 0) this.flushTlb();
  }

  flushTlb(): void {
    this.tlb.clear();
    this.tlb_flushes++;
    this.clock.charge(this.costs.tlb_flush);
  }

  /** Forgets the TLB entry of one page (after an unmap or a permission change). */
  invalidate(table: PageTable, vpn: number): void {
    this.tlb.delete(this.tlbKey(table, vpn));
  }

  /**
   * Translates an access by the running thread. Charges one memory access, plus a walk on a
   * TLB miss. Returns the physical address, or XLATE_UNMAPPED / XLATE_READONLY.
   */
  translate(table: PageTable, vaddr: VirtAddr, write: boolean): number {
    const vpn = vaddr >>> this.page_shift;
    const pte = table.entries.get(vpn);
    this.clock.charge(this.costs.mem_access);
    if (pte === undefined) return XLATE_UNMAPPED;
    if (write && !pte.writable) return XLATE_READONLY;
    const key = this.tlbKey(table, vpn);
    if (this.tlb.has(key)) {
      // Keep the Map in least-recently-used order: a hit moves the entry to the end.
      this.tlb.delete(key);
    } else {
      this.tlb_misses++;
      this.clock.charge(this.costs.tlb_miss);
      if (this.tlb.size >= this.tlb_config.entries) {
        const oldest = this.tlb.keys().next().value as number;
        this.tlb.delete(oldest);
      }
    }
    this.tlb.set(key, true);
    return pte.frame * this.page_bytes + (vaddr & (this.page_bytes - 1));
  }

  private tlbKey(table: PageTable, vpn: number): number {
    // An untagged TLB holds one address space at a time, so its key is the page alone.
    return this.tlb_config.tagged ? table.asid * 2 ** 32 + vpn : vpn;
  }
}
