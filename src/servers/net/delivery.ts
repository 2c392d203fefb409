// How a datagram gets from the wire into its socket's queue, in two steps — because a server
// in `curios` mode can only touch the state of the client whose request it is serving.
//
// 1. `drainNic` (at the start of every request, and on the NIC's interrupt): every frame waiting
//    in the NIC is parsed, its destination port looked up in the port table, and the datagram
//    appended to that (client, socket)'s pending list in the heap. Dropped: malformed frames,
//    frames to an unbound port, and datagrams beyond QUEUE_MAX pending for one socket (they could
//    never fit its queue).
// 2. `movePending` (at the start of every request, for the caller only): the caller's pending
//    datagrams move into its sockets' queues in its client state, in arrival order; a datagram
//    that finds its queue full is dropped (the socket's queue is bounded, as a real one is).
//
// Draining at the start of every request makes delivery independent of when the NIC's interrupt
// happens to be handled: a datagram sent by one request is in its socket's queue before the next
// request runs. Datagrams still pending in the heap when the server crashes are lost, as UDP
// datagrams may be; so are those a crashed request had moved into its (shadow) state, and a
// `send` retried after a crash that had already put its frame on the wire is sent twice.
import type { VirtAddr } from '../../hw/types.ts';
import * as sys from '../../kernel/sys.ts';
import type { ServerEnv } from '../framework/define.ts';
import { LIMITS } from '../../hw/limits.ts';
import { DATAGRAM_BYTES, DGRAM, FRAME_HEADER_BYTES, FRAME_SCRATCH, FRAME_SCRATCH_BYTES, PAYLOAD_BYTES_MAX, QUEUE_MAX, SOCK, SOCKETS_MAX, SOCKET_IN_USE, decodePortEntry, isValidPort, pendingOffset, socketOffset } from './layout.ts';

/** Moves every frame the NIC holds into the pending lists. */
export function* drainNic(env: ServerEnv): sys.Sys<void> {
  const scratch = env.heap + FRAME_SCRATCH;
  // The NIC holds at most nic_queue_max frames, and only this server adds to it: a bound, not a hope.
  for (let i = 0; i < LIMITS.nic_queue_max; i++) {
    const r = yield* sys.device(env.device('nic'), { action: 'nic-recv', vaddr: scratch, len: FRAME_SCRATCH_BYTES });
    if (r.err !== 'OK') return;
    acceptFrame(env, scratch, r.value);
  }
}

function acceptFrame(env: ServerEnv, frame: VirtAddr, frame_bytes: number): void {
  const { mem } = env;
  if (frame_bytes < FRAME_HEADER_BYTES) return;
  const src_port = mem.load16(frame);
  const dst_port = mem.load16(frame + 2);
  const len = mem.load16(frame + 4);
  if (len > PAYLOAD_BYTES_MAX || len !== frame_bytes - FRAME_HEADER_BYTES || !isValidPort(dst_port)) return;
  const owner = decodePortEntry(mem.load32(env.heap + dst_port * 4));
  if (owner === null || owner.socket >= SOCKETS_MAX) return;
  const list = env.heap + pendingOffset(owner.client, owner.socket);
  const count = mem.load32(list);
  if (count >= QUEUE_MAX) return;
  const slot = list + 4 + count * DATAGRAM_BYTES;
  mem.store16(slot + DGRAM.src_port, src_port);
  mem.store16(slot + DGRAM.len, len);
  if (len > 0) mem.storeBytes(slot + DGRAM.payload, mem.loadBytes(frame + FRAME_HEADER_BYTES, len));
  mem.store32(list, count + 1);
}

/** Moves the caller's pending datagrams into its sockets' queues (its state is mapped now). */
export function movePending(env: ServerEnv, client: number, state: VirtAddr): void {
  const { mem } = env;
  for (let s = 0; s < SOCKETS_MAX; s++) {
    const list = env.heap + pendingOffset(client, s);
    const count = mem.load32(list);
    if (count === 0) continue;
    if (count > QUEUE_MAX) throw new Error(`net invariant: pending list of client ${client} socket ${s} holds ${count} > ${QUEUE_MAX}`);
    const sock = state + socketOffset(s);
    for (let i = 0; i < count; i++) enqueue(env, sock, mem.loadBytes(list + 4 + i * DATAGRAM_BYTES, DATAGRAM_BYTES));
    mem.store32(list, 0);
  }
}

function enqueue(env: ServerEnv, sock: VirtAddr, datagram: Uint8Array): void {
  const { mem } = env;
  if (mem.load32(sock + SOCK.in_use) !== SOCKET_IN_USE) return;
  const head = mem.load32(sock + SOCK.head);
  const count = mem.load32(sock + SOCK.count);
  assertQueue(head, count);
  if (count === QUEUE_MAX) return;
  mem.storeBytes(sock + SOCK.queue + ((head + count) % QUEUE_MAX) * DATAGRAM_BYTES, datagram);
  mem.store32(sock + SOCK.count, count + 1);
}

export function assertQueue(head: number, count: number): void {
  if (head >= QUEUE_MAX) throw new Error(`net invariant: socket queue head ${head} >= ${QUEUE_MAX}`);
  if (count > QUEUE_MAX) throw new Error(`net invariant: socket queue count ${count} > ${QUEUE_MAX}`);
}
