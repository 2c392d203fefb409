// Synchronous IPC by rendezvous (L4): a call waits for a receiver, is delivered, and then waits
// for the reply; a receiver waits for a caller. The message's words travel as the array the
// sender's stub sealed (the kernel's own: the sealed argument let go of it), handed to the receiver
// without a copy; the caller's thread keeps a copy of its call's words (`call_words`), from which a
// call that had to wait, or is requeued, is delivered. The optional buffer is copied by the kernel
// from the sender's address space into the receiver's, at the moment of rendezvous. A server answers through a one-shot reply capability held by its thread
// (seL4), so it can only ever answer the client that called it.
//
// Notifications are asynchronous: a word of bits per endpoint, OR-ed with the notifier's badge,
// handed to the next receiver before any queued call (interrupts and heartbeats travel this way).
//
// These functions run after the system call was decoded: arguments are well formed and the
// capabilities are right. What can still fail here (a buffer unmapped while the caller was
// blocked, a receive buffer too small) is an error to the party at fault.
import { LIMITS } from '../hw/limits.ts';
import type { Cycles } from '../hw/types.ts';
import { copyBetweenSpaces } from './copy.ts';
import type { Errno } from './errors.ts';
import type { Kernel } from './kernel.ts';
import { badge, type Badge, type Endpoint, type KernelMessage, type RecvBuf, type Thread } from './objects.ts';
import { removeFromQueue } from './queue.ts';
import { messageResult, result } from './result.ts';
import { TRACE_CODE } from './trace.ts';

export function doCall(k: Kernel, caller: Thread, ep: Endpoint, b: Badge, label: number, words: number[], buf: RecvBuf | null, recv_buf: RecvBuf | null, timeout_cycles: Cycles | undefined): void {
  // The decoded words are the kernel's own array (copy-in made it): it goes on to a receiver waiting
  // now, and the thread keeps a copy of the words for a later delivery (ipc.ts's header).
  caller.call_label = label;
  const kept = caller.call_words;
  for (let i = 0; i < words.length; i++) kept[i] = words[i];
  caller.call_word_count = words.length;
  caller.call_buf = buf;
  caller.call_recv_buf = recv_buf;
  caller.call_badge = b;
  caller.call_endpoint = ep;
  caller.call_requeues = 0;
  if (ep.receivers.length === 0 && timeout_cycles === 0) {
    k.wake(caller, result({ err: 'ETIMEDOUT' }));
    return;
  }
  if (ep.senders.length >= LIMITS.endpoint_queue_max) {
    k.wake(caller, result({ err: 'EAGAIN' }));
    return;
  }
  k.block(caller, 'send-blocked', timeout_cycles);
  caller.blocked_on = ep;
  ep.senders.push(caller);
  offer(k, ep, caller, words);
}

/**
 * Hands a queued call to the first waiting receiver whose buffer holds its message; receivers
 * with smaller buffers go on waiting (one of them at the head of the queue must not fail every
 * caller). A call that meets receivers and fits none of them fails with EMSGSIZE. A receiver whose
 * buffer went bad is failed and the next one tried.
 */
function offer(k: Kernel, ep: Endpoint, caller: Thread, words: number[] | null): void {
  while (caller.state === 'send-blocked' && ep.receivers.length > 0) {
    const receiver = firstFitting(ep.receivers, caller);
    if (receiver === null) {
      k.wake(caller, result({ err: 'EMSGSIZE' }));
      return;
    }
    rendezvous(k, ep, caller, receiver, words);
  }
}

/** The first receiver whose buffer holds the caller's message, or null (a loop: `find` would make a closure per offer). */
function firstFitting(receivers: readonly Thread[], caller: Thread): Thread | null {
  for (let i = 0; i < receivers.length; i++) if (fits(caller, receivers[i])) return receivers[i];
  return null;
}

function fits(caller: Thread, receiver: Thread): boolean {
  const buf = caller.call_buf;
  if (buf === null || buf.len === 0) return true;
  return receiver.recv_buf !== null && receiver.recv_buf.len >= buf.len;
}

