// System calls: decode, then invoke (seL4). `decode*` checks every argument a thread passed —
// its shape, the capability slot, the capability's kind and rights, the message's words, every
// page of every buffer — and returns an error code before any state changes. Only a call that
// decoded cleanly reaches the mechanism (ipc.ts, the mapping database, a device).
//
// Before that, `copyIn` takes the thread's argument as plain data, the way a kernel copies a
// user structure in before reading it: own data properties only, so no getter and no Proxy trap
// of the thread's ever runs inside the kernel (where a throw would be a kernel panic, and a
// getter answering differently twice would change an argument between check and use).
import { types } from 'node:util';
import { IRQ } from '../hw/machine.ts';
import { LIMITS } from '../hw/limits.ts';
import { isRangeMapped, copyFromSpace, copyToSpace } from './copy.ts';
import type { Errno } from './errors.ts';
import { doCall, doRecv, doReply, notifyEndpoint, settleOrphan } from './ipc.ts';
import { result, type Kernel } from './kernel.ts';
import type { Capability, ControlAction, DeviceRequest, Message, RecvBuf, Thread } from './objects.ts';

type Decoded<T> = T | Errno;

export function dispatchSyscall(k: Kernel, t: Thread, raw: unknown): void {
  const args = copyIn(raw, 0);
  const err = args === NOT_PLAIN ? 'EINVAL' : invoke(k, t, args);
  if (err !== null) k.wake(t, result({ err }));
}

const NOT_PLAIN = Symbol('not plain data');
/** how deep a system call's argument nests (call → msg → buf → fields is 3) */
const ARG_DEPTH_MAX = 4;
/** keys or elements in one object or array of an argument */
const ARG_FIELDS_MAX = 16;

/** A copy of a system call's argument made of plain data, or NOT_PLAIN (accessors, Proxies, functions, too big or too deep). */
function copyIn(raw: unknown, depth: number): unknown {
  if (typeof raw === 'function') return NOT_PLAIN;
  if (typeof raw !== 'object' || raw === null) return raw;
  if (depth >= ARG_DEPTH_MAX || types.isProxy(raw)) return NOT_PLAIN;
  if (types.isTypedArray(raw)) return types.isUint8Array(raw) && raw.length <= LIMITS.msg_buf_bytes_max ? new Uint8Array(raw) : NOT_PLAIN;
  const keys = Object.keys(raw);
  if (keys.length > ARG_FIELDS_MAX) return NOT_PLAIN;
  const out: Record<string, unknown> | unknown[] = Array.isArray(raw) ? [] : {};
  for (const key of keys) {
    const d = Object.getOwnPropertyDescriptor(raw, key);
    if (d === undefined || !('value' in d)) return NOT_PLAIN;
    const v = copyIn(d.value, depth + 1);
    if (v === NOT_PLAIN) return NOT_PLAIN;
    (out as Record<string, unknown>)[key] = v;
  }
  return out;
}

