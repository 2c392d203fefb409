// System calls, first half: decode (seL4). A thread can yield anything; `decode` turns it into a
// typed `Invocation` — every capability looked up with its kind and right, every number checked,
// every address range checked by `checkRange` — or an error code, before any state changes. Only
// an invocation reaches invoke.ts. The four IPC calls in register form (syscall-args.ts: what the
// stubs send) are decoded by the same checks without an invocation being built: invoke.ts's
// `dispatchIpc` calls the helpers exported here (`messageBuffer`, `decodeEndpoint`,
// `decodeRecvBuf`, `decodeTimeout`) in `decode`'s order of errors, keeps each decoded field in a
// local, and invokes only once every check passed.
//
// Before decoding, the argument is taken as plain data, the way a kernel copies a user structure
// in before reading it. The system-call library's stubs do it in the thread's own time and seal
// the result (syscall-args.ts: the fast path); for anything else a thread yields, `copyIn` does:
// plain objects and arrays of own data properties only, no getters, Proxies, functions, symbols,
// typed arrays or `ArrayBuffer`s, no `__proto__`, `constructor` or `prototype` keys. So no code of
// the thread's ever runs inside the kernel, and a value cannot change between its check and its
// use. Copy-in and decode run inside the kernel's fault boundary for the thread: whatever throws
// there is EINVAL to that thread, never a panic.
import { types } from 'node:util';
import { LIMITS } from '../hw/limits.ts';
import type { Cycles, VirtAddr } from '../hw/types.ts';
import { checkRange, isWellFormedRange } from './copy.ts';
import type { Errno } from './errors.ts';
import type { Kernel } from './kernel.ts';
import { SyscallArgs } from './syscall-args.ts';
import type { Badge, Capability, DeviceName, DeviceRequest, Endpoint, Message, RecvBuf, Task, Thread } from './objects.ts';

/** A system call that decoded cleanly: what invoke.ts carries out, with no check left to make. */
export type Invocation =
  | { op: 'call'; endpoint: Endpoint; badge: Badge; msg: Message; recv_buf: RecvBuf | null; timeout_cycles: Cycles | undefined }
  | { op: 'recv'; endpoint: Endpoint; recv_buf: RecvBuf | null; timeout_cycles: Cycles | undefined }
  | { op: 'reply'; msg: Message }
  | { op: 'replyRecv'; msg: Message; endpoint: Endpoint; recv_buf: RecvBuf | null; timeout_cycles: Cycles | undefined }
  | { op: 'notify'; endpoint: Endpoint; badge: Badge }
  | { op: 'yield' }
  | { op: 'spin'; cycles: Cycles }
  | { op: 'now' }
  | { op: 'map'; to: Task; src_vaddr: VirtAddr; dst_vaddr: VirtAddr; pages: number; writable: boolean; grant: boolean }
  | { op: 'unmap'; vaddr: VirtAddr; pages: number; self: boolean }
  | { op: 'device'; req: DeviceRequest }
  | { op: 'irqBind'; device: DeviceName; endpoint: Endpoint; badge: Badge }
  | { op: 'control'; target: Task; action: ControlInvocation }
  | { op: 'setSched'; target: Task; priority: number; quantum_cycles: Cycles }
  | { op: 'exit' };

export type ControlInvocation = { action: 'kill' } | { action: 'shutdown' } | { action: 'restart' } | { action: 'settle'; caller: Thread; how: 'abort' | 'requeue' };

/** Copy-in (sealed by the library, or copied here), then decode; any throw on the way is the thread's malformed argument. */
export function decodeSyscall(k: Kernel, t: Thread, raw: unknown): Invocation | Errno {
  try {
    const args = SyscallArgs.argsOf(raw) ?? copyIn(raw, 0);
    if (args === NOT_PLAIN) return 'EINVAL';
    return decode(k, t, args);
  } catch {
    return 'EINVAL';
  }
}

// ---- copy-in ----

const NOT_PLAIN = Symbol('not plain data');
/** how deep a system call's argument nests (call → msg → buf → fields is 3) */
const ARG_DEPTH_MAX = 4;
/** keys or elements in one object or array of an argument */
const ARG_FIELDS_MAX = 16;
/** keys no system call takes, which name an object's prototype machinery rather than data */
const REFUSED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

type Plain = Record<string, unknown>;

