// The fast path of copy-in. The system-call library (sys.ts) does the copy itself, in the thread's
// own time, before it yields: each stub reads the fields its call takes and builds a fresh plain
// argument whose leaves are primitives (anything else becomes a marker that decode refuses), and
// seals it in a `SyscallArgs`, whose real private field no code outside this file can read or
// change. The kernel recognises one by its private brand — a check no Proxy can fake and no getter
// can run in — and decodes the sealed argument without copying it again. Anything else a thread
// yields takes the general path (decode.ts's copy-in).
//
// Reading the fields runs the thread's code (a getter, a Proxy trap) in the thread, as a C library
// touching a bad pointer before the trap would: a throw there is the thread's exception, never the
// kernel's. Once sealed, nothing the thread holds can change the argument.
import { LIMITS } from '../hw/limits.ts';
import type { Cycles, VirtAddr } from '../hw/types.ts';
import type { CapSlot, ControlAction, DeviceRequest, Message, RecvBuf, SysResult } from './objects.ts';

/** What a non-primitive leaf becomes: a symbol, which every check of decode refuses (EINVAL). */
const NOT_A_VALUE = Symbol('not a value');

type Plain = Record<string, unknown>;

function leaf(v: unknown): unknown {
  return (typeof v === 'object' && v !== null) || typeof v === 'function' ? NOT_A_VALUE : v;
}

function isObject(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null;
}

function range(r: unknown): unknown {
  return isObject(r) ? { vaddr: leaf(r.vaddr), len: leaf(r.len) } : leaf(r);
}

/** Words: copied only up to one past the limit, so that a huge array costs nothing and is still refused. */
function words(w: unknown): unknown {
  if (!Array.isArray(w)) return leaf(w);
  const n = Math.min(w.length, LIMITS.msg_words_max + 1);
  // Made at its size: pushing onto [] would allocate room for sixteen first.
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = leaf(w[i]);
  return out;
}

function deviceRequest(r: unknown): unknown {
  if (!isObject(r)) return leaf(r);
  return { action: leaf(r.action), at_cycles: leaf(r.at_cycles), period_cycles: leaf(r.period_cycles), block: leaf(r.block), vaddr: leaf(r.vaddr), len: leaf(r.len), index: leaf(r.index) };
}

function controlAction(a: unknown): unknown {
  return isObject(a) ? { action: leaf(a.action), caller_thread: leaf(a.caller_thread) } : leaf(a);
}

interface IpcOpts {
  recv_buf?: RecvBuf;
  timeout_cycles?: Cycles;
}

function recvBufOf(opts: unknown): unknown {
  return isObject(opts) ? range(opts.recv_buf) : undefined;
}

function timeoutOf(opts: unknown): unknown {
  return isObject(opts) ? leaf(opts.timeout_cycles) : undefined;
}

/** The constructor's key: not exported, so only this file can make a SyscallArgs. */
const SEALING = Symbol('sealing');

/**
 * The register form: how a stub seals the four IPC calls — call, recv, reply, replyRecv, with or
 * without a buffer or options, whenever the message is an object — which is what every request
 * and reply sends. The leaves sit in the sealed argument's own private fields (a buffer as the
 * `{ vaddr, len }` copy the record form would hold), and the kernel reads them where they are
 * (`registerOp`, then `slotOf`, `labelOf`, …), with no record to walk and nothing copied into
 * registers of its own. Every other call is sealed as a plain record (`argsOf`) and decoded by the
 * general path.
 */
export const REG_OP = { none: 0, call: 1, recv: 2, reply: 3, replyRecv: 4 } as const;
// The hot paths (the factories below, invoke.ts's dispatchSyscall and dispatchIpc) write these codes as literals,
// with the name beside each: optimized code loads and checks a module constant at every use.
export type RegOp = (typeof REG_OP)[keyof typeof REG_OP];


/**
 * A system call's argument as the stubs build it: sealed, already plain. It is also the stub's
 * iterator (`yield* sys.call(…)` yields it once, then returns the kernel's answer), so that a
 * system call costs one object instead of a generator and its argument.
 */
