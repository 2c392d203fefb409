// The microkernel: only what, moved outside, would stop the system working (Liedtke) — tasks and
// address spaces, threads and their scheduling, IPC, capabilities, and the delivery of faults.
//
// Two faces. Threads reach the kernel only through system calls (decode.ts, invoke.ts), which are decoded
// and checked before anything changes. The trusted base (boot code, the SSR manager, the
// supervisor's mechanisms, the fault injector's named hooks) uses the methods below directly, as
// a root task would; nothing in a server can reach them.
//
// The host process never crashes because a simulated thread did: anything a thread throws becomes
// a processor exception delivered to its task's fault handler. A broken kernel invariant stops the
// run with a panic that names it.
import type { Machine } from '../hw/machine.ts';
import { IRQ } from '../hw/machine.ts';
import { LIMITS } from '../hw/limits.ts';
import type { Cycles, VirtAddr } from '../hw/types.ts';
import { AddressSpace, MappingDb } from './address-space.ts';
import { isWellFormedRange } from './copy.ts';
import type { Errno } from './errors.ts';
import { deliverKernelMessage, notifyEndpoint, settleOrphan } from './ipc.ts';
import { MemoryView, SimFault, type Mem, type MemoryHook, type MemoryViewHost } from './memory-view.ts';
import {
  badge as toBadge,
  capSlot,
  type Badge,
  type Capability,
  type CapSlot,
  type DeviceName,
  type Endpoint,
  type FaultInfo,
  type ExceptionKind,
  type SysResult,
  type Task,
  type TaskImage,
  type Thread,
  type ThreadBody,
} from './objects.ts';
import { NO_RESULT, result } from './result.ts';
import { removeFromQueue } from './queue.ts';
import { Scheduler } from './scheduler.ts';
import { dispatchSyscall } from './invoke.ts';
import { Trace, TRACE_CODE } from './trace.ts';

/** The label of a fault message; its words are [fault kind index, task id, thread id, vaddr, orphaned caller thread id or 0]. */
export const FAULT_LABEL = 0xfa17;
/** The label of a quantum-expiry report to the user-level scheduler; words: [task id, thread id, priority]. */
export const SCHED_LABEL = 0x5c4e;
export const EXCEPTION_KIND_CODES: Record<ExceptionKind, number> = { 'page-read': 1, 'page-write': 2, exception: 3, killed: 4, watchdog: 5, alignment: 6 };

/** What a thread's code is handed: its memory and its names. Frozen; it exposes no kernel object. */
export interface ThreadCtx {
  readonly mem: Mem;
  readonly thread: { readonly id: number; readonly name: string };
  readonly task: { readonly id: number; readonly name: string; readonly incarnation: number };
}
export type ThreadEntry = (ctx: ThreadCtx) => ThreadBody;

export interface ThreadOptions {
  priority?: number;
  quantum_cycles?: Cycles;
}

/**
 * The trusted base's named hooks on IPC (the SSR manager attaches here; the kernel knows nothing
 * of SSRs). `delivered` runs when a call or kernel message reaches a receiver; a non-null result
 * refuses it: the caller gets that result as its reply and the receiver goes on waiting.
 * `requestDone` runs when the receiver replies, receives again, or dies before either.
 * `taskRestarted` runs after a restart cleared a task's pages, before its image runs again.
 */
export interface IpcHooks {
  delivered(receiver: Thread, badge: Badge, caller: Thread | null): SysResult | null;
  requestDone(receiver: Thread, how: 'reply' | 'recv' | 'died'): void;
  taskRestarted(task: Task): void;
}

export type RunStop = 'idle' | 'until' | 'time' | 'steps' | 'panic';
export interface RunOptions {
  until_cycles?: Cycles;
  steps_max?: number;
  until?: () => boolean;
}

