// net's limits, operation codes and memory layouts: one place for every bound and every offset,
// so that the server, its recovery routine, its validator and the test inspector agree.
//
// Client state (an SSR under `curios`): SOCKETS_MAX socket records of SOCKET_BYTES each.
//   socket +0   in-use marker: SOCKET_IN_USE, or 0 when free
//          +4   bound port (1..PORT_MAX)
//          +8   head: index of the oldest queued datagram (0..QUEUE_MAX-1)
//          +12  count: datagrams queued (0..QUEUE_MAX)
//          +16  QUEUE_MAX datagram slots (a ring), DATAGRAM_BYTES each
//   datagram +0 source port (u16), +2 payload length (u16), +4 payload (PAYLOAD_BYTES_MAX)
//
// Global state (the heap), rebuilt on a restart:
//   +0             port table: PORT_MAX + 1 words indexed by port (port 0 unused);
//                  0 = free, else PORT_BOUND | client << 8 | socket
//   +FRAME_SCRATCH a frame being sent or looked at (one NIC frame at most)
// Datagrams not yet in their socket's queue wait in the NIC (delivery.ts), not here.
//
// Wire frame: +0 source port (u16), +2 destination port (u16), +4 payload length (u16), +6 payload.
import { LIMITS } from '../../hw/limits.ts';

export const NET_OPS = { bind: 1, send: 2, recv: 3, close: 4 } as const;

export const PORT_MAX = 1023; // ports are 1..PORT_MAX
export const SOCKETS_MAX = 4; // sockets one client may hold
export const QUEUE_MAX = 4; // datagrams queued per socket; more are dropped
export const PAYLOAD_BYTES_MAX = 64; // bytes in one datagram's payload

/** the handle a client sends for a socket it never got: always EBADF */
export const NO_SOCKET = 0xffff_ffff;
export const SOCKET_IN_USE = 0x50c4_e701;
export const DATAGRAM_BYTES = 4 + PAYLOAD_BYTES_MAX;
export const SOCKET_BYTES = 16 + QUEUE_MAX * DATAGRAM_BYTES;
export const STATE_BYTES = SOCKETS_MAX * SOCKET_BYTES;
export const SOCK = { in_use: 0, port: 4, head: 8, count: 12, queue: 16 } as const;
export const DGRAM = { src_port: 0, len: 2, payload: 4 } as const;

export const PORT_BOUND = 0x8000_0000;
export const PORT_TABLE_BYTES = (PORT_MAX + 1) * 4;
export const FRAME_HEADER_BYTES = 6;
export const FRAME_SCRATCH = PORT_TABLE_BYTES;
export const FRAME_SCRATCH_BYTES = LIMITS.nic_frame_bytes_max;
export const HEAP_BYTES_USED = FRAME_SCRATCH + FRAME_SCRATCH_BYTES;

export function socketOffset(socket: number): number {
  return socket * SOCKET_BYTES;
}

export function portEntry(client: number, socket: number): number {
  return (PORT_BOUND | (client << 8) | socket) >>> 0;
}

/** The (client, socket) a port-table word names, or null for a free port. */
export function decodePortEntry(word: number): { client: number; socket: number } | null {
  if ((word & PORT_BOUND) === 0) return null;
  return { client: (word >>> 8) & 0xff, socket: word & 0xff };
}

export function isValidPort(port: number): boolean {
  return Number.isInteger(port) && port >= 1 && port <= PORT_MAX;
}

/** Injection sites (BUGGIFY): a datagram copied into a socket's queue, still waiting in the NIC. */
export const NET_SITES = { queuedNotTaken: 'queued-not-taken' } as const;
