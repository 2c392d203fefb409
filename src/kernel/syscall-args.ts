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
import type { CapSlot, ControlAction, DeviceRequest, Message, RecvBuf } from './objects.ts';

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
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) out.push(leaf(w[i]));
  return out;
}

function message(m: unknown): unknown {
  if (!isObject(m)) return leaf(m);
  const buf = m.buf;
  return buf === undefined ? { label: leaf(m.label), words: words(m.words) } : { label: leaf(m.label), words: words(m.words), buf: range(buf) };
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

/** A system call's argument as the stubs build it: sealed, already plain. */
export class SyscallArgs {
  readonly #args: Plain;

  /** Only the factories below make one: a thread cannot seal an argument of its own making. */
  private constructor(key: symbol, args: Plain) {
    if (key !== SEALING) throw new TypeError('SyscallArgs are made by the system-call library only');
    this.#args = args;
  }

  static #seal(args: Plain): SyscallArgs {
    return new SyscallArgs(SEALING, args);
  }

  /** The sealed argument, or null when `raw` is not one (a Proxy never is). */
  static argsOf(raw: unknown): Plain | null {
    return isObject(raw) && #args in raw ? raw.#args : null;
  }

  static call(slot: CapSlot, msg: Message, opts?: IpcOpts): SyscallArgs {
    // Every field written out (no spread): one object shape per call, built without a copy.
    return SyscallArgs.#seal({ op: 'call', slot: leaf(slot), msg: message(msg), recv_buf: recvBufOf(opts), timeout_cycles: timeoutOf(opts) });
  }

  static recv(slot: CapSlot, opts?: IpcOpts): SyscallArgs {
    return SyscallArgs.#seal({ op: 'recv', slot: leaf(slot), recv_buf: recvBufOf(opts), timeout_cycles: timeoutOf(opts) });
  }

  static reply(msg: Message): SyscallArgs {
    return SyscallArgs.#seal({ op: 'reply', msg: message(msg) });
  }

  static replyRecv(msg: Message, slot: CapSlot, opts?: IpcOpts): SyscallArgs {
    return SyscallArgs.#seal({ op: 'replyRecv', msg: message(msg), slot: leaf(slot), recv_buf: recvBufOf(opts), timeout_cycles: timeoutOf(opts) });
  }

  static notify(slot: CapSlot): SyscallArgs {
    return SyscallArgs.#seal({ op: 'notify', slot: leaf(slot) });
  }

  static simple(op: 'yield' | 'now' | 'exit'): SyscallArgs {
    return SyscallArgs.#seal({ op });
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