export class Kernel implements MemoryViewHost {
  readonly trace = new Trace();
  readonly scheduler = new Scheduler();
  readonly mapping: MappingDb;
  readonly tasks: Task[] = [];
  readonly endpoints: Endpoint[] = [];
  /** threads that exist (a restarted task's old threads are dropped: long runs stay bounded) */
  readonly threads: Thread[] = [];
  private readonly thread_by_id = new Map<number, Thread>();
  private next_thread_id = 0;
  readonly irq_bindings = new Map<number, { endpoint: Endpoint; badge: Badge }>();
  #memory_hook: MemoryHook | null = null;
  ipcHooks: IpcHooks | null = null;
  /** where quantum expiries are reported (a user-level scheduler), as kernel messages */
  scheduler_endpoint: Endpoint | null = null;
  panic_reason: string | null = null;
  private current: Thread | null = null;
  private last_run: Thread | null = null;
  private readonly timed = new Set<Thread>();
  private readonly entries = new Map<Thread, ThreadEntry>();
  private next_asid = 1;

  constructor(readonly machine: Machine) {
    this.scheduler.quantumExpiredHook = (t) => this.reportQuantumExpiry(t);
    this.mapping = new MappingDb(machine, (what, space, vpn, frame) => this.trace.recordPage(this.now, space.owner, TRACE_CODE[what], '', '', space.asid, vpn, frame));
  }

  /** the fault injector's hook on every load and store (null: none); setting it ends ctx.mem's fast paths (mmu.ts) */
  get memoryHook(): MemoryHook | null {
    return this.#memory_hook;
  }

  set memoryHook(hook: MemoryHook | null) {
    this.#memory_hook = hook;
    this.machine.mmu.touch();
  }

  get now(): Cycles {
    return this.machine.clock.now_cycles;
  }

  running(): Thread | null {
    return this.current;
  }

  log(task: string, event: string, detail: string): void {
    this.trace.append(this.machine.clock.now_cycles, task, event, detail);
  }

  // ---- objects (trusted base) ----

  createTask(name: string, image: TaskImage | null = null): Task {
    this.assertLimit(this.tasks.filter((t) => t.alive).length < LIMITS.tasks_max, 'tasks_max');
    const task: Task = {
      id: this.tasks.length,
      name,
      as: new AddressSpace(this.next_asid++, name),
      caps: new Array<Capability | null>(LIMITS.cap_slots_max).fill(null),
      threads: [],
      alive: true,
      fault_handler: null,
      sched_badge: toBadge(0),
      image,
      incarnation: 0,
      accesses_made: 0,
    };
    this.tasks.push(task);
    this.log(name, 'task-create', `id=${task.id}`);
    if (image !== null) image(task);
    return task;
  }

  createEndpoint(name: string): Endpoint {
    this.assertLimit(this.endpoints.length < LIMITS.endpoints_max, 'endpoints_max');
    const ep: Endpoint = { id: this.endpoints.length, name, alive: true, senders: [], receivers: [], notify_bits: 0 };
    this.endpoints.push(ep);
    return ep;
  }

  /** Destroys an endpoint: every thread queued on it gets EDEAD; capabilities to it go dead. */
  destroyEndpoint(ep: Endpoint): void {
    ep.alive = false;
    // wake() takes each thread out of the queue it is in, so walk copies of the queues.
    for (const s of [...ep.senders]) if (!('kind' in s)) this.wake(s, result({ err: 'EDEAD' }));
    for (const r of [...ep.receivers]) this.wake(r, result({ err: 'EDEAD' }));
    ep.senders.length = 0;
    ep.receivers.length = 0;
    this.log('kernel', 'ep-destroy', ep.name);
  }

  /** Puts a capability in the first free slot (or the one named) and returns its index. */
  giveCap(task: Task, cap: Capability, slot?: number): CapSlot {
    const index = slot ?? task.caps.indexOf(null);
    if (index < 0 || index >= task.caps.length) throw new Error(`invariant: no free capability slot in ${task.name}`);
    task.caps[index] = cap;
    return capSlot(index);
  }

  revokeCap(task: Task, slot: CapSlot): void {
    task.caps[slot] = null;
  }

  endpointCap(endpoint: Endpoint, badge: number, rights: { send?: boolean; recv?: boolean }): Capability {
    return { kind: 'endpoint', endpoint, badge: toBadge(badge), rights: { send: rights.send ?? false, recv: rights.recv ?? false } };
  }

  deviceCap(device: DeviceName): Capability {
    return { kind: 'device', device };
  }