/** Runs the call; returns an error to hand back at once, or null when the call set its own result. */
function invoke(k: Kernel, t: Thread, raw: unknown): Errno | null {
  if (typeof raw !== 'object' || raw === null || !('op' in raw) || typeof raw.op !== 'string') return 'EINVAL';
  const sc = raw as Record<string, unknown> & { op: string };
  switch (sc.op) {
    case 'call': {
      const cap = decodeEndpoint(t, sc.slot, 'send');
      const msg = decodeMessage(k, t, sc.msg);
      const rb = decodeRecvBuf(k, t, sc.recv_buf);
      const timeout = decodeTimeout(sc.timeout_cycles);
      const bad = firstError(cap, msg, rb, timeout);
      if (bad !== null) return bad;
      const c = cap as EndpointCap;
      k.log(t.task.name, 'sys-call', `${t.name} -> ${c.endpoint.name}`);
      doCall(k, t, c.endpoint, c.badge, msg as Message, rb as RecvBuf | null, timeout as number | undefined);
      return null;
    }
    case 'recv': {
      const cap = decodeEndpoint(t, sc.slot, 'recv');
      const rb = decodeRecvBuf(k, t, sc.recv_buf);
      const timeout = decodeTimeout(sc.timeout_cycles);
      const bad = firstError(cap, rb, timeout);
      if (bad !== null) return bad;
      k.endRequest(t, 'recv');
      doRecv(k, t, (cap as EndpointCap).endpoint, rb as RecvBuf | null, timeout as number | undefined);
      return null;
    }
    case 'reply': {
      const msg = decodeMessage(k, t, sc.msg);
      if (typeof msg === 'string') return msg;
      k.endRequest(t, 'reply');
      return doReply(k, t, msg);
    }
    case 'replyRecv': {
      const msg = decodeMessage(k, t, sc.msg);
      const cap = decodeEndpoint(t, sc.slot, 'recv');
      const rb = decodeRecvBuf(k, t, sc.recv_buf);
      const timeout = decodeTimeout(sc.timeout_cycles);
      const bad = firstError(msg, cap, rb, timeout);
      if (bad !== null) return bad;
      // The reply's own error is the server's affair only when the receive cannot go on; as in
      // seL4, a reply to a caller that is gone is dropped and the receive proceeds.
      k.endRequest(t, 'reply');
      doReply(k, t, msg as Message);
      doRecv(k, t, (cap as EndpointCap).endpoint, rb as RecvBuf | null, timeout as number | undefined);
      return null;
    }
    case 'notify': {
      const cap = decodeEndpoint(t, sc.slot, 'send');
      if (typeof cap === 'string') return cap;
      k.log(t.task.name, 'notify', `${t.name} -> ${cap.endpoint.name} bits=0x${(cap.badge >>> 0).toString(16)}`);
      notifyEndpoint(k, cap.endpoint, cap.badge);
      return 'OK';
    }
    case 'yield':
      t.quantum_left_cycles = 0;
      return 'OK';
    case 'spin': {
      const cycles = sc.cycles;
      if (!isInt(cycles) || cycles < 1 || cycles > LIMITS.quantum_cycles_default * 100) return 'EINVAL';
      k.machine.clock.charge(cycles);
      return 'OK';
    }
    case 'now':
      k.wake(t, result({ value: k.now }));
      return null;
    case 'map': {
      const cap = decodeCap(t, sc.slot);
      if (typeof cap === 'string') return cap;
      if (cap.kind !== 'task') return 'ENOCAP';
      if (!cap.rights.map) return 'EPERM';
      if (!cap.task.alive) return 'EDEAD';
      if (typeof sc.writable !== 'boolean' || typeof sc.grant !== 'boolean') return 'EINVAL';
      if (!isInt(sc.src_vaddr) || !isInt(sc.dst_vaddr) || !isInt(sc.pages)) return 'EINVAL';
      const src = k.pageRange(sc.src_vaddr, sc.pages);
      if (src === null || k.pageRange(sc.dst_vaddr, sc.pages) === null) return 'EINVAL';
      // A task may give only what it has, and never more rights than it has.
      for (const vpn of src) {
        const node = t.task.as.nodes.get(vpn);
        if (node === undefined) return 'EFAULT';
        if (sc.writable && !node.writable) return 'EPERM';
      }
      return k.transferPages(t.task, sc.src_vaddr, cap.task, sc.dst_vaddr, sc.pages, sc.writable, sc.grant);
    }
    case 'unmap': {
      if (!isInt(sc.vaddr) || !isInt(sc.pages) || typeof sc.self !== 'boolean') return 'EINVAL';
      return k.unmapPages(t.task, sc.vaddr, sc.pages, sc.self);
    }
    case 'device':
      return deviceCall(k, t, sc.slot, sc.req);
    case 'irqBind': {
      const dev = decodeCap(t, sc.device_slot);
      const cap = decodeEndpoint(t, sc.endpoint_slot, 'recv');
      const bad = firstError(dev, cap);
      if (bad !== null) return bad;
      if ((dev as Capability).kind !== 'device') return 'ENOCAP';
      const device = (dev as Extract<Capability, { kind: 'device' }>).device;
      k.bindIrq(device, (cap as EndpointCap).endpoint, (cap as EndpointCap).badge);
      k.log(t.task.name, 'irq-bind', `line=${IRQ[device]} -> ${(cap as EndpointCap).endpoint.name}`);
      return 'OK';
    }
    case 'control':
      return controlCall(k, t, sc.slot, sc.action);
    case 'setSched': {
      const cap = decodeCap(t, sc.slot);
      if (typeof cap === 'string') return cap;
      if (cap.kind !== 'task') return 'ENOCAP';
      if (!cap.rights.sched) return 'EPERM';
      const { priority, quantum_cycles } = sc;
      if (!isInt(priority) || priority < 0 || priority >= LIMITS.priorities) return 'EINVAL';
      if (!isInt(quantum_cycles) || quantum_cycles < 1 || quantum_cycles > LIMITS.quantum_cycles_default * 100) return 'EINVAL';
      for (const th of cap.task.threads) if (th.state !== 'dead') k.scheduler.setPriority(th, priority, quantum_cycles);
      k.log(t.task.name, 'set-sched', `${cap.task.name} prio=${priority} quantum=${quantum_cycles}`);
      return 'OK';
    }
    case 'exit': {
      k.log(t.task.name, 'thread-exit', t.name);
      const orphan = k.stopThread(t);
      if (orphan !== null) settleOrphan(k, orphan, 'abort');
      return null;
    }
    default:
      return 'EINVAL';
  }
}