/**
 * A copy of a system call's argument made of plain data, or NOT_PLAIN. Only checks that run no
 * code of the thread's are made before a value is known to be plain: `isProxy`, the prototype and
 * own keys of an object that is not a Proxy, and property descriptors (never a property read).
 */
function copyIn(raw: unknown, depth: number): unknown {
  switch (typeof raw) {
    case 'number':
    case 'string':
    case 'boolean':
    case 'undefined':
    case 'bigint':
      return raw;
    case 'object':
      if (raw === null) return null;
      break;
    default:
      return NOT_PLAIN; // functions and symbols
  }
  if (depth >= ARG_DEPTH_MAX || types.isProxy(raw)) return NOT_PLAIN;
  const proto: unknown = Object.getPrototypeOf(raw);
  if (Array.isArray(raw)) return proto === Array.prototype ? copyArray(raw, depth) : NOT_PLAIN;
  // Typed arrays, ArrayBuffers, Dates, Maps, class instances: nothing a system call takes.
  if (proto !== Object.prototype && proto !== null) return NOT_PLAIN;
  const keys = Reflect.ownKeys(raw);
  if (keys.length > ARG_FIELDS_MAX) return NOT_PLAIN;
  const out: Plain = Object.create(null) as Plain;
  for (const key of keys) {
    if (typeof key !== 'string' || REFUSED_KEYS.has(key)) return NOT_PLAIN;
    const v = copyField(raw, key, depth);
    if (v === NOT_PLAIN) return NOT_PLAIN;
    out[key] = v;
  }
  return out;
}

function copyArray(raw: unknown[], depth: number): unknown {
  const length: unknown = Object.getOwnPropertyDescriptor(raw, 'length')?.value;
  if (typeof length !== 'number' || length > ARG_FIELDS_MAX) return NOT_PLAIN;
  // Every index present, nothing else but `length`: no holes, no extra keys, no symbols.
  if (Reflect.ownKeys(raw).length !== length + 1) return NOT_PLAIN;
  const out: unknown[] = [];
  for (let i = 0; i < length; i++) {
    const v = copyField(raw, String(i), depth);
    if (v === NOT_PLAIN) return NOT_PLAIN;
    out.push(v);
  }
  return out;
}

function copyField(raw: object, key: string, depth: number): unknown {
  const d = Object.getOwnPropertyDescriptor(raw, key);
  if (d === undefined || !('value' in d)) return NOT_PLAIN;
  return copyIn(d.value, depth + 1);
}

// ---- decode ----

type Decoded<T> = T | Errno;
type EndpointCap = Extract<Capability, { kind: 'endpoint' }>;
type TaskCap = Extract<Capability, { kind: 'task' }>;

