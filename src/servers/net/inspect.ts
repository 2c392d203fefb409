// net's global state decoded from its heap, as plain JSON: for tests and the dashboard, which look
// into the server's memory from the trusted base (they never ask the server).
import { CLIENTS_MAX, HEAP_BASE } from '../../ssr/layout.ts';
import type { System } from '../system.ts';
import { DATAGRAM_BYTES, DGRAM, HEAP_BYTES_USED, PORT_MAX, SOCKETS_MAX, decodePortEntry, pendingOffset } from './layout.ts';
import { textDecoder } from '../framework/module.ts';

export interface NetGlobal {
  /** bound ports, in port order */
  ports: { port: number; client: number; socket: number }[];
  /** datagrams waiting in the heap for their client's next request */
  pending: { client: number; socket: number; src_port: number; text: string }[];
}

export function readNetGlobal(system: System): NetGlobal {
  const bytes = system.readServerMemory('net', HEAP_BASE, HEAP_BYTES_USED);
  if (bytes === null) throw new Error('net: heap not mapped');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ports: NetGlobal['ports'] = [];
  for (let port = 1; port <= PORT_MAX; port++) {
    const owner = decodePortEntry(view.getUint32(port * 4, true));
    if (owner !== null) ports.push({ port, ...owner });
  }
  const pending: NetGlobal['pending'] = [];
  for (let client = 0; client < CLIENTS_MAX; client++) {
    for (let socket = 0; socket < SOCKETS_MAX; socket++) {
      const list = pendingOffset(client, socket);
      const count = view.getUint32(list, true);
      for (let i = 0; i < count; i++) {
        const slot = list + 4 + i * DATAGRAM_BYTES;
        const len = view.getUint16(slot + DGRAM.len, true);
        pending.push({ client, socket, src_port: view.getUint16(slot + DGRAM.src_port, true), text: textDecoder.decode(bytes.subarray(slot + DGRAM.payload, slot + DGRAM.payload + len)) });
      }
    }
  }
  return { ports, pending };
}