type EndpointCap = Extract<Capability, { kind: 'endpoint' }>;

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

function firstError(...decoded: Decoded<unknown>[]): Errno | null {
  for (const d of decoded) if (typeof d === 'string') return d as Errno;
  return null;
}

function decodeCap(t: Thread, slot: unknown): Decoded<Capability> {
  if (!isInt(slot)) return 'EINVAL';
  if (slot < 0 || slot >= t.task.caps.length) return 'ERANGE';
  const cap = t.task.caps[slot];
  if (cap === null) return 'ENOCAP';
  return cap;
}

function decodeEndpoint(t: Thread, slot: unknown, right: 'send' | 'recv'): Decoded<EndpointCap> {
  const cap = decodeCap(t, slot);
  if (typeof cap === 'string') return cap;
  if (cap.kind !== 'endpoint') return 'ENOCAP';
  if (!cap.rights[right]) return 'EPERM';
  if (!cap.endpoint.alive) return 'EDEAD';
  return cap;
}

function decodeMessage(k: Kernel, t: Thread, raw: unknown): Decoded<Message> {
  if (typeof raw !== 'object' || raw === null) return 'EINVAL';
  const m = raw as Record<string, unknown>;
  if (!isInt(m.label) || m.label < 0 || m.label > 0xffffffff) return 'EINVAL';
  if (!Array.isArray(m.words) || m.words.length > LIMITS.msg_words_max) return 'EINVAL';
  for (const w of m.words) if (!isInt(w) || w < 0 || w > 0xffffffff) return 'EINVAL';
  const words = (m.words as number[]).slice();
  if (m.buf === undefined) return { label: m.label, words };
  const buf = decodeRange(k, t, m.buf, false);
  if (typeof buf === 'string') return buf;
  return { label: m.label, words, buf };
}

function decodeRecvBuf(k: Kernel, t: Thread, raw: unknown): Decoded<RecvBuf | null> {
  if (raw === undefined) return null;
  return decodeRange(k, t, raw, true);
}

function decodeRange(k: Kernel, t: Thread, raw: unknown, writable: boolean): Decoded<RecvBuf> {
  if (typeof raw !== 'object' || raw === null) return 'EINVAL';
  const b = raw as Record<string, unknown>;
  if (!isInt(b.vaddr) || !isInt(b.len) || b.vaddr < 0 || b.len < 0) return 'EINVAL';
  if (b.len > LIMITS.msg_buf_bytes_max) return 'EMSGSIZE';
  if (b.vaddr + b.len > 2 ** LIMITS.vaddr_bits) return 'EFAULT';
  if (!isRangeMapped(k.machine, t.task.as, b.vaddr, b.len, writable)) return 'EFAULT';
  return { vaddr: b.vaddr, len: b.len };
}

function decodeTimeout(raw: unknown): Decoded<number | undefined> {
  if (raw === undefined) return undefined;
  if (!isInt(raw) || raw < 0) return 'EINVAL';
  return raw;
}

