// The scheduler: priority round-robin. One FIFO queue per priority; the highest non-empty queue
// runs first, and within a queue threads take turns in arrival order, which makes every tie-break
// deterministic. A thread keeps the processor across system calls until its quantum is used up,
// then goes to the back of its queue. Preemption happens at system calls: between two yields a
// thread runs to its next yield (the watchdog in ctx.mem bounds that stretch).
//
// The policy hook lets a user-level scheduler (MINIX 3's sched server) hear of each quantum
// expiry; whether or not it answers, the kernel goes on with the priorities and quanta it has.
import { LIMITS } from '../hw/limits.ts';
import type { Thread } from './objects.ts';
import { removeFromQueue } from './queue.ts';

export type QuantumExpiredHook = (thread: Thread) => void;

export class Scheduler {
  private readonly queues: Thread[][] = Array.from({ length: LIMITS.priorities }, () => []);
  quantumExpiredHook: QuantumExpiredHook | null = null;

  makeReady(thread: Thread): void {
    if (thread.state === 'dead') throw new Error(`invariant: a dead thread ${thread.name} made ready`);
    thread.state = 'ready';
    const queue = this.queues[thread.priority];
    if (!queue.includes(thread)) queue.push(thread);
  }

  /** Removes a thread from the ready queues (it blocked or died). */
  remove(thread: Thread): void {
    removeFromQueue(this.queues[thread.priority], thread);
  }

  /** The thread to run next: the head of the highest non-empty queue (it stays queued). */
  pick(): Thread | null {
    for (let p = LIMITS.priorities - 1; p >= 0; p--) {
      const queue = this.queues[p];
      if (queue.length > 0) return queue[0];
    }
    return null;
  }

  /** Called after a thread ran: rotates it to the back of its queue when its quantum is spent. */
  charge(thread: Thread, used_cycles: number): void {
    thread.quantum_left_cycles -= used_cycles;
    if (thread.quantum_left_cycles > 0 || thread.state !== 'ready') return;
    thread.quantum_left_cycles = thread.quantum_cycles;
    const queue = this.queues[thread.priority];
    if (removeFromQueue(queue, thread)) queue.push(thread);
    if (this.quantumExpiredHook !== null) this.quantumExpiredHook(thread);
  }

  setPriority(thread: Thread, priority: number, quantum_cycles: number): void {
    const wasQueued = this.queues[thread.priority].includes(thread);
    this.remove(thread);
    thread.priority = priority;
    thread.quantum_cycles = quantum_cycles;
    thread.quantum_left_cycles = Math.min(thread.quantum_left_cycles, quantum_cycles);
    if (wasQueued) this.queues[priority].push(thread);
  }

  readyCount(): number {
    return this.queues.reduce((n, q) => n + q.length, 0);
  }
}