function decode(k: Kernel, t: Thread, raw: unknown): Invocation | Errno {
  if (!isPlain(raw) || typeof raw.op !== 'string') return 'EINVAL';
  const a = raw;
  switch (a.op) {
    case 'call': {
      const cap = decodeEndpoint(t, a.slot, 'send');
      const msg = decodeMessage(k, t, a.msg);
      const recv_buf = decodeRecvBuf(k, t, a.recv_buf);
      const timeout_cycles = decodeTimeout(a.timeout_cycles);
      if (isErr(cap)) return cap;
      if (isErr(msg)) return msg;
      if (isErr(recv_buf)) return recv_buf;
      if (isErr(timeout_cycles)) return timeout_cycles;
      return { op: 'call', endpoint: cap.endpoint, badge: cap.badge, msg, recv_buf, timeout_cycles };
    }
    case 'recv': {
      const cap = decodeEndpoint(t, a.slot, 'recv');
      const recv_buf = decodeRecvBuf(k, t, a.recv_buf);
      const timeout_cycles = decodeTimeout(a.timeout_cycles);
      if (isErr(cap)) return cap;
      if (isErr(recv_buf)) return recv_buf;
      if (isErr(timeout_cycles)) return timeout_cycles;
      return { op: 'recv', endpoint: cap.endpoint, recv_buf, timeout_cycles };
    }
    case 'reply': {
      const msg = decodeMessage(k, t, a.msg);
      if (isErr(msg)) return msg;
      return { op: 'reply', msg };
    }
    case 'replyRecv': {
      const msg = decodeMessage(k, t, a.msg);
      const cap = decodeEndpoint(t, a.slot, 'recv');
      const recv_buf = decodeRecvBuf(k, t, a.recv_buf);
      const timeout_cycles = decodeTimeout(a.timeout_cycles);
      if (isErr(msg)) return msg;
      if (isErr(cap)) return cap;
      if (isErr(recv_buf)) return recv_buf;
      if (isErr(timeout_cycles)) return timeout_cycles;
      return { op: 'replyRecv', msg, endpoint: cap.endpoint, recv_buf, timeout_cycles };
    }
    case 'notify': {
      const cap = decodeEndpoint(t, a.slot, 'send');
      if (isErr(cap)) return cap;
      return { op: 'notify', endpoint: cap.endpoint, badge: cap.badge };
    }
    case 'yield':
    case 'now':
    case 'exit':
      return { op: a.op };
    case 'spin':
      if (!isInt(a.cycles) || a.cycles < 1 || a.cycles > LIMITS.quantum_cycles_default * 100) return 'EINVAL';
      return { op: 'spin', cycles: a.cycles };
    case 'map':
      return decodeMap(k, t, a);
    case 'unmap': {
      if (!isInt(a.pages) || typeof a.self !== 'boolean') return 'EINVAL';
      const range = decodePages(k, a.vaddr, a.pages);
      if (range !== 'OK') return range;
      return { op: 'unmap', vaddr: a.vaddr as VirtAddr, pages: a.pages, self: a.self };
    }
    case 'device': {
      const req = decodeDevice(k, t, a.slot, a.req);
      if (isErr(req)) return req;
      return { op: 'device', req };
    }
    case 'irqBind': {
      const dev = decodeCap(t, a.device_slot);
      const cap = decodeEndpoint(t, a.endpoint_slot, 'recv');
      if (isErr(dev)) return dev;
      if (isErr(cap)) return cap;
      if (dev.kind !== 'device') return 'ENOCAP';
      return { op: 'irqBind', device: dev.device, endpoint: cap.endpoint, badge: cap.badge };
    }
    case 'control':
      return decodeControl(k, t, a.slot, a.action);
    case 'setSched': {
      const cap = decodeTaskCap(t, a.slot, 'sched');
      if (isErr(cap)) return cap;
      const { priority, quantum_cycles } = a;
      if (!isInt(priority) || priority < 0 || priority >= LIMITS.priorities) return 'EINVAL';
      if (!isInt(quantum_cycles) || quantum_cycles < 1 || quantum_cycles > LIMITS.quantum_cycles_default * 100) return 'EINVAL';
      return { op: 'setSched', target: cap.task, priority, quantum_cycles };
    }
    default:
      return 'EINVAL';
  }
}