  setFaultHandler(task: Task, endpoint: Endpoint, badge: number): void {
    task.fault_handler = { endpoint, badge: toBadge(badge) };
  }

  bindIrq(device: DeviceName, endpoint: Endpoint, badge: number): void {
    this.irq_bindings.set(IRQ[device], { endpoint, badge: toBadge(badge) });
  }

  spawnThread(task: Task, name: string, entry: ThreadEntry, opts: ThreadOptions = {}): Thread {
    this.assertLimit(this.threads.filter((t) => t.state !== 'dead').length < LIMITS.threads_max, 'threads_max');
    const priority = opts.priority ?? 2;
    if (!Number.isInteger(priority) || priority < 0 || priority >= LIMITS.priorities) throw new RangeError(`priority ${priority} outside 0..${LIMITS.priorities - 1}`);
    const quantum = opts.quantum_cycles ?? LIMITS.quantum_cycles_default;
    const thread: Thread = {
      id: this.next_thread_id++,
      task,
      name: `${task.name}.${name}`,
      state: 'ready',
      priority,
      quantum_cycles: quantum,
      quantum_left_cycles: quantum,
      ready_queued: false,
      pending: NO_RESULT,
      fault: null,
      accesses_in_slice: 0,
      blocked_on: null,
      call_label: 0,
      call_words: new Uint32Array(LIMITS.msg_words_max),
      call_word_count: -1,
      call_buf: null,
      call_recv_buf: null,
      call_badge: toBadge(0),
      recv_buf: null,
      reply_from: null,
      call_endpoint: null,
      call_requeues: 0,
      reply_to: null,
      reply_to_badge: toBadge(0),
      deadline_cycles: null,
      in_request: false,
      request_badge: toBadge(0),
      gen: null,
    };
    this.threads.push(thread);
    this.thread_by_id.set(thread.id, thread);
    task.threads.push(thread);
    this.entries.set(thread, entry);
    this.scheduler.makeReady(thread);
    this.log(task.name, 'thread-start', thread.name);
    return thread;
  }

  // ---- memory (trusted base) ----

  /** Allocates fresh zeroed pages into a task. */
  allocPages(task: Task, vaddr: VirtAddr, pages: number, writable: boolean): Errno {
    const first = this.firstPage(vaddr, pages);
    if (first < 0) return 'EINVAL';
    if (anyMapped(task, first, pages, true)) return 'EBUSY';
    if (this.machine.memory.frames_free < pages) return 'ENOMEM';
    for (let vpn = first; vpn < first + pages; vpn++) this.mapping.allocate(task.as, vpn, writable);
    return 'OK';
  }

  /** Maps (shares) or grants (moves) pages from one task to another. */
  transferPages(from: Task, src_vaddr: VirtAddr, to: Task, dst_vaddr: VirtAddr, pages: number, writable: boolean, grant: boolean): Errno {
    const src = this.firstPage(src_vaddr, pages);
    const dst = this.firstPage(dst_vaddr, pages);
    if (src < 0 || dst < 0) return 'EINVAL';
    if (anyMapped(from, src, pages, false)) return 'EFAULT';
    if (anyMapped(to, dst, pages, true) && !(from === to && grant)) return 'EBUSY';
    if (from === to) return 'EINVAL';
    for (let i = 0; i < pages; i++) {
      const node = from.as.nodes.get(src + i);
      if (node === undefined) throw new Error('invariant: source page vanished during transfer');
      if (grant) this.mapping.grant(node, to.as, dst + i, writable);
      else this.mapping.map(node, to.as, dst + i, writable);
    }
    return 'OK';
  }

  /** Flushes pages (revoking every derived mapping); with `self`, also removes them. */
  unmapPages(task: Task, vaddr: VirtAddr, pages: number, self: boolean): Errno {
    const first = this.firstPage(vaddr, pages);
    if (first < 0) return 'EINVAL';
    for (let vpn = first; vpn < first + pages; vpn++) {
      const node = task.as.nodes.get(vpn);
      if (node === undefined) continue;
      if (self) this.mapping.unmap(node);
      else this.mapping.flush(node);
    }
    return 'OK';
  }