export class SyscallArgs implements Iterator<SyscallArgs, unknown, SysResult> {
  readonly #op: RegOp;
  readonly #slot: unknown;
  readonly #label: unknown;
  /** the message's words until the kernel takes them (`takeWords`), then NOT_A_VALUE */
  #words: unknown;
  readonly #buf: unknown;
  readonly #recv_buf: unknown;
  readonly #timeout_cycles: unknown;
  /** the plain record of a call not in register form (op none), else null */
  readonly #args: Plain | null;
  /** what the stub hands back once the kernel answered: the answer's value (sys.now), or the answer itself */
  readonly #returns_value: boolean;
  /** the iterator's progress: 0 before the yield, 1 waiting for the answer, 2 done */
  #step = 0;
  /**
   * The iterator result `next` hands back is this object itself (its `done` and `value`), not a
   * fresh `{ value, done }`: `yield*` passes it through to the kernel and reads it back once per
   * step, so a system call allocates no result objects. What it carries is the iterator protocol
   * only; the sealed argument sits in the private fields, which nothing here exposes.
   */
  done = false;
  value: unknown = undefined;

  /** Only the factories below make one: a thread cannot seal an argument of its own making. */
  private constructor(key: symbol, op: RegOp, slot: unknown, msg: Plain | null, args: Plain | null, opts: unknown, returns_value: boolean) {
    if (key !== SEALING) throw new TypeError('SyscallArgs are made by the system-call library only');
    this.#op = op;
    this.#slot = slot;
    // Read in the order the record form reads them: msg.buf, msg.label, msg.words, the buffer's fields, then the options'.
    if (msg === null) {
      this.#label = this.#words = this.#buf = undefined;
    } else {
      const buf = msg.buf;
      this.#label = leaf(msg.label);
      this.#words = words(msg.words);
      this.#buf = buf === undefined ? undefined : range(buf);
    }
    this.#recv_buf = recvBufOf(opts);
    this.#timeout_cycles = timeoutOf(opts);
    this.#args = args;
    this.#returns_value = returns_value;
  }

