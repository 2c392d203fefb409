// The fault space of a workload: every point a fault can take in the target server, read off the
// golden run of a mode — each request it handles (a `request` trigger), each memory access inside
// each request (`access` n/k; with a stride K, every K-th from the first), each injection site it
// reached (a `site` trigger that is on and fires at the first reach). A point is its trigger: this
// is the space of the kinds that have no other fields (crash, hang); kinds.ts builds the others'.
import type { Trigger } from '../../faults/model.ts';
import type { Reach } from '../../faults/injector.ts';

/** The points of one server in a run that reached `reach`, in order: requests, then accesses, then sites. */
export function pointsOf(reach: Reach, server: string, stride: number): Trigger[] {
  const per = reach.accesses[server] ?? [];
  const points: Trigger[] = per.map((_, i) => ({ at: 'request', n: i + 1 }));
  per.forEach((count, i) => {
    for (let k = 1; k <= count; k += stride) points.push({ at: 'access', n: i + 1, k });
  });
  for (const key of reach.sites) if (key.startsWith(`${server}/`)) points.push({ at: 'site', name: key.slice(server.length + 1), p_on: 1, p_fire: 1 });
  return points;
}

/** How many points the space holds with no stride: what a strided run samples from. */
export function fullSpaceSize(reach: Reach, server: string): number {
  const per = reach.accesses[server] ?? [];
  return per.length + per.reduce((a, b) => a + b, 0) + reach.sites.filter((k) => k.startsWith(`${server}/`)).length;
}

/** The request a point falls in (1-based; a flip at rest: the request it follows), or null for a site (it may be reached in any request). */
export function requestOf(t: Trigger): number | null {
  return t.at === 'request' || t.at === 'access' || t.at === 'rest' ? t.n : null;
}

/** A point as people write it: `request 3`, `access 3/17`, `site between-blocks`. */
export function pointName(t: Trigger): string {
  switch (t.at) {
    case 'request':
      return `request ${t.n}`;
    case 'access':
      return `access ${t.n}/${t.k}`;
    case 'site':
      return `site ${t.name}`;
    case 'time':
      return `time ${t.cycles}`;
    case 'recovery':
      return `recovery ${t.n}/${t.k}`;
    case 'rest':
      return `rest after request ${t.n}`;
  }
}
