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

/** One empty queue per priority (a loop: Array.from over an array-like costs more than the kernel's other construction). */
function emptyQueues(): Thread[][] {
  const queues: Thread[][] = [];
  for (let p = 0; p < LIMITS.priorities; p++) queues.push([]);
  return queues;
}

export class Scheduler {
  private readonly queues: Thread[][] = emptyQueues();
  /** bit p set when queue p is not empty: the highest set bit is the queue to run from */
  private nonempty = 0;
  quantumExpiredHook: QuantumExpiredHook | null = null;

  makeReady(thread: Thread): void {
    if (thread.state === 'dead') throw new Error(`invariant: a dead thread ${thread.name} made ready`);
    thread.state = 'ready';
    if (!thread.ready_queued) this.enqueue(thread, thread.priority);
  }

  /** Removes a thread from the ready queues (it blocked or died). */
  remove(thread: Thread): void {
    if (!thread.ready_queued) return;
    const p = thread.priority;
    const queue = this.queues[p];
    removeFromQueue(queue, thread);
    thread.ready_queued = false;
    if (queue.length === 0) this.nonempty &= ~(1 << p);
  }

  private enqueue(thread: Thread, p: number): void {
    this.queues[p].push(thread);
    thread.ready_queued = true;
    this.nonempty |= 1 << p;
  }

  /** The thread to run next: the head of the highest non-empty queue (it stays queued). */
  pick(): Thread | null {
    if (this.nonempty === 0) return null;
    return this.queues[31 - Math.clz32(this.nonempty)][0];
  }

  /** Called after a thread ran: rotates it to the back of its queue when its quantum is spent (after every slice: kept small enough for V8 to inline). */
  charge(thread: Thread, used_cycles: number): void {
    thread.quantum_left_cycles -= used_cycles;
    if (thread.quantum_left_cycles <= 0 && thread.state === 'ready') this.expire(thread);
  }

  private expire(thread: Thread): void {
    thread.quantum_left_cycles = thread.quantum_cycles;
    const queue = this.queues[thread.priority];
    if (removeFromQueue(queue, thread)) queue.push(thread);
    if (this.quantumExpiredHook !== null) this.quantumExpiredHook(thread);
  }

  setPriority(thread: Thread, priority: number, quantum_cycles: number): void {
    const wasQueued = thread.ready_queued;
    this.remove(thread);
    thread.priority = priority;
    thread.quantum_cycles = quantum_cycles;
    thread.quantum_left_cycles = Math.min(thread.quantum_left_cycles, quantum_cycles);
    if (wasQueued) this.enqueue(thread, priority);
  }

  readyCount(): number {
    return this.queues.reduce((n, q) => n + q.length, 0);
  }
}