  /** The first page number of [vaddr, vaddr + pages pages), or -1 when the range is malformed (no list of pages: this runs for every map and unmap). */
  firstPage(vaddr: VirtAddr, pages: number): number {
    const page = this.machine.mmu.page_bytes;
    if (!Number.isInteger(pages) || pages < 1 || pages > this.machine.memory.frame_count) return -1;
    if (!isWellFormedRange(vaddr, pages * page) || vaddr % page !== 0) return -1;
    return vaddr / page;
  }

  // ---- faults, kills, restarts (trusted base) ----

  /** Stops a thread with a fault and tells its task's fault handler. */
  faultThread(thread: Thread, info: FaultInfo): void {
    if (thread.state === 'dead') return;
    this.log(thread.task.name, 'fault', `${thread.name} ${info.kind} ${info.message}`);
    const orphan = this.stopThread(thread);
    const handler = thread.task.fault_handler;
    if (handler === null || !handler.endpoint.alive) {
      if (orphan !== null) settleOrphan(this, orphan, 'abort');
      return;
    }
    deliverKernelMessage(this, handler.endpoint, {
      kind: 'kernel',
      badge: handler.badge,
      label: FAULT_LABEL,
      words: [EXCEPTION_KIND_CODES[info.kind], thread.task.id, thread.id, info.vaddr >>> 0, orphan === null ? 0 : orphan.id + 1],
    });
  }

  /** Kills every thread of a task; each is delivered to the fault handler as `killed`. */
  killTask(task: Task, reason: string): void {
    for (const t of task.threads) if (t.state !== 'dead') this.faultThread(t, { kind: 'killed', vaddr: 0, message: reason });
  }

  /**
   * Restarts a task from its image: its threads stop (callers they were serving are left for the
   * caller of restart to settle), every page goes, and the image runs again.
   */
  restartTask(task: Task): Thread[] {
    if (task.image === null) throw new Error(`invariant: restart of ${task.name}, which has no image`);
    if (!task.alive) throw new Error(`invariant: restart of ${task.name}, which was shut down`);
    const orphans: Thread[] = [];
    for (const t of task.threads) {
      const o = this.stopThread(t);
      if (o !== null) orphans.push(o);
    }
    this.forget(task.threads);
    task.threads.length = 0;
    this.mapping.clear(task.as);
    task.incarnation++;
    this.log(task.name, 'restart', `incarnation=${task.incarnation}`);
    if (this.ipcHooks !== null) this.ipcHooks.taskRestarted(task);
    task.image(task);
    return orphans;
  }

  /**
   * Ends a thread without a fault message; returns the caller it was serving (now orphaned, left
   * reply-blocked for whoever stopped the thread to settle), if any.
   */
  stopThread(thread: Thread): Thread | null {
    if (thread.state === 'dead') return null;
    this.scheduler.remove(thread);
    this.unqueue(thread);
    this.endRequest(thread, 'died');
    thread.state = 'dead';
    thread.gen = null;
    this.entries.delete(thread);
    const orphan = thread.reply_to;
    thread.reply_to = null;
    if (orphan !== null && orphan.state === 'reply-blocked' && orphan.reply_from === thread) return orphan;
    return null;
  }

  /** Tells the hooks a thread's request is over (reply, next receive, or death). */
  endRequest(thread: Thread, how: 'reply' | 'recv' | 'died'): void {
    if (!thread.in_request) return;
    thread.in_request = false;
    if (this.ipcHooks !== null) this.ipcHooks.requestDone(thread, how);
  }

  /** Shuts a task down for good: its threads stop and the endpoints it receives on die. */
  shutdownTask(task: Task): Thread[] {
    const orphans: Thread[] = [];
    for (const t of task.threads) {
      const o = this.stopThread(t);
      if (o !== null) orphans.push(o);
    }
    for (const cap of task.caps) {
      if (cap !== null && cap.kind === 'endpoint' && cap.rights.recv && cap.endpoint.alive) this.destroyEndpoint(cap.endpoint);
    }
    task.alive = false;
    this.log(task.name, 'shutdown', `orphans=${orphans.length}`);
    return orphans;
  }

  // ---- blocking and waking (used by ipc.ts and invoke.ts) ----

