// The machine's only notion of time: a counter of simulated cycles. Every operation charges it
// from the cost model; nothing in the simulation reads the host's clock.
import type { Cycles } from './types.ts';

export class Clock {
  now_cycles: Cycles = 0;

  charge(cycles: Cycles): void {
    this.now_cycles += cycles;
  }

  /** Moves time forward to `at` (idle time); never backwards. */
  advanceTo(at: Cycles): void {
    if (at > this.now_cycles) this.now_cycles = at;
  }
}
