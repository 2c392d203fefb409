// The MMU: per-address-space page tables (virtual page → frame, writable or not) that every
// load and store of a simulated thread goes through, and a TLB that exists only for its cost.
//
// Legality always comes from the page table, so the TLB can never make an access legal; it only
// decides whether the access pays a page-table walk. A tagged TLB keeps entries across
// address-space switches (keyed by ASID); an untagged one is flushed on every switch. The TLB is
// fully associative with least-recently-used replacement, kept in typed arrays: a tag and a
// last-use stamp per entry.
//
// The fast paths (memory-view.ts) keep a per-thread translation cache: page → physical base and
// the TLB entry that holds it, valid while the page table's `generation` is unchanged. Every
// change that could make a cached translation wrong (an unmap, a permission change) bumps the
// generation, so a stale translation is never used: the cache, too, cannot make an access legal.
// A cache hit still asks the TLB whether its entry is there (one compare) so that the cost is
// exactly the TLB model's. The fastest path — the same page as the thread's last access — asks
// nobody anything: it is *open* until it is closed, and it is closed (a callback the view hands
// over, `holdFast`) by whatever could make it wrong: any change of the TLB's contents or order
// here, a change of the page table (its generation), a thread's slice beginning or ending, a
// memory hook coming or going (`touch`). While it is open, the entry used last is still there and
// still the most recently used, so a repeat access to its page is exactly a hit that changes
// nothing but the clock.
import type { Clock } from './clock.ts';
import type { CostTable } from './cost.ts';
import { LIMITS } from './limits.ts';
import type { FrameNumber, VirtAddr } from './types.ts';

export interface Pte {
  readonly frame: FrameNumber;
  readonly writable: boolean;
}

export class PageTable {
  readonly asid: number;
  private readonly table = new Map<number, Pte>();
  /** bumped whenever an entry goes or loses rights: translations cached before are stale */
  generation = 0;
  /** closes the fast path open on this table (memory-view.ts) when the generation moves; null: none */
  close_fast: (() => void) | null = null;

  constructor(asid: number) {
    this.asid = asid;
  }

  /** The entries, read-only: changes go through set and delete, which keep the generation. */
  get entries(): ReadonlyMap<number, Pte> {
    return this.table;
  }

  set(vpn: number, frame: FrameNumber, writable: boolean): void {
    if (this.table.has(vpn)) this.changed();
    this.table.set(vpn, { frame, writable });
  }

  delete(vpn: number): void {
    if (this.table.delete(vpn)) this.changed();
  }

  private changed(): void {
    this.generation++;
    const close = this.close_fast;
    if (close === null) return;
    this.close_fast = null;
    close();
  }
}

/** translate() returns a physical address (≥ 0) or one of these. */
export const XLATE_UNMAPPED = -1;
export const XLATE_READONLY = -2;

export interface TlbConfig {
  tagged: boolean;
  entries: number;
}

const EMPTY = -1;

export class Mmu {
  readonly page_shift: number;
  readonly page_bytes: number;
  /** per entry: the tag it holds (EMPTY, or tlbTag(asid, vpn)), and when it was last used */
  private readonly tlb_tags: Float64Array;
  private readonly tlb_used: Float64Array;
  private tlb_filled = 0;
  private use_count = 0;
  /**
   * Closes ctx.mem's open fast path (null: none is open). Called, and forgotten, whenever the TLB's
   * contents or its order of use change, and whenever touch() is called (a thread's slice begins or
   * ends, a memory hook comes or goes): until then the entry used last is still there and still
   * the most recently used, so a repeat access to its page is exactly a hit that changes nothing
   * but the clock.
   */
  private close_fast: (() => void) | null = null;
  private current: PageTable | null = null;
  /** the TLB entry and tag of the last successful translate() (for the caller's cache) */
  last_entry = 0;
  last_tag = 0;
  last_writable = false;
  /** counters for the cost report */
  tlb_misses = 0;
  tlb_flushes = 0;

