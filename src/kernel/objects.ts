// The kernel's objects and the names that refer to them: tasks, threads, endpoints, capabilities.
// Each is a plain record; the operations on them live in the files named for each mechanism
// (address-space.ts, ipc.ts, scheduler.ts, kernel.ts).
import type { Cycles, VirtAddr } from '../hw/types.ts';
import type { Errno } from './errors.ts';
import type { AddressSpace } from './address-space.ts';
import type { SyscallArgs } from './syscall-args.ts';

/** The name a server sees for a client: chosen by whoever minted the capability. */
export type Badge = number & { readonly __brand: 'Badge' };
/** An index into a task's capability space. */
export type CapSlot = number & { readonly __brand: 'CapSlot' };
export const badge = (n: number): Badge => n as Badge;
export const capSlot = (n: number): CapSlot => n as CapSlot;

export interface EndpointRights {
  send: boolean;
  recv: boolean;
}
export interface TaskRights {
  /** may map or grant its own pages into this task */
  map: boolean;
  /** may kill and restart this task, and settle the calls it left behind */
  control: boolean;
  /** may set this task's priority and quantum */
  sched: boolean;
}
export type DeviceName = 'timer' | 'disk' | 'console' | 'nic';

export type Capability =
  | { kind: 'endpoint'; endpoint: Endpoint; badge: Badge; rights: EndpointRights }
  | { kind: 'task'; task: Task; rights: TaskRights }
  | { kind: 'device'; device: DeviceName };

export interface Message {
  label: number;
  /** u32 words, at most LIMITS.msg_words_max */
  words: number[];
  /** an optional buffer in the sender's address space, copied by the kernel */
  buf?: { vaddr: VirtAddr; len: number };
}

/** Where a received buffer lands in the receiver's address space. */
export interface RecvBuf {
  vaddr: VirtAddr;
  len: number;
}

/** What every system call returns to the thread. */
export interface SysResult {
  err: Errno;
  /** 'call': a request to reply to; 'kernel': a message from the kernel itself (no reply);
   *  'notify': notification bits; 'reply': the answer to a call */
  kind: 'none' | 'call' | 'kernel' | 'notify' | 'reply';
  badge: Badge;
  label: number;
  words: number[];
  /** bytes copied into the receive buffer */
  buf_len: number;
  /** notification bits (kind 'notify'), or a value (device reads, the clock) */
  value: number;
}

export type ThreadState =
  | 'ready'
  | 'send-blocked' // queued on an endpoint, no receiver yet
  | 'recv-blocked' // waiting on an endpoint for a message
  | 'reply-blocked' // its call was delivered; waiting for the reply
  | 'dead';

export interface Thread {
  readonly id: number;
  readonly task: Task;
  readonly name: string;
  state: ThreadState;
  priority: number;
  quantum_cycles: Cycles;
  quantum_left_cycles: Cycles;
  /** whether the thread is in its priority's ready queue (kept by the scheduler alone) */
  ready_queued: boolean;
  /** the result handed to the generator when it next runs */
  pending: SysResult;
  /** set by the MMU path when an access faults, so that a caught fault still stops the thread */
  fault: FaultInfo | null;
  accesses_in_slice: number;
  // IPC state, guarded by the kernel: valid only in the blocked states named.
  blocked_on: Endpoint | null; // send-blocked, recv-blocked
  // send-blocked, reply-blocked: the call's message (its label, words, and buffer or null). The
  // words are a copy in the thread (call_words_max long, the first call_word_count of them; -1
  // when no call is pending): the array the call came with goes to the receiver, who may change
  // it, and a call delivered again (queued, requeued) is delivered from this copy
  call_label: number;
  call_words: Uint32Array;
  call_word_count: number;
  call_buf: RecvBuf | null;
  call_recv_buf: RecvBuf | null; // send-blocked, reply-blocked: where the reply's buffer goes
  call_badge: Badge; // send-blocked: the badge of the capability used
  recv_buf: RecvBuf | null; // recv-blocked
  reply_from: Thread | null; // reply-blocked: the server thread holding our reply
  call_endpoint: Endpoint | null; // reply-blocked: where the call went (for a requeue after a crash)
  call_requeues: number; // how often the current call was delivered again after its server died
  reply_to: Thread | null; // a server's one-shot reply capability: the caller it must answer
  reply_to_badge: Badge;
  deadline_cycles: Cycles | null; // a timeout, in any blocked state
  in_request: boolean; // a call or kernel message was delivered and not yet answered (for the IPC hooks)
  request_badge: Badge; // in_request: the badge the request came with
  gen: Generator<SyscallYield, void, SysResult> | null;
}

