// net's state decoded from outside, as plain JSON: its global state (the port table, and the
// datagrams waiting in the NIC) for tests and the dashboard, and its inspector for the end-state
// oracle — each client's sockets with their queued datagrams, the port table, the waiting
// datagrams, and where the port table and the sockets disagree. The trusted base looks into the
// server's memory; it never asks the server.
import { HEAP_BASE } from '../../ssr/layout.ts';
import type { System } from '../system.ts';
import { decodeClients, viewOf, type EndValue, type ServerInspector } from '../framework/inspector.ts';
import { textDecoder } from '../framework/module.ts';
import { DATAGRAM_BYTES, DGRAM, FRAME_HEADER_BYTES, HEAP_BYTES_USED, PAYLOAD_BYTES_MAX, PORT_MAX, QUEUE_MAX, SOCK, SOCKETS_MAX, SOCKET_IN_USE, decodePortEntry, socketOffset } from './layout.ts';

export interface NetGlobal {
  /** bound ports, in port order */
  ports: { port: number; client: number; socket: number }[];
  /** datagrams waiting in the NIC for their client's next request, oldest first, with the owner the port table names (null: nobody, dropped at the next request) */
  pending: { client: number | null; socket: number | null; src_port: number; dst_port: number; text: string }[];
}

export function readNetGlobal(system: System): NetGlobal {
  const bytes = system.readServerMemory('net', HEAP_BASE, HEAP_BYTES_USED);
  if (bytes === null) throw new Error('net: heap not mapped');
  return decodeNetGlobal(bytes, system.machine.nic.rx);
}

/** The port table from the heap's bytes, and the NIC's waiting frames with their owners. */
export function decodeNetGlobal(heap: Uint8Array, rx: readonly Uint8Array[]): NetGlobal {
  const view = viewOf(heap);
  const ports: NetGlobal['ports'] = [];
  for (let port = 1; port <= PORT_MAX; port++) {
    const owner = decodePortEntry(view.getUint32(port * 4, true));
    if (owner !== null) ports.push({ port, ...owner });
  }
  const pending = rx.map((frame) => {
    const f = viewOf(frame);
    const src_port = frame.length >= FRAME_HEADER_BYTES ? f.getUint16(0, true) : 0;
    const dst_port = frame.length >= FRAME_HEADER_BYTES ? f.getUint16(2, true) : 0;
    const owner = dst_port >= 1 && dst_port <= PORT_MAX ? decodePortEntry(view.getUint32(dst_port * 4, true)) : null;
    return { client: owner?.client ?? null, socket: owner?.socket ?? null, src_port, dst_port, text: textDecoder.decode(frame.subarray(FRAME_HEADER_BYTES)) };
  });
  return { ports, pending };
}

type SocketView = {
  socket: number;
  port: number;
  /** queued datagrams, oldest first */
  queue: { src_port: number; text: string }[];
};

/** A client's bound sockets; a record with a bad marker or queue bounds shows as such. */
function decodeSockets(state: DataView): (SocketView | { socket: number; garbage: true })[] {
  const out: (SocketView | { socket: number; garbage: true })[] = [];
  for (let s = 0; s < SOCKETS_MAX; s++) {
    const sock = socketOffset(s);
    const marker = state.getUint32(sock + SOCK.in_use, true);
    if (marker === 0) continue;
    const head = state.getUint32(sock + SOCK.head, true);
    const count = state.getUint32(sock + SOCK.count, true);
    if (marker !== SOCKET_IN_USE || head >= QUEUE_MAX || count > QUEUE_MAX) {
      out.push({ socket: s, garbage: true });
      continue;
    }
    const queue: SocketView['queue'] = [];
    for (let i = 0; i < count; i++) {
      const slot = sock + SOCK.queue + ((head + i) % QUEUE_MAX) * DATAGRAM_BYTES;
      const len = Math.min(state.getUint16(slot + DGRAM.len, true), PAYLOAD_BYTES_MAX);
      const payload = new Uint8Array(state.buffer, state.byteOffset + slot + DGRAM.payload, len);
      queue.push({ src_port: state.getUint16(slot + DGRAM.src_port, true), text: textDecoder.decode(payload) });
    }
    out.push({ socket: s, port: state.getUint32(sock + SOCK.port, true), queue });
  }
  return out;
}

/** Where the port table and the clients' sockets disagree (each names the other, both ways). */
function portTableProblems(ports: NetGlobal['ports'], clients: readonly (DataView | null)[]): string[] {
  const problems: string[] = [];
  const bound = new Map<string, number>();
  clients.forEach((state, client) => {
    if (state === null) return;
    for (const s of decodeSockets(state)) if (!('garbage' in s)) bound.set(`${client}/${s.socket}`, s.port);
  });
  for (const p of ports) {
    const port = bound.get(`${p.client}/${p.socket}`);
    if (port !== p.port) problems.push(`port ${p.port}: names client ${p.client} socket ${p.socket}, which ${port === undefined ? 'is not bound' : `is bound to port ${port}`}`);
  }
  const table = new Map(ports.map((p) => [`${p.client}/${p.socket}`, p.port]));
  for (const [key, port] of bound) if (table.get(key) !== port) problems.push(`client ${key.replace('/', ' socket ')}: bound to port ${port}, not in the port table`);
  return problems;
}

export const netInspector: ServerInspector = (view) => {
  const { ports, pending } = decodeNetGlobal(view.heap, view.machine.nic.rx);
  // Which client's frames wait first depends on timing, not on what clients did: compared as a set.
  const waiting = pending.map((p) => `${p.src_port}>${p.dst_port} ${JSON.stringify(p.text)}`).sort();
  return { clients: decodeClients(view, decodeSockets), global: { ports, waiting, problems: portTableProblems(ports, view.clients) } };
};