export function doRecv(k: Kernel, receiver: Thread, ep: Endpoint, recv_buf: RecvBuf | null, timeout_cycles: Cycles | undefined): void {
  receiver.recv_buf = recv_buf;
  if (ep.notify_bits !== 0) {
    const bits = ep.notify_bits;
    ep.notify_bits = 0;
    k.wake(receiver, result({ kind: 'notify', value: bits }));
    return;
  }
  if (ep.senders.length === 0 && timeout_cycles === 0) {
    k.wake(receiver, result({ err: 'EAGAIN' }));
    return;
  }
  k.block(receiver, 'recv-blocked', timeout_cycles);
  receiver.blocked_on = ep;
  ep.receivers.push(receiver);
  // A sender whose message cannot be delivered is failed and the next one tried.
  while (receiver.state === 'recv-blocked' && ep.senders.length > 0) {
    const sender = ep.senders[0];
    if ('kind' in sender) deliverQueuedKernelMessage(k, ep, sender, receiver);
    else if (fits(sender, receiver)) rendezvous(k, ep, sender, receiver, null);
    else k.wake(sender, result({ err: 'EMSGSIZE' }));
  }
}

/** Answers the caller the server is holding; returns the server's own result. */
export function doReply(k: Kernel, server: Thread, label: number, words: number[], buf: RecvBuf | null): Errno {
  const caller = server.reply_to;
  const b = server.reply_to_badge;
  server.reply_to = null;
  if (caller === null) return 'EINVAL';
  if (caller.state !== 'reply-blocked' || caller.reply_from !== server) {
    k.log(server.task.name, 'reply-lost', `${server.name} -> ${caller.name} (gone)`);
    return 'EDEAD';
  }
  let buf_len = 0;
  if (buf !== null && buf.len > 0) {
    const rb = caller.call_recv_buf;
    if (rb === null || rb.len < buf.len) {
      k.wake(caller, result({ err: 'EMSGSIZE', kind: 'reply' }));
      return 'EMSGSIZE';
    }
    const copied = copyBetweenSpaces(k.machine, server.task.as, buf.vaddr, caller.task.as, rb.vaddr, buf.len);
    if (copied === 'EFAULT-SRC') {
      k.wake(caller, result({ err: 'EFAULT', kind: 'reply' }));
      return 'EFAULT';
    }
    if (copied === 'EFAULT-DST') {
      k.wake(caller, result({ err: 'EFAULT', kind: 'reply' }));
      return 'OK';
    }
    buf_len = buf.len;
  }
  k.machine.clock.charge(k.machine.costs.msg_word_copy * words.length);
  k.trace.recordMessage(k.now, server.task.name, TRACE_CODE['ipc-reply'], server.name, caller.name, server.id, caller.id, b, label, buf_len, words);
  caller.call_word_count = -1;
  caller.call_buf = null;
  caller.call_endpoint = null;
  // The reply's words are the kernel's own copy (copy-in made it) and nothing else keeps them: the caller takes them as they are.
  k.wake(caller, messageResult('reply', badge(0), label, words, buf_len));
  return 'OK';
}

export function notifyEndpoint(k: Kernel, ep: Endpoint, bits: number): void {
  ep.notify_bits = (ep.notify_bits | bits) >>> 0;
  const receiver = ep.receivers[0];
  if (receiver === undefined) return;
  const delivered = ep.notify_bits;
  ep.notify_bits = 0;
  k.wake(receiver, result({ kind: 'notify', value: delivered }));
}

/** A message from the kernel itself (a fault): delivered now, or queued like a caller. */
export function deliverKernelMessage(k: Kernel, ep: Endpoint, m: KernelMessage): void {
  k.log('kernel', 'kmsg', `-> ${ep.name} badge=${m.badge} label=0x${m.label.toString(16)} words=${m.words.join(',')}`);
  const receiver = ep.receivers[0];
  if (receiver !== undefined) {
    deliverQueuedKernelMessage(k, ep, m, receiver);
    return;
  }
  if (ep.senders.length >= LIMITS.endpoint_queue_max) {
    k.log('kernel', 'kmsg-drop', ep.name);
    return;
  }
  ep.senders.push(m);
}

/**
 * Settles a call whose server died while handling it: `abort` fails it with EABORTED (MINIX 3:
 * the in-flight call is lost); `requeue` puts it back at the head of its endpoint's queue, to be
 * delivered again to the next incarnation (a retry from clean state) — at most
 * `requeues_per_call_max` times: a request that kills every incarnation must not take the server
 * down for every client (ELIMIT: the caller of settle then aborts it).
 */
