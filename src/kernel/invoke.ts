// System calls, second half: invoke (seL4). `dispatchSyscall` decodes what a thread yielded
// (decode.ts) and hands a clean `Invocation` to `invoke`, which carries it out through the
// mechanisms (ipc.ts, the mapping database, the devices); a call in register form (the four IPC
// calls as the stubs send them) goes to `dispatchIpc`, which runs decode.ts's checks first. No
// check is written here: what can still fail is the operation's own outcome (no frame waiting in
// the NIC, a caller gone).
import { IRQ } from '../hw/machine.ts';
import { decodeEndpoint, decodeRecvBuf, decodeSyscall, decodeTimeout, isErr, messageBuffer, type ControlInvocation, type Invocation } from './decode.ts';
import type { Errno } from './errors.ts';
import { doCall, doRecv, doReply, notifyEndpoint, settleOrphan } from './ipc.ts';
import type { Kernel } from './kernel.ts';
import { copyFromSpace, copyFromSpaceBorrowed, copyToSpace } from './copy.ts';
import type { Badge, DeviceRequest, Endpoint, RecvBuf, Task, Thread } from './objects.ts';
import type { Cycles } from '../hw/types.ts';
import { result } from './result.ts';
import { SyscallArgs, type RegOp } from './syscall-args.ts';
import { TRACE_CODE } from './trace.ts';

export function dispatchSyscall(k: Kernel, t: Thread, raw: unknown): void {
  let err: Errno | null;
  const op = SyscallArgs.registerOp(raw);
  if (op !== 0 /* REG_OP.none */) {
    // The four IPC calls as the stubs send them: read where the stub sealed them, no record to walk, no invocation to build.
    err = dispatchIpc(k, t, raw as SyscallArgs, op);
  } else {
    const inv = decodeSyscall(k, t, raw);
    err = typeof inv === 'string' ? inv : invoke(k, t, inv);
  }
  if (err !== null) k.wake(t, result({ err }));
}

/**
 * Decodes a call in register form (`a`, whose `SyscallArgs.registerOp` is `op`, not none) and runs
 * it, in one function with each decoded field in a local: no invocation record is written and read
 * back. Decode is decode.ts's checks, those of `decode` for the same call in record form, with the
 * same error when several fail (call: capability, message, receive buffer, timeout; replyRecv:
 * message first); the sealed argument holds primitives and the stub's own copies, and every check
 * is pure, so nothing throws and the order of the checks is only the order of the errors. Nothing
 * is invoked, and the message's words are not taken from the sealed argument, until every check
 * passed. Answers an error to hand back at once, or null when the call set its own result.
 */
function dispatchIpc(k: Kernel, t: Thread, a: SyscallArgs, op: RegOp): Errno | null {
  let buf: RecvBuf | null = null;
  if (op !== 2 /* REG_OP.recv */) {
    const checked = messageBuffer(k, t, SyscallArgs.labelOf(a), SyscallArgs.wordsOf(a), SyscallArgs.bufOf(a));
    if (isErr(checked)) {
      // Only a call's capability error comes before its message's.
      if (op === 1 /* REG_OP.call */) {
        const cap = decodeEndpoint(t, SyscallArgs.slotOf(a), 'send');
        if (isErr(cap)) return cap;
      }
      return checked;
    }
    buf = checked;
    if (op === 3 /* REG_OP.reply */) return invokeReply(k, t, SyscallArgs.labelOf(a) as number, SyscallArgs.takeWords(a) as number[], buf);
  }
  const cap = decodeEndpoint(t, SyscallArgs.slotOf(a), op === 1 /* REG_OP.call */ ? 'send' : 'recv');
  if (isErr(cap)) return cap;
  const recv_buf = decodeRecvBuf(k, t, SyscallArgs.recvBufOf(a));
  if (isErr(recv_buf)) return recv_buf;
  const timeout_cycles = decodeTimeout(SyscallArgs.timeoutOf(a));
  if (isErr(timeout_cycles)) return timeout_cycles;
  if (op === 2 /* REG_OP.recv */) {
    invokeRecv(k, t, cap.endpoint, recv_buf, timeout_cycles);
    return null;
  }
  const label = SyscallArgs.labelOf(a) as number;
  const words = SyscallArgs.takeWords(a) as number[];
  if (op === 1 /* REG_OP.call */) invokeCall(k, t, cap.endpoint, cap.badge, label, words, buf, recv_buf, timeout_cycles);
  else invokeReplyRecv(k, t, label, words, buf, cap.endpoint, recv_buf, timeout_cycles);
  return null;
}

function invokeCall(k: Kernel, t: Thread, endpoint: Endpoint, b: Badge, label: number, words: number[], buf: RecvBuf | null, recv_buf: RecvBuf | null, timeout_cycles: Cycles | undefined): void {
  k.trace.recordPair(k.now, t.task.name, TRACE_CODE['sys-call'], t.name, endpoint.name, t.id, endpoint.id);
  doCall(k, t, endpoint, b, label, words, buf, recv_buf, timeout_cycles);
}

function invokeRecv(k: Kernel, t: Thread, endpoint: Endpoint, recv_buf: RecvBuf | null, timeout_cycles: Cycles | undefined): void {
  k.endRequest(t, 'recv');
  doRecv(k, t, endpoint, recv_buf, timeout_cycles);
}

function invokeReply(k: Kernel, t: Thread, label: number, words: number[], buf: RecvBuf | null): Errno {
  k.endRequest(t, 'reply');
  return doReply(k, t, label, words, buf);
}

