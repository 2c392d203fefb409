// net: datagram sockets over the network interface — a server whose global state (which client
// holds which port) needs every client's state. Each client's sockets, with their bound ports
// and receive queues, are its client state (an SSR under `curios`); the port table in the heap
// is derived from them, so after a restart `recover` rebuilds it by reading every client's
// sockets; after one client's sockets failed their check and were reset, `onClientReset` frees
// the ports the table still gives it. Datagrams wait in the NIC until their client's next request (see delivery.ts), so a
// restart loses none.
import { LIMITS } from '../../hw/limits.ts';
import type { VirtAddr } from '../../hw/types.ts';
import * as sys from '../../kernel/sys.ts';
import { defineServer, type ServerEnv, type ServerReply, type ServerRequest } from '../framework/define.ts';
import { NO_CLIENT, assertQueue, deliver, takeFrames } from './delivery.ts';
import {
  DATAGRAM_BYTES,
  DGRAM,
  FRAME_HEADER_BYTES,
  FRAME_SCRATCH,
  HEAP_BYTES_USED,
  NET_OPS,
  NO_SOCKET,
  NET_SITES,
  PAYLOAD_BYTES_MAX,
  PORT_MAX,
  PORT_TABLE_BYTES,
  QUEUE_MAX,
  SOCK,
  SOCKETS_MAX,
  SOCKET_IN_USE,
  decodePortEntry,
  STATE_BYTES,
  isValidPort,
  portEntry,
  socketOffset,
} from './layout.ts';

export const netServer = defineServer({
  name: 'net',
  kind: 'needs-all',
  state_bytes: STATE_BYTES,
  heap_pages: Math.ceil(HEAP_BYTES_USED / LIMITS.frame_bytes_default),
  devices: ['nic'],
  // A datagram's payload goes to the NIC while its send is handled, and is not kept.
  borrows_request_data: true,
  sites: Object.values(NET_SITES),
  *init(env) {
    if (env.heap_bytes < HEAP_BYTES_USED) throw new Error(`net: heap of ${env.heap_bytes} bytes < ${HEAP_BYTES_USED} needed`);
    env.mem.storeBytes(env.heap, new Uint8Array(PORT_TABLE_BYTES));
  },
  *recover(env) {
    for (const c of env.clients()) claimPorts(env, c, env.stateOf(c));
  },
  *onClientReset(env, client) {
    releasePorts(env, client);
  },
  *handle(env, req): sys.Sys<ServerReply> {
    if (req.state === 0) return { status: 'EINVAL' };
    const delivered = yield* deliver(env, req.client, req.state);
    const reply = yield* operate(env, req);
    yield* takeFrames(env, delivered);
    return reply;
  },
  *interrupt(env) {
    yield* deliver(env, NO_CLIENT, 0);
  },
  validate: validateSockets,
});

function* operate(env: ServerEnv, req: ServerRequest): sys.Sys<ServerReply> {
  switch (req.op) {
    case NET_OPS.bind:
      return bind(env, req);
    case NET_OPS.send:
      return yield* send(env, req);
    case NET_OPS.recv:
      return recv(env, req);
    case NET_OPS.close:
      return close(env, req);
    default:
      return { status: 'ENOSYS' };
  }
}

/** Recovery: enters a client's bound ports in the port table. A port already claimed (only a corrupted state can claim one twice) stays with its first claimant. */
function claimPorts(env: ServerEnv, client: number, state: VirtAddr): void {
  const { mem } = env;
  for (let s = 0; s < SOCKETS_MAX; s++) {
    const sock = state + socketOffset(s);
    if (mem.load32(sock + SOCK.in_use) !== SOCKET_IN_USE) continue;
    const port = mem.load32(sock + SOCK.port);
    if (!isValidPort(port) || mem.load32(env.heap + port * 4) !== 0) continue;
    mem.store32(env.heap + port * 4, portEntry(client, s));
  }
}

/** A client's sockets were reset: the ports the table gives it are free again. */
function releasePorts(env: ServerEnv, client: number): void {
  for (let port = 1; port <= PORT_MAX; port++) {
    if (decodePortEntry(env.mem.load32(env.heap + port * 4))?.client === client) env.mem.store32(env.heap + port * 4, 0);
  }
}