function isPlain(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isErr(v: unknown): v is Errno {
  return typeof v === 'string';
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

function decodeCap(t: Thread, slot: unknown): Decoded<Capability> {
  if (!isInt(slot)) return 'EINVAL';
  if (slot < 0 || slot >= t.task.caps.length) return 'ERANGE';
  const cap = t.task.caps[slot];
  if (cap === null) return 'ENOCAP';
  return cap;
}

export function decodeEndpoint(t: Thread, slot: unknown, right: 'send' | 'recv'): Decoded<EndpointCap> {
  const cap = decodeCap(t, slot);
  if (isErr(cap)) return cap;
  if (cap.kind !== 'endpoint') return 'ENOCAP';
  if (!(right === 'send' ? cap.rights.send : cap.rights.recv)) return 'EPERM';
  if (!cap.endpoint.alive) return 'EDEAD';
  return cap;
}

function decodeTaskCap(t: Thread, slot: unknown, right: 'map' | 'control' | 'sched'): Decoded<TaskCap> {
  const cap = decodeCap(t, slot);
  if (isErr(cap)) return cap;
  if (cap.kind !== 'task') return 'ENOCAP';
  if (!cap.rights[right]) return 'EPERM';
  return cap;
}

/** A message's label and words: u32s, at most msg_words_max words, in a plain array (copy-in made it). */
function isMessage(label: unknown, words: unknown): words is number[] {
  if (!isU32(label)) return false;
  if (!Array.isArray(words) || words.length > LIMITS.msg_words_max) return false;
  for (let i = 0; i < words.length; i++) if (!isU32(words[i])) return false;
  return true;
}

/** A whole number 0 ≤ v < 2^32 (-0 included, as isInt takes it): ToUint32 leaves exactly those unchanged. */
function isU32(v: unknown): v is number {
  return typeof v === 'number' && v >>> 0 === v;
}

function decodeMessage(k: Kernel, t: Thread, raw: unknown): Decoded<Message> {
  if (!isPlain(raw)) return 'EINVAL';
  return messageOf(k, t, raw.label, raw.words, raw.buf);
}

/** A message from its copied-in parts (the kernel's own: its words array is kept as it is). */
function messageOf(k: Kernel, t: Thread, label: unknown, words: unknown, buf: unknown): Decoded<Message> {
  const range = messageBuffer(k, t, label, words, buf);
  if (isErr(range)) return range;
  if (range === null) return { label: label as number, words: words as number[] };
  return { label: label as number, words: words as number[], buf: range };
}

/** Checks a message's copied-in parts; answers its buffer, null when it has none, or the error. */
export function messageBuffer(k: Kernel, t: Thread, label: unknown, words: unknown, buf: unknown): Decoded<RecvBuf | null> {
  if (!isMessage(label, words)) return 'EINVAL';
  if (buf === undefined) return null;
  return decodeBuffer(k, t, buf, false);
}

export function decodeRecvBuf(k: Kernel, t: Thread, raw: unknown): Decoded<RecvBuf | null> {
  if (raw === undefined) return null;
  return decodeBuffer(k, t, raw, true);
}

/** An IPC buffer: `{ vaddr, len }`, at most msg_buf_bytes_max, every page mapped (writable, to receive). */
function decodeBuffer(k: Kernel, t: Thread, raw: unknown, writable: boolean): Decoded<RecvBuf> {
  if (!isPlain(raw)) return 'EINVAL';
  const { vaddr, len } = raw;
  if (typeof vaddr !== 'number' || typeof len !== 'number') return 'EINVAL';
  if (len > LIMITS.msg_buf_bytes_max) return 'EMSGSIZE';
  const range = checkRange(k.machine, t.task.as, vaddr, len, writable);
  if (range !== 'OK') return range;
  return { vaddr, len };
}

export function decodeTimeout(raw: unknown): Decoded<Cycles | undefined> {
  if (raw === undefined) return undefined;
  if (!isInt(raw) || raw < 0) return 'EINVAL';
  return raw;
}

/** A range of whole pages: page-aligned and at least one page (EINVAL), inside the address space (EFAULT). */
function decodePages(k: Kernel, vaddr: unknown, pages: number): Errno {
  const page = k.machine.mmu.page_bytes;
  if (typeof vaddr !== 'number') return 'EINVAL';
  if (pages < 1 || pages > k.machine.memory.frame_count) return 'EINVAL';
  if (!isWellFormedRange(vaddr, pages * page)) return 'EFAULT';
  return vaddr % page === 0 ? 'OK' : 'EINVAL';
}

function decodeMap(k: Kernel, t: Thread, a: Plain): Decoded<Invocation> {
  const cap = decodeTaskCap(t, a.slot, 'map');
  if (isErr(cap)) return cap;
  if (!cap.task.alive) return 'EDEAD';
  const { src_vaddr, dst_vaddr, pages, writable, grant } = a;
  if (typeof writable !== 'boolean' || typeof grant !== 'boolean' || !isInt(pages)) return 'EINVAL';
  const src = decodePages(k, src_vaddr, pages);
  if (src !== 'OK') return src;
  const dst = decodePages(k, dst_vaddr, pages);
  if (dst !== 'OK') return dst;
  // A task may give only what it has, and never more rights than it has.
  const first = (src_vaddr as number) / k.machine.mmu.page_bytes;
  for (let vpn = first; vpn < first + pages; vpn++) {
    const node = t.task.as.nodes.get(vpn);
    if (node === undefined) return 'EFAULT';
    if (writable && !node.writable) return 'EPERM';
  }
  return { op: 'map', to: cap.task, src_vaddr: src_vaddr as VirtAddr, dst_vaddr: dst_vaddr as VirtAddr, pages, writable, grant };
}

/** The device each action drives: one row per action. */
const DEVICE_OF: Record<DeviceRequest['action'], DeviceName> = {
  'timer-oneshot': 'timer',
  'timer-periodic': 'timer',
  'timer-cancel': 'timer',
  'disk-read': 'disk',
  'disk-write': 'disk',
  'console-write': 'console',
  'nic-send': 'nic',
  'nic-recv': 'nic',
  'nic-peek': 'nic',
  'nic-take': 'nic',
};

function decodeDevice(k: Kernel, t: Thread, slot: unknown, raw: unknown): Decoded<DeviceRequest> {
  const cap = decodeCap(t, slot);
  if (isErr(cap)) return cap;
  if (cap.kind !== 'device') return 'ENOCAP';
  if (!isPlain(raw) || typeof raw.action !== 'string' || !Object.hasOwn(DEVICE_OF, raw.action)) return 'EINVAL';
  const action = raw.action as DeviceRequest['action'];
  if (cap.device !== DEVICE_OF[action]) return 'EPERM';
  const m = k.machine;
  switch (action) {
    case 'timer-oneshot':
      if (!isInt(raw.at_cycles) || raw.at_cycles < 0) return 'EINVAL';
      return { action, at_cycles: raw.at_cycles };
    case 'timer-periodic':
      if (!isInt(raw.period_cycles) || raw.period_cycles < 1) return 'EINVAL';
      return { action, period_cycles: raw.period_cycles };
    case 'timer-cancel':
      return { action };
    case 'disk-read':
    case 'disk-write': {
      if (!isInt(raw.block) || !m.disk.isValidBlock(raw.block)) return 'EINVAL';
      const range = deviceBuffer(k, t, raw.vaddr, m.disk.block_bytes, m.disk.block_bytes, action === 'disk-read');
      if (range !== 'OK') return range;
      return { action, block: raw.block, vaddr: raw.vaddr as VirtAddr };
    }
    case 'console-write':
    case 'nic-send': {
      const range = deviceBuffer(k, t, raw.vaddr, raw.len, action === 'nic-send' ? LIMITS.nic_frame_bytes_max : LIMITS.msg_buf_bytes_max, false);
      if (range !== 'OK') return range;
      return { action, vaddr: raw.vaddr as VirtAddr, len: raw.len as number };
    }
    case 'nic-recv': {
      const range = deviceBuffer(k, t, raw.vaddr, raw.len, Number.MAX_SAFE_INTEGER, true);
      if (range !== 'OK') return range;
      return { action, vaddr: raw.vaddr as VirtAddr, len: raw.len as number };
    }
    case 'nic-peek': {
      if (!isInt(raw.index) || raw.index < 0) return 'EINVAL';
      const range = deviceBuffer(k, t, raw.vaddr, raw.len, Number.MAX_SAFE_INTEGER, true);
      if (range !== 'OK') return range;
      return { action, index: raw.index, vaddr: raw.vaddr as VirtAddr, len: raw.len as number };
    }
    case 'nic-take':
      if (!isInt(raw.index) || raw.index < 0) return 'EINVAL';
      return { action, index: raw.index };
  }
}

/** A device buffer: the source of a write must be mapped, the destination of a read writable. */
function deviceBuffer(k: Kernel, t: Thread, vaddr: unknown, len: unknown, len_max: number, writable: boolean): Errno {
  if (typeof vaddr !== 'number' || typeof len !== 'number' || len > len_max) return 'EINVAL';
  return checkRange(k.machine, t.task.as, vaddr, len, writable);
}

function decodeControl(k: Kernel, t: Thread, slot: unknown, raw: unknown): Decoded<Invocation> {
  const cap = decodeTaskCap(t, slot, 'control');
  if (isErr(cap)) return cap;
  if (!isPlain(raw)) return 'EINVAL';
  const target = cap.task;
  if (target === t.task) return 'EINVAL';
  switch (raw.action) {
    case 'kill':
    case 'shutdown':
      return { op: 'control', target, action: { action: raw.action } };
    case 'restart':
      if (target.image === null) return 'EINVAL';
      // A task shut down for good stays down: its endpoints are gone, and so is it.
      if (!target.alive) return 'EDEAD';
      return { op: 'control', target, action: { action: 'restart' } };
    case 'abort-call':
    case 'requeue-call': {
      if (!isInt(raw.caller_thread)) return 'EINVAL';
      const caller = k.threadById(raw.caller_thread);
      if (caller === null || caller.call_endpoint === null) return 'EINVAL';
      // Only the calls this task was serving when it died are this capability's to settle.
      if (caller.reply_from !== null && caller.reply_from.task !== target) return 'EPERM';
      return { op: 'control', target, action: { action: 'settle', caller, how: raw.action === 'abort-call' ? 'abort' : 'requeue' } };
    }
    default:
      return 'EINVAL';
  }
}