  static #seal(args: Plain): SyscallArgs {
    return new SyscallArgs(SEALING, 0 /* REG_OP.none */, undefined, null, args, undefined, false);
  }

  /** The sealed plain record, or null when `raw` is not a sealed argument (a Proxy never is) or is in register form. */
  static argsOf(raw: unknown): Plain | null {
    return isObject(raw) && #args in raw ? raw.#args : null;
  }

  /**
   * The register form's op of a sealed argument (call, recv, reply or replyRecv), or 0 (REG_OP.none)
   * for anything else — a record-form call, or anything that is not a sealed argument (a Proxy
   * never is: its private brand does not pass through). Only once this answered an op may the
   * kernel read the fields below, which it then does in place: there is nothing to copy.
   */
  static registerOp(raw: unknown): RegOp {
    return isObject(raw) && #op in raw ? raw.#op : 0;
  }

  /** A register-form argument's fields, as the stub read them (see `registerOp`). */
  static slotOf(a: SyscallArgs): unknown {
    return a.#slot;
  }

  static labelOf(a: SyscallArgs): unknown {
    return a.#label;
  }

  static wordsOf(a: SyscallArgs): unknown {
    return a.#words;
  }

  /**
   * Hands a decoded message's words to the kernel, which passes that very array on to whoever
   * receives the message (no copy): the sealed argument lets go of them, so that what a receiver
   * does to the array can never reach a message sent again with the same sealed argument — yielded
   * again, it decodes as EINVAL (a sealed argument carries one message, once).
   */
  static takeWords(a: SyscallArgs): unknown {
    const words = a.#words;
    a.#words = NOT_A_VALUE;
    return words;
  }

  static bufOf(a: SyscallArgs): unknown {
    return a.#buf;
  }

  static recvBufOf(a: SyscallArgs): unknown {
    return a.#recv_buf;
  }

  static timeoutOf(a: SyscallArgs): unknown {
    return a.#timeout_cycles;
  }

  // ---- the stub's iterator: yields this argument once, then returns the kernel's answer ----

  next(answer?: SysResult): IteratorResult<SyscallArgs, unknown> {
    if (this.#step === 0) {
      this.#step = 1;
      this.value = this;
      return this as IteratorResult<SyscallArgs, unknown>;
    }
    this.done = true;
    this.value = this.#step === 1 ? (this.#returns_value ? answer?.value : answer) : undefined;
    this.#step = 2;
    return this as IteratorResult<SyscallArgs, unknown>;
  }

  return(value?: unknown): IteratorResult<SyscallArgs, unknown> {
    this.#step = 2;
    return { value, done: true };
  }

  throw(e?: unknown): IteratorResult<SyscallArgs, unknown> {
    this.#step = 2;
    throw e;
  }

  [Symbol.iterator](): this {
    return this;
  }

  // ---- the factories, one per system call ----

  static call(slot: CapSlot, msg: Message, opts?: IpcOpts): SyscallArgs {
    // Every field written out (no spread): one object shape per call, built without a copy.
    if (!isObject(msg)) return SyscallArgs.#seal({ op: 'call', slot: leaf(slot), msg: leaf(msg), recv_buf: recvBufOf(opts), timeout_cycles: timeoutOf(opts) });
    return new SyscallArgs(SEALING, 1 /* REG_OP.call */, leaf(slot), msg, null, opts, false);
  }

  static recv(slot: CapSlot, opts?: IpcOpts): SyscallArgs {
    return new SyscallArgs(SEALING, 2 /* REG_OP.recv */, leaf(slot), null, null, opts, false);
  }

  static reply(msg: Message): SyscallArgs {
    if (!isObject(msg)) return SyscallArgs.#seal({ op: 'reply', msg: leaf(msg) });
    return new SyscallArgs(SEALING, 3 /* REG_OP.reply */, undefined, msg, null, undefined, false);
  }

  static replyRecv(msg: Message, slot: CapSlot, opts?: IpcOpts): SyscallArgs {
    if (!isObject(msg)) return SyscallArgs.#seal({ op: 'replyRecv', msg: leaf(msg), slot: leaf(slot), recv_buf: recvBufOf(opts), timeout_cycles: timeoutOf(opts) });
    return new SyscallArgs(SEALING, 4 /* REG_OP.replyRecv */, leaf(slot), msg, null, opts, false);
  }

  static simple(op: 'yield' | 'now' | 'exit'): SyscallArgs {
    return SyscallArgs.#seal({ op });
  }

  /** sys.now: the stub returns the answer's value, not the answer. */
  static now(): SyscallArgs {
    return new SyscallArgs(SEALING, 0 /* REG_OP.none */, undefined, null, { op: 'now' }, undefined, true);
  }

  static notify(slot: CapSlot): SyscallArgs {
    return SyscallArgs.#seal({ op: 'notify', slot: leaf(slot) });
  }


  static spin(cycles: Cycles): SyscallArgs {
    return SyscallArgs.#seal({ op: 'spin', cycles: leaf(cycles) });
  }

  static map(slot: CapSlot, src_vaddr: VirtAddr, dst_vaddr: VirtAddr, pages: number, writable: boolean, grant: boolean): SyscallArgs {
    return SyscallArgs.#seal({ op: 'map', slot: leaf(slot), src_vaddr: leaf(src_vaddr), dst_vaddr: leaf(dst_vaddr), pages: leaf(pages), writable: leaf(writable), grant: leaf(grant) });
  }

  static unmap(vaddr: VirtAddr, pages: number, self: boolean): SyscallArgs {
    return SyscallArgs.#seal({ op: 'unmap', vaddr: leaf(vaddr), pages: leaf(pages), self: leaf(self) });
  }

  static device(slot: CapSlot, req: DeviceRequest): SyscallArgs {
    return SyscallArgs.#seal({ op: 'device', slot: leaf(slot), req: deviceRequest(req) });
  }

  static irqBind(device_slot: CapSlot, endpoint_slot: CapSlot): SyscallArgs {
    return SyscallArgs.#seal({ op: 'irqBind', device_slot: leaf(device_slot), endpoint_slot: leaf(endpoint_slot) });
  }

  static control(slot: CapSlot, action: ControlAction): SyscallArgs {
    return SyscallArgs.#seal({ op: 'control', slot: leaf(slot), action: controlAction(action) });
  }

  static setSched(slot: CapSlot, priority: number, quantum_cycles: Cycles): SyscallArgs {
    return SyscallArgs.#seal({ op: 'setSched', slot: leaf(slot), priority: leaf(priority), quantum_cycles: leaf(quantum_cycles) });
  }
}
