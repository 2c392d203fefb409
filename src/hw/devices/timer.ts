// The hardware timer: one-shot and periodic deadlines in cycles. The kernel asks for the next
// deadline to skip idle time, and polls after each step; an expiry raises the timer's IRQ.
import type { InterruptController } from '../interrupts.ts';
import type { Cycles } from '../types.ts';

export class TimerDevice {
  deadline_cycles: Cycles | null = null;
  period_cycles: Cycles | null = null;
  fired = 0;

  constructor(
    readonly irq: number,
    private readonly irqs: InterruptController,
  ) {}

  setOneShot(at: Cycles): void {
    this.deadline_cycles = at;
    this.period_cycles = null;
  }

  setPeriodic(now: Cycles, period: Cycles): void {
    if (period <= 0) throw new RangeError(`timer period must be positive, got ${period}`);
    this.period_cycles = period;
    this.deadline_cycles = now + period;
  }

  cancel(): void {
    this.deadline_cycles = null;
    this.period_cycles = null;
  }

  nextEvent(): Cycles | null {
    return this.deadline_cycles;
  }

  poll(now: Cycles): void {
    if (this.deadline_cycles === null || this.deadline_cycles > now) return;
    this.fired++;
    this.irqs.raise(this.irq);
    if (this.period_cycles === null) {
      this.deadline_cycles = null;
      return;
    }
    // A periodic timer that fell behind fires once and realigns to its period.
    const missed = Math.floor((now - this.deadline_cycles) / this.period_cycles) + 1;
    this.deadline_cycles += missed * this.period_cycles;
  }
}
