// The interrupt controller: devices raise numbered IRQ lines; the kernel takes the pending ones
// after each step and turns each into a notification to the driver bound to that line (as in L4:
// the kernel does not interpret interrupts). Lines are taken lowest first, deterministically.

export class InterruptController {
  private pending = 0; // one bit per line
  static readonly LINES = 32;

  raise(irq: number): void {
    if (!Number.isInteger(irq) || irq < 0 || irq >= InterruptController.LINES) throw new RangeError(`IRQ line ${irq} out of range 0..31`);
    this.pending |= 1 << irq;
  }

  get hasPending(): boolean {
    return this.pending !== 0;
  }

  /** Returns the pending lines, lowest first, and clears them. */
  takePending(): number[] {
    const lines: number[] = [];
    for (let irq = 0; irq < InterruptController.LINES && this.pending !== 0; irq++) {
      if (this.pending & (1 << irq)) {
        lines.push(irq);
        this.pending &= ~(1 << irq);
      }
    }
    return lines;
  }
}