function invokeReplyRecv(k: Kernel, t: Thread, label: number, words: number[], buf: RecvBuf | null, endpoint: Endpoint, recv_buf: RecvBuf | null, timeout_cycles: Cycles | undefined): void {
  // The reply's own error is the server's affair only when the receive cannot go on; as in
  // seL4, a reply to a caller that is gone is dropped and the receive proceeds.
  k.endRequest(t, 'reply');
  doReply(k, t, label, words, buf);
  doRecv(k, t, endpoint, recv_buf, timeout_cycles);
}

/** Runs a decoded call; returns an error to hand back at once, or null when the call set its own result. */
function invoke(k: Kernel, t: Thread, inv: Invocation): Errno | null {
  switch (inv.op) {
    case 'call':
      invokeCall(k, t, inv.endpoint, inv.badge, inv.msg.label, inv.msg.words, inv.msg.buf ?? null, inv.recv_buf, inv.timeout_cycles);
      return null;
    case 'recv':
      invokeRecv(k, t, inv.endpoint, inv.recv_buf, inv.timeout_cycles);
      return null;
    case 'reply':
      return invokeReply(k, t, inv.msg.label, inv.msg.words, inv.msg.buf ?? null);
    case 'replyRecv':
      invokeReplyRecv(k, t, inv.msg.label, inv.msg.words, inv.msg.buf ?? null, inv.endpoint, inv.recv_buf, inv.timeout_cycles);
      return null;
    case 'notify':
      k.log(t.task.name, 'notify', `${t.name} -> ${inv.endpoint.name} bits=0x${(inv.badge >>> 0).toString(16)}`);
      notifyEndpoint(k, inv.endpoint, inv.badge);
      return 'OK';
    case 'yield':
      t.quantum_left_cycles = 0;
      return 'OK';
    case 'spin':
      k.machine.clock.charge(inv.cycles);
      return 'OK';
    case 'now':
      k.wake(t, result({ value: k.now }));
      return null;
    case 'map':
      return k.transferPages(t.task, inv.src_vaddr, inv.to, inv.dst_vaddr, inv.pages, inv.writable, inv.grant);
    case 'unmap':
      return k.unmapPages(t.task, inv.vaddr, inv.pages, inv.self);
    case 'device':
      return invokeDevice(k, t, inv.req);
    case 'irqBind':
      k.bindIrq(inv.device, inv.endpoint, inv.badge);
      k.log(t.task.name, 'irq-bind', `line=${IRQ[inv.device]} -> ${inv.endpoint.name}`);
      return 'OK';
    case 'control':
      return invokeControl(k, t, inv.target, inv.action);
    case 'setSched':
      for (const th of inv.target.threads) if (th.state !== 'dead') k.scheduler.setPriority(th, inv.priority, inv.quantum_cycles);
      k.log(t.task.name, 'set-sched', `${inv.target.name} prio=${inv.priority} quantum=${inv.quantum_cycles}`);
      return 'OK';
    case 'exit': {
      k.log(t.task.name, 'thread-exit', t.name);
      const orphan = k.stopThread(t);
      if (orphan !== null) settleOrphan(k, orphan, 'abort');
      return null;
    }
  }
}

/** A device operation: charged once its arguments decoded; every copy's result is the call's. */
function invokeDevice(k: Kernel, t: Thread, req: DeviceRequest): Errno | null {
  const m = k.machine;
  m.clock.charge(m.costs.device_io);
  switch (req.action) {
    case 'timer-oneshot':
      m.timer.setOneShot(req.at_cycles);
      return 'OK';
    case 'timer-periodic':
      m.timer.setPeriodic(k.now, req.period_cycles);
      return 'OK';
    case 'timer-cancel':
      m.timer.cancel();
      return 'OK';
    case 'disk-read':
      return copyToSpace(m, t.task.as, req.vaddr, m.disk.read(req.block)) ? 'OK' : 'EFAULT';
    case 'disk-write': {
      const bytes = copyFromSpaceBorrowed(m, t.task.as, req.vaddr, m.disk.block_bytes);
      if (bytes === null) return 'EFAULT';
      m.disk.write(req.block, bytes);
      return 'OK';
    }
    case 'console-write': {
      const bytes = copyFromSpaceBorrowed(m, t.task.as, req.vaddr, req.len);
      if (bytes === null) return 'EFAULT';
      m.console.write(new TextDecoder().decode(bytes));
      return 'OK';
    }
    case 'nic-send': {
      const bytes = copyFromSpace(m, t.task.as, req.vaddr, req.len);
      if (bytes === null) return 'EFAULT';
      k.wake(t, result({ value: m.nic.send(bytes) ? 1 : 0 }));
      return null;
    }
    case 'nic-recv':
    case 'nic-peek': {
      const index = req.action === 'nic-peek' ? req.index : 0;
      const frame = m.nic.peek(index);
      if (frame === null) return 'EAGAIN';
      if (frame.length > req.len) return 'EMSGSIZE';
      // The frame leaves the NIC only once it is in the driver's memory.
      if (!copyToSpace(m, t.task.as, req.vaddr, frame)) return 'EFAULT';
      if (req.action === 'nic-recv') m.nic.take(index);
      k.wake(t, result({ value: frame.length }));
      return null;
    }
    case 'nic-take':
      return m.nic.take(req.index) ? 'OK' : 'EAGAIN';
  }
}

function invokeControl(k: Kernel, t: Thread, target: Task, action: ControlInvocation): Errno | null {
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
      const orphans = k.restartTask(target);
      k.wake(t, result({ words: orphans.map((o) => o.id) }));
      return null;
    }
    case 'settle':
      return settleOrphan(k, action.caller, action.how);
  }
}
