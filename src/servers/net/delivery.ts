// How a datagram gets from the wire into its socket's queue — when a server in `curios` mode can
// only touch the state of the client whose request it is serving.
//
// A frame waits in the NIC until its destination's client makes a request. At the start of every
// request, `deliver` looks at every waiting frame (`nic-peek`), looks its destination port up in
// the port table, and:
// - a frame for the caller's socket goes into that socket's queue in the caller's state (dropped
//   if the queue is full: it is bounded, as a real one is), and is taken from the NIC when the
//   request is done;
// - a frame nobody can receive (malformed, or to an unbound port) is taken and dropped;
// - a frame for another client stays in the NIC for that client's next request.
// On the NIC's interrupt (no client's state is mapped) only the undeliverable frames are dropped.
//
// So no datagram ever sits in the server's own memory between requests, and a crash, a hang or a
// restart loses none: the frames are in the device, the queues in the clients' states, the port
// table is rebuilt from the states. A frame is taken only after the request is done: if the server
// dies before, a shadow-committed state is dropped and the frame is still in the NIC for the
// retried request (only a death in the few steps between the takes and the reply loses it). Deciding at the start of every request also makes delivery independent of
// when the interrupt happens to be handled. What is lost: datagrams to a port nobody has bound
// (as in the model), and those beyond a full queue. A `send` retried after a crash that had
// already put its frame on the wire is sent twice (only by the client of the failed request).
import type { VirtAddr } from '../../hw/types.ts';
import * as sys from '../../kernel/sys.ts';
import type { ServerEnv } from '../framework/define.ts';
import { LIMITS } from '../../hw/limits.ts';
import { DATAGRAM_BYTES, DGRAM, FRAME_HEADER_BYTES, FRAME_SCRATCH, FRAME_SCRATCH_BYTES, NET_SITES, PAYLOAD_BYTES_MAX, QUEUE_MAX, SOCK, SOCKETS_MAX, SOCKET_IN_USE, decodePortEntry, isValidPort, socketOffset } from './layout.ts';

/** no client: the interrupt, which only drops what nobody can receive */
export const NO_CLIENT = -1;

/**
 * Delivers the waiting frames addressed to `client` into its sockets (state at `state`), and
 * drops the undeliverable ones. Answers the NIC indices of the delivered frames, which the caller
 * takes from the NIC (`takeFrames`) once the request is done: the later they go, the smaller the
 * window in which a crash can lose them (a shadow state dies with the request).
 */
export function* deliver(env: ServerEnv, client: number, state: VirtAddr): sys.Sys<number[]> {
  const nic = env.device('nic');
  const frame = env.heap + FRAME_SCRATCH;
  const delivered: number[] = [];
  let i = 0;
  // The NIC holds at most nic_queue_max frames: each step drops one or moves past one.
  for (let step = 0; step < LIMITS.nic_queue_max; step++) {
    const r = yield* sys.device(nic, { action: 'nic-peek', index: i, vaddr: frame, len: FRAME_SCRATCH_BYTES });
    if (r.err !== 'OK') break;
    const owner = ownerOf(env, frame, r.value);
    if (owner === 'nobody') {
      yield* sys.device(nic, { action: 'nic-take', index: i });
      continue;
    }
    if (owner.client === client && state !== 0) {
      enqueue(env, state + socketOffset(owner.socket), frame);
      // BUGGIFY: the datagram is in the socket's queue and still in the NIC.
      env.site(NET_SITES.queuedNotTaken);
      delivered.push(i);
    }
    i++;
  }
  return delivered;
}

/** Takes delivered frames from the NIC (indices as `deliver` answered them). */
export function* takeFrames(env: ServerEnv, indices: readonly number[]): sys.Sys<void> {
  const nic = env.device('nic');
  // From the last: taking a frame moves the ones after it.
  for (let j = indices.length - 1; j >= 0; j--) yield* sys.device(nic, { action: 'nic-take', index: indices[j] });
}

/** Who may receive a frame: a (client, socket) from the port table, or nobody. */
function ownerOf(env: ServerEnv, frame: VirtAddr, frame_bytes: number): { client: number; socket: number } | 'nobody' {
  const { mem } = env;
  if (frame_bytes < FRAME_HEADER_BYTES) return 'nobody';
  const dst_port = mem.load16(frame + 2);
  const len = mem.load16(frame + 4);
  if (len > PAYLOAD_BYTES_MAX || len !== frame_bytes - FRAME_HEADER_BYTES || !isValidPort(dst_port)) return 'nobody';
  const owner = decodePortEntry(mem.load32(env.heap + dst_port * 4));
  if (owner === null || owner.socket >= SOCKETS_MAX) return 'nobody';
  return owner;
}

/** Appends the datagram of a frame to a socket's queue, unless the socket is closed or its queue full. */
function enqueue(env: ServerEnv, sock: VirtAddr, frame: VirtAddr): void {
  const { mem } = env;
  if (mem.load32(sock + SOCK.in_use) !== SOCKET_IN_USE) return;
  const head = mem.load32(sock + SOCK.head);
  const count = mem.load32(sock + SOCK.count);
  assertQueue(head, count);
  if (count === QUEUE_MAX) return;
  const slot = sock + SOCK.queue + ((head + count) % QUEUE_MAX) * DATAGRAM_BYTES;
  const len = mem.load16(frame + 4);
  mem.store16(slot + DGRAM.src_port, mem.load16(frame));
  mem.store16(slot + DGRAM.len, len);
  if (len > 0) mem.storeBytes(slot + DGRAM.payload, mem.loadBytes(frame + FRAME_HEADER_BYTES, len));
  mem.store32(sock + SOCK.count, count + 1);
}

export function assertQueue(head: number, count: number): void {
  if (head >= QUEUE_MAX) throw new Error(`net invariant: socket queue head ${head} >= ${QUEUE_MAX}`);
  if (count > QUEUE_MAX) throw new Error(`net invariant: socket queue count ${count} > ${QUEUE_MAX}`);
}