export interface FaultInfo {
  kind: ExceptionKind;
  vaddr: VirtAddr;
  message: string;
}

/** Processor exceptions the kernel delivers to a fault handler (not the injector's fault kinds). */
export const EXCEPTION_KINDS = ['page-read', 'page-write', 'exception', 'killed', 'watchdog', 'alignment'] as const;
export type ExceptionKind = (typeof EXCEPTION_KINDS)[number];

export interface Task {
  readonly id: number;
  readonly name: string;
  readonly as: AddressSpace;
  readonly caps: (Capability | null)[];
  readonly threads: Thread[];
  alive: boolean;
  /** where the kernel sends this task's fault messages, and the badge they carry */
  fault_handler: { endpoint: Endpoint; badge: Badge } | null;
  /** the badge under which a user-level scheduler knows this task (0: not managed) */
  sched_badge: Badge;
  /** the boot image, run again by a restart */
  image: TaskImage | null;
  incarnation: number;
  /** loads and stores its threads have made, over every incarnation, counted where a memory hook sees them (ctx.mem settles its fast path's first: read the time) */
  accesses_made: number;
}

export type TaskImage = (task: Task) => void;

export interface Endpoint {
  readonly id: number;
  readonly name: string;
  alive: boolean;
  /** callers waiting for a receiver, and kernel-sent messages, in arrival order */
  senders: (Thread | KernelMessage)[];
  /** receivers waiting for a message, in arrival order */
  receivers: Thread[];
  /** pending notification bits (OR of the notifiers' badges) */
  notify_bits: number;
}

export interface KernelMessage {
  kind: 'kernel';
  badge: Badge;
  label: number;
  words: number[];
}

export type Syscall =
  | { op: 'call'; slot: CapSlot; msg: Message; recv_buf?: RecvBuf; timeout_cycles?: Cycles }
  | { op: 'recv'; slot: CapSlot; recv_buf?: RecvBuf; timeout_cycles?: Cycles }
  | { op: 'reply'; msg: Message }
  | { op: 'replyRecv'; msg: Message; slot: CapSlot; recv_buf?: RecvBuf; timeout_cycles?: Cycles }
  | { op: 'notify'; slot: CapSlot }
  | { op: 'yield' }
  | { op: 'spin'; cycles: Cycles }
  | { op: 'now' }
  | { op: 'map'; slot: CapSlot; src_vaddr: VirtAddr; dst_vaddr: VirtAddr; pages: number; writable: boolean; grant: boolean }
  | { op: 'unmap'; vaddr: VirtAddr; pages: number; self: boolean }
  | { op: 'device'; slot: CapSlot; req: DeviceRequest }
  | { op: 'irqBind'; device_slot: CapSlot; endpoint_slot: CapSlot }
  | { op: 'control'; slot: CapSlot; action: ControlAction }
  | { op: 'setSched'; slot: CapSlot; priority: number; quantum_cycles: Cycles }
  | { op: 'exit' };

export type DeviceRequest =
  | { action: 'timer-oneshot'; at_cycles: Cycles }
  | { action: 'timer-periodic'; period_cycles: Cycles }
  | { action: 'timer-cancel' }
  | { action: 'disk-read'; block: number; vaddr: VirtAddr }
  | { action: 'disk-write'; block: number; vaddr: VirtAddr }
  | { action: 'console-write'; vaddr: VirtAddr; len: number }
  | { action: 'nic-send'; vaddr: VirtAddr; len: number }
  | { action: 'nic-recv'; vaddr: VirtAddr; len: number }
  /** copies the index-th waiting frame (0: the oldest) to vaddr and leaves it in the NIC; answers its length */
  | { action: 'nic-peek'; index: number; vaddr: VirtAddr; len: number }
  /** removes the index-th waiting frame */
  | { action: 'nic-take'; index: number };

/** What a task capability with the control right can do: the supervisor's mechanisms. */
export type ControlAction =
  | { action: 'kill' }
  | { action: 'shutdown' }
  | { action: 'restart' }
  | { action: 'abort-call'; caller_thread: number }
  | { action: 'requeue-call'; caller_thread: number };

/** What a thread yields: a system call as the library seals it, or as a plain object (copied in by the kernel). */
export type SyscallYield = Syscall | SyscallArgs;
export type ThreadBody = Generator<SyscallYield, void, SysResult>;
