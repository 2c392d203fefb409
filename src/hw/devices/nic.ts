// A network interface on a wire: either looped back to itself, or joined to one other interface.
// A sent frame lands in the peer's bounded receive queue and raises the peer's IRQ; a full queue
// drops the frame (and counts it), as a real NIC would. The driver may take the oldest frame
// (`receive`), or look at any waiting frame and take it when it is ready to (`peek`, `take`) — a
// receive ring whose descriptors the driver returns out of order, which lets a frame wait in the
// device, where a crash of the driver cannot lose it, until its destination can take it.
import type { InterruptController } from '../interrupts.ts';
import { LIMITS } from '../limits.ts';

export class NetworkInterface {
  private peer: NetworkInterface = this;
  readonly rx: Uint8Array[] = [];
  sent = 0;
  received = 0;
  dropped = 0;

  constructor(
    readonly irq: number,
    private readonly irqs: InterruptController,
  ) {}

  /** Joins two interfaces with a wire (or one to itself: loopback). */
  static connect(a: NetworkInterface, b: NetworkInterface): void {
    a.peer = b;
    b.peer = a;
  }

  send(frame: Uint8Array): boolean {
    if (frame.length > LIMITS.nic_frame_bytes_max) throw new RangeError(`frame of ${frame.length} bytes exceeds ${LIMITS.nic_frame_bytes_max}`);
    this.sent++;
    return this.peer.deliver(frame.slice());
  }

  /** The oldest received frame, or null. */
  receive(): Uint8Array | null {
    return this.rx.shift() ?? null;
  }

  /** The i-th waiting frame (0: the oldest), left in place; null if there is none. */
  peek(i: number): Uint8Array | null {
    return this.rx[i] ?? null;
  }

  /** Removes the i-th waiting frame; false if there is none. */
  take(i: number): boolean {
    if (i < 0 || i >= this.rx.length) return false;
    this.rx.splice(i, 1);
    return true;
  }

  private deliver(frame: Uint8Array): boolean {
    if (this.rx.length >= LIMITS.nic_queue_max) {
      this.dropped++;
      return false;
    }
    this.rx.push(frame);
    this.received++;
    this.irqs.raise(this.irq);
    return true;
  }
}