function deviceCall(k: Kernel, t: Thread, slot: unknown, raw: unknown): Errno | null {
  const cap = decodeCap(t, slot);
  if (typeof cap === 'string') return cap;
  if (cap.kind !== 'device') return 'ENOCAP';
  if (typeof raw !== 'object' || raw === null) return 'EINVAL';
  const req = raw as DeviceRequest;
  const m = k.machine;
  const wants = (device: string) => cap.device === device;
  m.clock.charge(m.costs.device_io);
  switch (req.action) {
    case 'timer-oneshot':
      if (!wants('timer')) return 'EPERM';
      if (!isInt(req.at_cycles) || req.at_cycles < 0) return 'EINVAL';
      m.timer.setOneShot(req.at_cycles);
      return 'OK';
    case 'timer-periodic':
      if (!wants('timer')) return 'EPERM';
      if (!isInt(req.period_cycles) || req.period_cycles < 1) return 'EINVAL';
      m.timer.setPeriodic(k.now, req.period_cycles);
      return 'OK';
    case 'timer-cancel':
      if (!wants('timer')) return 'EPERM';
      m.timer.cancel();
      return 'OK';
    case 'disk-read':
    case 'disk-write': {
      if (!wants('disk')) return 'EPERM';
      if (!m.disk.isValidBlock(req.block) || !isInt(req.vaddr)) return 'EINVAL';
      if (req.action === 'disk-read') {
        if (!copyToSpace(m, t.task.as, req.vaddr, m.disk.read(req.block))) return 'EFAULT';
        return 'OK';
      }
      const bytes = copyFromSpace(m, t.task.as, req.vaddr, m.disk.block_bytes);
      if (bytes === null) return 'EFAULT';
      m.disk.write(req.block, bytes);
      return 'OK';
    }
    case 'console-write': {
      if (!wants('console')) return 'EPERM';
      if (!isInt(req.vaddr) || !isInt(req.len) || req.len < 0 || req.len > LIMITS.msg_buf_bytes_max) return 'EINVAL';
      const bytes = copyFromSpace(m, t.task.as, req.vaddr, req.len);
      if (bytes === null) return 'EFAULT';
      m.console.write(new TextDecoder().decode(bytes));
      return 'OK';
    }
    case 'nic-send': {
      if (!wants('nic')) return 'EPERM';
      if (!isInt(req.vaddr) || !isInt(req.len) || req.len < 0 || req.len > LIMITS.nic_frame_bytes_max) return 'EINVAL';
      const bytes = copyFromSpace(m, t.task.as, req.vaddr, req.len);
      if (bytes === null) return 'EFAULT';
      k.wake(t, result({ value: m.nic.send(bytes) ? 1 : 0 }));
      return null;
    }
    case 'nic-recv': {
      if (!wants('nic')) return 'EPERM';
      if (!isInt(req.vaddr) || !isInt(req.len) || req.len < 0) return 'EINVAL';
      if (!isRangeMapped(m, t.task.as, req.vaddr, req.len, true)) return 'EFAULT';
      const frame = m.nic.rx[0];
      if (frame === undefined) return 'EAGAIN';
      if (frame.length > req.len) return 'EMSGSIZE';
      m.nic.receive();
      copyToSpace(m, t.task.as, req.vaddr, frame);
      k.wake(t, result({ value: frame.length }));
      return null;
    }
    case 'nic-peek': {
      if (!wants('nic')) return 'EPERM';
      if (!isInt(req.index) || req.index < 0 || !isInt(req.vaddr) || !isInt(req.len) || req.len < 0) return 'EINVAL';
      if (!isRangeMapped(m, t.task.as, req.vaddr, req.len, true)) return 'EFAULT';
      const frame = m.nic.peek(req.index);
      if (frame === null) return 'EAGAIN';
      if (frame.length > req.len) return 'EMSGSIZE';
      copyToSpace(m, t.task.as, req.vaddr, frame);
      k.wake(t, result({ value: frame.length }));
      return null;
    }
    case 'nic-take': {
      if (!wants('nic')) return 'EPERM';
      if (!isInt(req.index) || req.index < 0) return 'EINVAL';
      return m.nic.take(req.index) ? 'OK' : 'EAGAIN';
    }
    default:
      return 'EINVAL';
  }
}

function controlCall(k: Kernel, t: Thread, slot: unknown, raw: unknown): Errno | null {
  const cap = decodeCap(t, slot);
  if (typeof cap === 'string') return cap;
  if (cap.kind !== 'task') return 'ENOCAP';
  if (!cap.rights.control) return 'EPERM';
  if (typeof raw !== 'object' || raw === null) return 'EINVAL';
  const action = raw as ControlAction;
  const target = cap.task;
  if (target === t.task) return 'EINVAL';
  switch (action.action) {
    case 'kill': {
      k.log(t.task.name, 'control-kill', target.name);
      const orphans: number[] = [];
      for (const th of target.threads) {
        const o = k.stopThread(th);
        if (o !== null) orphans.push(o.id);
      }
      k.wake(t, result({ words: orphans }));
      return null;
    }
    case 'shutdown': {
      k.log(t.task.name, 'control-shutdown', target.name);
      const orphans = k.shutdownTask(target);
      k.wake(t, result({ words: orphans.map((o) => o.id) }));
      return null;
    }
    case 'restart': {
      if (target.image === null) return 'EINVAL';
      const orphans = k.restartTask(target);
      k.wake(t, result({ words: orphans.map((o) => o.id) }));
      return null;
    }
    case 'abort-call':
    case 'requeue-call': {
      if (!isInt(action.caller_thread)) return 'EINVAL';
      const caller = k.threadById(action.caller_thread);
      if (caller === null || caller.call_endpoint === null) return 'EINVAL';
      // Only the calls this task was serving when it died are this capability's to settle.
      if (caller.reply_from !== null && caller.reply_from.task !== target) return 'EPERM';
      return settleOrphan(k, caller, action.action === 'abort-call' ? 'abort' : 'requeue');
    }
    default:
      return 'EINVAL';
  }
}
