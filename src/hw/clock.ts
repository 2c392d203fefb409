// The machine's only notion of time: a counter of simulated cycles. Every operation charges it
// from the cost model; nothing in the simulation reads the host's clock.
//
// One party may keep a tally of its own and charge it later: ctx.mem's fast path counts its TLB
// hits instead of charging each (memory-view.ts). It registers with `owe`, and the clock has it
// settle before anyone reads the time — so the time read is always exact, and charging late only
// reorders additions.
import type { Cycles } from './types.ts';

export class Clock {
  #now: Cycles = 0;
  /** settles what the registered party owes (by calling charge), or null */
  #owed: (() => void) | null = null;

  get now_cycles(): Cycles {
    if (this.#owed !== null) this.#owed();
    return this.#now;
  }

  charge(cycles: Cycles): void {
    this.#now += cycles;
  }

  /** Moves time forward to `at` (idle time); never backwards. */
  advanceTo(at: Cycles): void {
    if (at > this.now_cycles) this.#now = at;
  }

  /** `settle` charges what its party has counted so far; it is called before every read of the time. One party at a time. */
  owe(settle: () => void): void {
    if (this.#owed === settle) return;
    this.settleOwed();
    this.#owed = settle;
  }

  /** Has the party settle now, and forgets it. */
  settleOwed(): void {
    const settle = this.#owed;
    if (settle === null) return;
    this.#owed = null;
    settle();
  }
}