  block(thread: Thread, state: 'send-blocked' | 'recv-blocked' | 'reply-blocked', timeout_cycles: Cycles | undefined): void {
    this.scheduler.remove(thread);
    thread.state = state;
    if (timeout_cycles !== undefined) {
      thread.deadline_cycles = this.now + timeout_cycles;
      this.timed.add(thread);
    }
  }

  /** Makes a blocked thread ready with the given result. */
  wake(thread: Thread, res: SysResult): void {
    if (thread.state === 'dead') return;
    this.unqueue(thread);
    thread.pending = res;
    if (res.kind !== 'reply') thread.reply_from = null;
    this.scheduler.makeReady(thread);
  }

  /** Takes a thread out of whatever endpoint queue and timeout list it is in. */
  private unqueue(thread: Thread): void {
    const ep = thread.blocked_on;
    if (ep !== null) {
      removeFromQueue(ep.senders, thread);
      removeFromQueue(ep.receivers, thread);
    }
    thread.blocked_on = null;
    if (thread.deadline_cycles !== null) {
      thread.deadline_cycles = null;
      this.timed.delete(thread);
    }
  }

  // ---- running ----

  run(opts: RunOptions = {}): RunStop {
    const steps_max = opts.steps_max ?? LIMITS.steps_max_default;
    for (let steps = 0; ; steps++) {
      if (this.panic_reason !== null) return 'panic';
      if (opts.until !== undefined && opts.until()) return 'until';
      if (steps >= steps_max) return 'steps';
      if (opts.until_cycles !== undefined && this.now >= opts.until_cycles) return 'time';
      try {
        if (!this.step(opts.until_cycles)) return 'idle';
      } catch (e) {
        this.panic(e instanceof Error ? e.message : String(e));
      }
    }
  }

  /** One scheduling decision: run a thread for one slice, or move time to the next event. */
  private step(until_cycles: Cycles | undefined): boolean {
    this.machine.pollDevices();
    this.deliverInterrupts();
    this.expireTimeouts();
    const thread = this.scheduler.pick();
    if (thread !== null) {
      this.runSlice(thread);
      return true;
    }
    const next = this.nextEventTime();
    if (next === null) return false;
    this.machine.clock.advanceTo(until_cycles === undefined ? next : Math.min(next, until_cycles));
    return true;
  }

  private nextEventTime(): Cycles | null {
    let next = this.machine.nextDeviceEvent();
    for (const t of this.timed) {
      if (t.deadline_cycles !== null && (next === null || t.deadline_cycles < next)) next = t.deadline_cycles;
    }
    return next;
  }

  private runSlice(thread: Thread): void {
    const start = this.now;
    if (this.last_run !== thread) {
      this.machine.clock.charge(this.machine.costs.context_switch);
      this.machine.mmu.switchTo(thread.task.as.table);
      this.last_run = thread;
    }
    const pending = thread.pending;
    thread.pending = NO_RESULT;
    thread.accesses_in_slice = 0;
    let done: boolean;
    let raw: unknown;
    // Who may touch memory changes here and at the end of the slice: ctx.mem's fast paths end.
    const mmu = this.machine.mmu;
    mmu.touch();
    this.current = thread;
    try {
      if (thread.gen === null) thread.gen = this.startGenerator(thread);
      // What the generator hands back is the thread's own object when it delegates (`yield*`) to
      // an iterator of its making: its `done` and `value` are read here, in the thread's fault
      // boundary, once each — a getter there is the thread's exception, never a kernel panic.
      const step = thread.gen.next(pending);
      done = step.done === true;
      raw = done ? undefined : step.value;
    } catch (e) {
      this.current = null;
      this.faultThread(thread, thread.fault ?? faultFromThrown(e));
      return;
    } finally {
      this.current = null;
      this.machine.clock.settleOwed();
      mmu.touch();
    }
    if (thread.fault !== null) {
      this.faultThread(thread, thread.fault);
      return;
    }
    if (done) {
      this.log(thread.task.name, 'thread-exit', thread.name);
      const orphan = this.stopThread(thread);
      if (orphan !== null) settleOrphan(this, orphan, 'abort');
      return;
    }
    this.machine.clock.charge(this.machine.costs.kernel_entry + this.machine.costs.kernel_exit);
    dispatchSyscall(this, thread, raw);
    this.scheduler.charge(thread, this.now - start);
  }

