// The badge space (src/ssr/badges.ts): every value the wiring hands out names exactly one sender —
// a client, a server's fault message, a server calling a dependency — and every notification bit
// one source on its endpoint; out-of-range requests are refused rather than wrapped into another
// range.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SERVER_LIMITS } from '../../src/hw/limits.ts';
import { CALL_BADGES, HEARTBEAT_BIT, NOTIFY_BITS, badgeOfClient, clientOfBadge, dependencyBadgeOf, faultBadgeOf, serverBit, serverOfFaultBadge } from '../../src/ssr/badges.ts';

describe('the badge space', () => {
  it('gives every client, fault message and dependency call its own badge, none of them 0', () => {
    const badges = [
      ...Array.from({ length: SERVER_LIMITS.clients_max }, (_, c) => badgeOfClient(c)),
      ...Array.from({ length: SERVER_LIMITS.servers_max }, (_, s) => faultBadgeOf(s)),
      ...Array.from({ length: SERVER_LIMITS.servers_max }, (_, s) => dependencyBadgeOf(s)),
    ];
    expect(new Set(badges).size).toBe(badges.length);
    expect(badges).not.toContain(0);
  });

  it('reads back the client and the server a badge names', () => {
    fc.assert(
      fc.property(fc.nat({ max: SERVER_LIMITS.clients_max - 1 }), fc.nat({ max: SERVER_LIMITS.servers_max - 1 }), (client, server) => {
        expect(clientOfBadge(badgeOfClient(client))).toBe(client);
        expect(serverOfFaultBadge(faultBadgeOf(server))).toBe(server);
        expect(serverOfFaultBadge(badgeOfClient(client))).toBe(-1);
        expect(clientOfBadge(dependencyBadgeOf(server))).toBeGreaterThanOrEqual(SERVER_LIMITS.clients_max);
      }),
    );
  });

  it('keeps device interrupt bits apart from the heartbeat bit on a server\'s endpoint', () => {
    const bits = Array.from({ length: SERVER_LIMITS.servers_max }, (_, s) => serverBit(s));
    expect(new Set(bits).size).toBe(bits.length);
    for (const b of bits) expect(b & HEARTBEAT_BIT).toBe(0);
    expect(NOTIFY_BITS.heartbeat.first + NOTIFY_BITS.heartbeat.count).toBeLessThanOrEqual(32);
  });

  it('refuses values past a range instead of wrapping into the next one', () => {
    expect(() => badgeOfClient(CALL_BADGES.client.count)).toThrow(RangeError);
    expect(() => faultBadgeOf(SERVER_LIMITS.servers_max)).toThrow(RangeError);
    expect(() => serverBit(SERVER_LIMITS.servers_max)).toThrow(RangeError);
    expect(() => badgeOfClient(-1)).toThrow(RangeError);
  });
});
