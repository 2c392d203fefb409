// net's global state decoded from its heap, as plain JSON: for tests and the dashboard, which look
// into the server's memory from the trusted base (they never ask the server).
import { HEAP_BASE } from '../../ssr/layout.ts';
import type { System } from '../system.ts';
import { FRAME_HEADER_BYTES, HEAP_BYTES_USED, PORT_MAX, decodePortEntry } from './layout.ts';
import { textDecoder } from '../framework/module.ts';

export interface NetGlobal {
  /** bound ports, in port order */
  ports: { port: number; client: number; socket: number }[];
  /** datagrams waiting in the NIC for their client's next request, oldest first, with the owner the port table names (null: nobody, dropped at the next request) */
  pending: { client: number | null; socket: number | null; src_port: number; dst_port: number; text: string }[];
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
  const pending = system.machine.nic.rx.map((frame) => {
    const f = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    const src_port = frame.length >= FRAME_HEADER_BYTES ? f.getUint16(0, true) : 0;
    const dst_port = frame.length >= FRAME_HEADER_BYTES ? f.getUint16(2, true) : 0;
    const owner = dst_port >= 1 && dst_port <= PORT_MAX ? decodePortEntry(view.getUint32(dst_port * 4, true)) : null;
    return { client: owner?.client ?? null, socket: owner?.socket ?? null, src_port, dst_port, text: textDecoder.decode(frame.subarray(FRAME_HEADER_BYTES)) };
  });
  return { ports, pending };
}