  constructor(
    page_bytes: number,
    private readonly clock: Clock,
    private readonly costs: CostTable,
    readonly tlb_config: TlbConfig = { tagged: true, entries: LIMITS.tlb_entries },
  ) {
    if (!Number.isInteger(tlb_config.entries) || tlb_config.entries < 1) throw new RangeError(`TLB entries must be a positive integer, got ${tlb_config.entries}`);
    this.page_bytes = page_bytes;
    this.page_shift = Math.log2(page_bytes);
    this.tlb_tags = new Float64Array(tlb_config.entries).fill(EMPTY);
    this.tlb_used = new Float64Array(tlb_config.entries);
  }

  get currentTable(): PageTable | null {
    return this.current;
  }

  /** Switches the current address space; an untagged TLB loses every entry. */
  switchTo(table: PageTable): void {
    if (this.current === table) return;
    this.current = table;
    this.touch();
    if (!this.tlb_config.tagged && this.tlb_filled > 0) this.flushTlb();
  }

  flushTlb(): void {
    this.touch();
    this.tlb_tags.fill(EMPTY);
    this.tlb_filled = 0;
    this.tlb_flushes++;
    this.clock.charge(this.costs.tlb_flush);
  }

  /** Forgets the TLB entry of one page (after an unmap or a permission change). */
  invalidate(table: PageTable, vpn: number): void {
    this.touch();
    const i = this.find(this.tlbTag(table, vpn));
    if (i < 0) return;
    this.tlb_tags[i] = EMPTY;
    this.tlb_filled--;
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
    const tag = this.tlbTag(table, vpn);
    let i = this.find(tag);
    if (i < 0) {
      this.tlb_misses++;
      this.clock.charge(this.costs.tlb_miss);
      i = this.fill(tag);
    }
    this.tlb_used[i] = ++this.use_count;
    this.touch();
    this.last_entry = i;
    this.last_tag = tag;
    this.last_writable = pte.writable;
    return pte.frame * this.page_bytes + (vaddr & (this.page_bytes - 1));
  }

  /**
   * The fast path's TLB check for a translation it holds: when TLB entry `entry` still holds `tag`,
   * charges a hit and answers true; otherwise charges nothing and answers false (the caller then
   * goes through translate()).
   */
  hit(entry: number, tag: number): boolean {
    if (this.tlb_tags[entry] !== tag) return false;
    // Already the most recently used entry (a loop over one page): the order stands as it is.
    if (this.tlb_used[entry] !== this.use_count) {
      this.tlb_used[entry] = ++this.use_count;
      this.touch();
    }
    this.clock.charge(this.costs.mem_access);
    return true;
  }

  /** Ends the fast path's claim (see `close_fast`): called when who may access memory, or how, changes. */
  touch(): void {
    const close = this.close_fast;
    if (close === null) return;
    this.close_fast = null;
    close();
  }

  /** Opens a fast path: `close` is called as soon as the TLB changes or touch() is called (replaces the one open before, which must be closed). */
  holdFast(close: () => void): void {
    this.close_fast = close;
  }

  /** The tag of a page: an untagged TLB holds one address space at a time, so its tag is the page alone. */
  tlbTag(table: PageTable, vpn: number): number {
    return this.tlb_config.tagged ? table.asid * 2 ** 32 + vpn : vpn;
  }

  private find(tag: number): number {
    const tags = this.tlb_tags;
    for (let i = 0; i < tags.length; i++) if (tags[i] === tag) return i;
    return -1;
  }

  /** Puts a tag in a free entry, or in place of the least recently used one. */
  private fill(tag: number): number {
    const tags = this.tlb_tags;
    let victim = 0;
    if (this.tlb_filled < tags.length) {
      while (tags[victim] !== EMPTY) victim++;
      this.tlb_filled++;
    } else {
      const used = this.tlb_used;
      for (let i = 1; i < used.length; i++) if (used[i] < used[victim]) victim = i;
    }
    tags[victim] = tag;
    this.touch();
    return victim;
  }
}