  private startGenerator(thread: Thread): ThreadBody {
    const entry = this.entries.get(thread);
    if (entry === undefined) throw new Error(`invariant: thread ${thread.name} has no entry`);
    // Server code holds ctx: frozen copies of what it may know, and a memory view whose state is
    // private, so that nothing reachable from it is a kernel object (a task, a capability table, a
    // page table, the kernel).
    const ctx: ThreadCtx = Object.freeze({
      mem: Object.freeze(new MemoryView(this, thread)),
      thread: Object.freeze({ id: thread.id, name: thread.name }),
      task: Object.freeze({ id: thread.task.id, name: thread.task.name, incarnation: thread.task.incarnation }),
    });
    return entry(ctx);
  }

  private deliverInterrupts(): void {
    if (!this.machine.irqs.hasPending) return;
    for (const irq of this.machine.irqs.takePending()) {
      const binding = this.irq_bindings.get(irq);
      this.log('kernel', 'irq', `line=${irq}${binding === undefined ? ' unbound' : ` -> ${binding.endpoint.name}`}`);
      if (binding !== undefined && binding.endpoint.alive) notifyEndpoint(this, binding.endpoint, binding.badge);
    }
  }

  private expireTimeouts(): void {
    if (this.timed.size === 0) return;
    const now = this.now;
    const due = [...this.timed].filter((t) => t.deadline_cycles !== null && t.deadline_cycles <= now).sort((a, b) => a.id - b.id);
    for (const t of due) {
      this.log(t.task.name, 'timeout', `${t.name} ${t.state}`);
      this.wake(t, result({ err: 'ETIMEDOUT' }));
    }
  }

  /** MINIX 3: the kernel tells the user-level scheduler, and goes on with what it has meanwhile. */
  private reportQuantumExpiry(t: Thread): void {
    const ep = this.scheduler_endpoint;
    const b = t.task.sched_badge;
    if (ep === null || !ep.alive || b === 0) return;
    // One report per task waiting at a time: the queue stays bounded while the scheduler is down.
    if (ep.senders.some((s) => 'kind' in s && s.label === SCHED_LABEL && s.badge === b)) return;
    deliverKernelMessage(this, ep, { kind: 'kernel', badge: b, label: SCHED_LABEL, words: [t.task.id, t.id, t.priority] });
  }

  private panic(reason: string): void {
    this.panic_reason = reason;
    this.log('kernel', 'panic', reason);
  }

  private assertLimit(ok: boolean, limit: string): void {
    if (!ok) throw new Error(`limit reached: ${limit}`);
  }

  // ---- inspection ----

  threadById(id: number): Thread | null {
    return this.thread_by_id.get(id) ?? null;
  }

  /** Drops stopped threads from the kernel's tables (their ids are never used again). */
  private forget(dead: readonly Thread[]): void {
    const gone = new Set(dead);
    for (const t of dead) this.thread_by_id.delete(t.id);
    const kept = this.threads.filter((t) => !gone.has(t));
    this.threads.length = 0;
    this.threads.push(...kept);
  }

  traceHash(): string {
    return this.trace.traceHash();
  }
}

/** Whether any of `pages` pages from `first` is mapped in the task (`mapped`), or unmapped (not `mapped`). */
function anyMapped(task: Task, first: number, pages: number, mapped: boolean): boolean {
  for (let vpn = first; vpn < first + pages; vpn++) if (task.as.isMapped(vpn) === mapped) return true;
  return false;
}

function faultFromThrown(e: unknown): FaultInfo {
  // Describing the thrown value runs its own code (a getter, toString, a proxy trap), which may
  // throw in turn; that must not reach the kernel's run loop.
  try {
    if (e instanceof SimFault) return { kind: e.kind, vaddr: e.vaddr, message: e.message };
    if (e instanceof Error) return { kind: 'exception', vaddr: 0, message: `${e.name}: ${e.message}` };
    return { kind: 'exception', vaddr: 0, message: `thrown ${typeof e}: ${String(e)}` };
  } catch {
    return { kind: 'exception', vaddr: 0, message: 'thrown a value that cannot be described' };
  }
}