function bind(env: ServerEnv, req: ServerRequest): ServerReply {
  const { mem } = env;
  const port = req.words[0] ?? 0;
  if (!isValidPort(port)) return { status: 'EINVAL' };
  if (mem.load32(env.heap + port * 4) !== 0) return { status: 'EADDRINUSE' };
  let s = 0;
  while (s < SOCKETS_MAX && mem.load32(req.state + socketOffset(s) + SOCK.in_use) === SOCKET_IN_USE) s++;
  if (s === SOCKETS_MAX) return { status: 'EMFILE' };
  const sock = req.state + socketOffset(s);
  mem.store32(sock + SOCK.port, port);
  mem.store32(sock + SOCK.head, 0);
  mem.store32(sock + SOCK.count, 0);
  mem.store32(sock + SOCK.in_use, SOCKET_IN_USE);
  mem.store32(env.heap + port * 4, portEntry(req.client, s));
  return { status: 'OK', words: [s] };
}

function* send(env: ServerEnv, req: ServerRequest): sys.Sys<ServerReply> {
  const { mem } = env;
  const sock = socketOf(env, req);
  if (sock === null) return { status: 'EBADF' };
  const dst_port = req.words[1] ?? 0;
  if (!isValidPort(dst_port) || req.data.length > PAYLOAD_BYTES_MAX) return { status: 'EINVAL' };
  const frame = env.heap + FRAME_SCRATCH;
  mem.store16(frame, mem.load32(sock + SOCK.port));
  mem.store16(frame + 2, dst_port);
  mem.store16(frame + 4, req.data.length);
  if (req.data.length > 0) mem.storeBytes(frame + FRAME_HEADER_BYTES, req.data);
  const r = yield* sys.device(env.device('nic'), { action: 'nic-send', vaddr: frame, len: FRAME_HEADER_BYTES + req.data.length });
  return { status: r.err === 'OK' ? 'OK' : 'EIO' };
}

function recv(env: ServerEnv, req: ServerRequest): ServerReply {
  const { mem } = env;
  const sock = socketOf(env, req);
  if (sock === null) return { status: 'EBADF' };
  const head = mem.load32(sock + SOCK.head);
  const count = mem.load32(sock + SOCK.count);
  assertQueue(head, count);
  if (count === 0) return { status: 'EAGAIN' };
  const slot = sock + SOCK.queue + head * DATAGRAM_BYTES;
  const src_port = mem.load16(slot + DGRAM.src_port);
  const len = mem.load16(slot + DGRAM.len);
  if (len > PAYLOAD_BYTES_MAX) throw new Error(`net invariant: queued datagram of ${len} bytes > ${PAYLOAD_BYTES_MAX}`);
  const payload = len > 0 ? mem.loadBytes(slot + DGRAM.payload, len) : new Uint8Array(0);
  mem.store32(sock + SOCK.head, (head + 1) % QUEUE_MAX);
  mem.store32(sock + SOCK.count, count - 1);
  return { status: 'OK', words: [src_port], data: payload };
}

function close(env: ServerEnv, req: ServerRequest): ServerReply {
  const { mem } = env;
  const sock = socketOf(env, req);
  if (sock === null) return { status: 'EBADF' };
  const s = req.words[0];
  const port = mem.load32(sock + SOCK.port);
  // Free the port only if it is this socket's: a corrupted state must not free another client's.
  if (isValidPort(port) && mem.load32(env.heap + port * 4) === portEntry(req.client, s)) mem.store32(env.heap + port * 4, 0);
  mem.store32(sock + SOCK.in_use, 0);
  mem.store32(sock + SOCK.count, 0);
  return { status: 'OK' };
}

/** The caller's socket named by words[0], or null (EBADF). */
function socketOf(env: ServerEnv, req: ServerRequest): VirtAddr | null {
  const s = req.words[0] ?? NO_SOCKET;
  if (s >= SOCKETS_MAX) return null;
  const sock = req.state + socketOffset(s);
  return env.mem.load32(sock + SOCK.in_use) === SOCKET_IN_USE ? sock : null;
}

/** The paper's heuristic check of one client's sockets: markers, ports, queue bounds, no port twice. */
function validateSockets(state: DataView): boolean {
  const ports = new Set<number>();
  for (let s = 0; s < SOCKETS_MAX; s++) {
    const sock = socketOffset(s);
    const marker = state.getUint32(sock + SOCK.in_use, true);
    if (marker === 0) continue;
    if (marker !== SOCKET_IN_USE) return false;
    const port = state.getUint32(sock + SOCK.port, true);
    if (!isValidPort(port) || ports.has(port)) return false;
    ports.add(port);
    const head = state.getUint32(sock + SOCK.head, true);
    const count = state.getUint32(sock + SOCK.count, true);
    if (head >= QUEUE_MAX || count > QUEUE_MAX) return false;
    for (let i = 0; i < count; i++) {
      const slot = sock + SOCK.queue + ((head + i) % QUEUE_MAX) * DATAGRAM_BYTES;
      if (state.getUint16(slot + DGRAM.len, true) > PAYLOAD_BYTES_MAX) return false;
    }
  }
  return true;
}
