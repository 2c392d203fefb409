// The badge space: every badge and notification bit the trusted base hands out when it wires a
// system, in one table, checked at load time so that no two ranges can overlap. A badge is what a
// receiver learns about who called (seL4, Fiasco.OC): a server tells its clients apart by it, the
// supervisor tells a fault message from a heartbeat answer by it. Two ranges that overlapped would
// let one sender pass for another — a dependency call for a client with an SSR, a fault message
// for the wrong server — so the layout is asserted here, once, rather than trusted in four files.
//
// Two kinds of value travel to a receiver:
// - call badges, on a call's capability (a whole number, one sender each);
// - notification bits, OR-ed into one 32-bit word per endpoint (one bit per source).
import { SERVER_LIMITS } from '../hw/limits.ts';

interface BadgeRange {
  readonly first: number;
  /** how many values */
  readonly count: number;
}

/** Call badges: who is calling a server's (or the supervisor's) endpoint. */
export const CALL_BADGES = {
  /** clients calling a server: client i has badge 1 + i (0 is nobody) */
  client: { first: 1, count: SERVER_LIMITS.clients_max },
  /** the kernel's fault message for server i, to the supervisor */
  fault: { first: 0x100, count: SERVER_LIMITS.servers_max },
  /** server i calling a server it depends on (no client: no SSR) */
  dependency: { first: 0x200, count: SERVER_LIMITS.servers_max },
} as const satisfies Record<string, BadgeRange>;

/** Notification bits, per receiving endpoint. */
export const NOTIFY_BITS = {
  /** on a server's endpoint: the interrupt of a device it drives (server i's devices raise bit i) */
  device: { first: 0, count: SERVER_LIMITS.servers_max },
  /** on a server's endpoint: the supervisor's heartbeat ping */
  heartbeat: { first: 31, count: 1 },
  /** on the supervisor's endpoint: server i's heartbeat answer */
  heartbeat_answer: { first: 0, count: SERVER_LIMITS.servers_max },
} as const satisfies Record<string, BadgeRange>;

/** Which notification ranges arrive on the same endpoint (and so must not share a bit). */
const SAME_ENDPOINT: readonly (keyof typeof NOTIFY_BITS)[][] = [['device', 'heartbeat'], ['heartbeat_answer']];

function overlaps(a: BadgeRange, b: BadgeRange): boolean {
  return a.first < b.first + b.count && b.first < a.first + a.count;
}

function assertDisjoint(kind: string, ranges: [string, BadgeRange][]): void {
  for (const [i, [name, r]] of ranges.entries()) {
    if (!(Number.isInteger(r.first) && r.first >= 0 && r.count >= 1)) throw new Error(`badge space: ${kind} ${name} is not a range`);
    for (const [other, s] of ranges.slice(i + 1)) if (overlaps(r, s)) throw new Error(`badge space: ${kind} ${name} overlaps ${other}`);
  }
}

// Badge 0 means nobody: no range may hold it.
assertDisjoint('call badges', [['nobody', { first: 0, count: 1 }], ...Object.entries(CALL_BADGES)]);
for (const group of SAME_ENDPOINT) assertDisjoint('notification bits', group.map((name) => [name, NOTIFY_BITS[name]]));
for (const [name, r] of Object.entries(NOTIFY_BITS)) if (r.first + r.count > 32) throw new Error(`badge space: notification bits ${name} pass bit 31`);

function valueIn(range: BadgeRange, i: number, what: string): number {
  if (!Number.isInteger(i) || i < 0 || i >= range.count) throw new RangeError(`${what} ${i} outside 0..${range.count - 1}`);
  return range.first + i;
}

/** A badge names a client to a server: client i calls with badge i + 1. */
export function badgeOfClient(client: number): number {
  return valueIn(CALL_BADGES.client, client, 'client');
}

/** The client a call badge names (a dependency's badge names a number past clients_max, which no SSR has). */
export function clientOfBadge(badge: number): number {
  return badge - CALL_BADGES.client.first;
}

export function faultBadgeOf(server: number): number {
  return valueIn(CALL_BADGES.fault, server, 'server');
}

/** The server index a fault message's badge names, or -1. */
export function serverOfFaultBadge(badge: number): number {
  const i = badge - CALL_BADGES.fault.first;
  return i >= 0 && i < CALL_BADGES.fault.count ? i : -1;
}

export function dependencyBadgeOf(server: number): number {
  return valueIn(CALL_BADGES.dependency, server, 'server');
}

/** The notification bit of server i's device interrupts (on its endpoint) and of its heartbeat answer (on the supervisor's). */
export function serverBit(server: number): number {
  return (1 << valueIn(NOTIFY_BITS.device, server, 'server')) >>> 0;
}

/** The heartbeat ping's bit on a server's endpoint. */
export const HEARTBEAT_BIT = (1 << NOTIFY_BITS.heartbeat.first) >>> 0;