export function settleOrphan(k: Kernel, caller: Thread, how: 'abort' | 'requeue'): Errno {
  if (caller.state !== 'reply-blocked') return 'EINVAL';
  const from = caller.reply_from;
  if (from !== null && from.state !== 'dead') return 'EINVAL';
  const ep = caller.call_endpoint;
  if (how === 'abort' || ep === null || !ep.alive) {
    k.log(caller.task.name, 'call-aborted', caller.name);
    k.wake(caller, result({ err: 'EABORTED' }));
    return 'OK';
  }
  if (caller.call_requeues >= LIMITS.requeues_per_call_max) return 'ELIMIT';
  caller.call_requeues++;
  k.log(caller.task.name, 'call-requeued', `${caller.name} -> ${ep.name}`);
  caller.reply_from = null;
  caller.state = 'send-blocked';
  caller.blocked_on = ep;
  ep.senders.unshift(caller);
  offer(k, ep, caller, null);
  return 'OK';
}

/**
 * Delivers a call to a receiver. `sent` is the array the call came with when it is delivered as it
 * is made (the receiver takes it), null when it is delivered later (the words are the caller's copy).
 */
function rendezvous(k: Kernel, ep: Endpoint, caller: Thread, receiver: Thread, sent: number[] | null): void {
  const count = caller.call_word_count;
  const buf = caller.call_buf;
  if (count < 0) throw new Error(`invariant: ${caller.name} is queued on ${ep.name} without a message`);
  if (k.ipcHooks !== null) {
    const refusal = k.ipcHooks.delivered(receiver, caller.call_badge, caller);
    if (refusal !== null) {
      k.log(caller.task.name, 'ipc-refused', `${caller.name} -> ${receiver.name} label=${refusal.label}`);
      k.wake(caller, refusal);
      return;
    }
  }
  let buf_len = 0;
  if (buf !== null && buf.len > 0) {
    const rb = receiver.recv_buf;
    if (rb === null || rb.len < buf.len) throw new Error(`invariant: ${caller.name}'s message handed to ${receiver.name}, whose buffer cannot hold it`);
    const copied = copyBetweenSpaces(k.machine, caller.task.as, buf.vaddr, receiver.task.as, rb.vaddr, buf.len);
    if (copied === 'EFAULT-SRC') {
      k.wake(caller, result({ err: 'EFAULT' }));
      return;
    }
    if (copied === 'EFAULT-DST') {
      k.wake(receiver, result({ err: 'EFAULT' }));
      return;
    }
    buf_len = buf.len;
  }
  const label = caller.call_label;
  const words = sent ?? Array.from(caller.call_words.subarray(0, count));
  k.machine.clock.charge(k.machine.costs.msg_word_copy * words.length);
  k.trace.recordMessage(k.now, caller.task.name, TRACE_CODE['ipc-call'], caller.name, receiver.name, caller.id, receiver.id, caller.call_badge, label, buf_len, words);
  removeFromQueue(ep.senders, caller);
  caller.blocked_on = null;
  caller.state = 'reply-blocked';
  caller.reply_from = receiver;
  receiver.reply_to = caller;
  receiver.reply_to_badge = caller.call_badge;
  receiver.in_request = true;
  receiver.request_badge = caller.call_badge;
  // The receiver takes the words array, and may change it: the caller's copy stays as it was.
  k.wake(receiver, messageResult('call', caller.call_badge, label, words, buf_len));
}

function deliverQueuedKernelMessage(k: Kernel, ep: Endpoint, m: KernelMessage, receiver: Thread): void {
  removeFromQueue(ep.senders, m);
  receiver.reply_to = null;
  if (k.ipcHooks !== null && k.ipcHooks.delivered(receiver, m.badge, null) !== null) {
    k.log('kernel', 'kmsg-refused', `${receiver.name} badge=${m.badge}`);
    return;
  }
  receiver.in_request = true;
  receiver.request_badge = m.badge;
  k.wake(receiver, messageResult('kernel', m.badge, m.label, m.words.slice(), 0));
}
