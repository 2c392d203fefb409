// Where things are: the fixed virtual addresses every server task uses, and the layout of an SSR.
// A client's state sits at the same address in every mode — what changes is what backs it (the
// server's own heap, or an SSR frame of the manager's) and when it is mapped. That is what lets
// one server binary run under every recovery mode (src/ssr/modes.ts), and what makes "a store to another
// client's state" the same store in each.
import { SERVER_LIMITS } from '../hw/limits.ts';
import type { VirtAddr } from '../hw/types.ts';

/** the server's heap (global state) */
export const HEAP_BASE: VirtAddr = 0x0001_0000;
/** the server's receive buffer (one page) */
export const RECV_BUF: VirtAddr = 0x0080_0000;
/** the server's reply buffer (one page) */
export const REPLY_BUF: VirtAddr = 0x0080_1000;
/** the buffer of calls to servers this one depends on (one page) */
export const DEP_BUF: VirtAddr = 0x0080_2000;
/** client i's state page: STATE_BASE + i × page size */
export const STATE_BASE: VirtAddr = 0x1000_0000;
/** clients a server can know (SERVER_LIMITS.clients_max) */
export const CLIENTS_MAX = SERVER_LIMITS.clients_max;

/** An SSR page: a 16-byte header (magic, version, length, checksum), then the server's bytes. */
export const SSR_HEADER_BYTES = SERVER_LIMITS.ssr_header_bytes;
export const SSR_MAGIC = 0x5353_5231; // "SSR1"
export const SSR_VERSION = 1;

export function stateWindow(client: number, page_bytes: number): VirtAddr {
  return STATE_BASE + client * page_bytes;
}

/** The address of client i's state proper (after the header), as server code sees it. */
export function stateAddress(client: number, page_bytes: number): VirtAddr {
  return stateWindow(client, page_bytes) + SSR_HEADER_BYTES;
}

export { badgeOfClient, clientOfBadge } from './badges.ts';
