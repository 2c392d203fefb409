// The end-state oracle: what clients did not read. At the end of a trial every server's end state
// (src/servers/end-state.ts: each client's state as the server would present it, the global state
// and its broken invariants, through the server's inspector) is compared with the golden run's.
// A difference is damage still waiting for a reader: with every client having seen the golden
// results, the trial is `latent-corruption`, not masked or recovered.
//
// Each difference is one line naming the server and where: a client's state, a part of the global
// state, or an invariant the trial broke that the golden run did not (an fsck problem, a port
// table entry naming a socket that is not bound, a queue out of order).
import { END_STATE_UNREAD, type EndState, type ServerEndState } from '../servers/end-state.ts';
import type { EndValue } from '../servers/framework/inspector.ts';

/** Differences of the trial's end state from the golden run's, in server and client order; empty when none. */
export function latentDifferences(golden: EndState, trial: EndState): string[] {
  if (golden === END_STATE_UNREAD || trial === END_STATE_UNREAD) throw new Error('invariant: an end state compared that was not read (runOnce reads it when the run can reach the oracle)');
  const out: string[] = [];
  trial.forEach((t, i) => {
    const g = golden[i];
    if (g === undefined || g.server !== t.server) throw new Error(`invariant: end states of different systems (${t.server} against ${g?.server ?? 'nothing'})`);
    out.push(...serverDifferences(g, t));
  });
  return out;
}

function serverDifferences(g: ServerEndState, t: ServerEndState): string[] {
  if (t.down !== g.down) return [`${t.server}: ${t.down ? 'down' : 'up'} at the end, ${g.down ? 'down' : 'up'} in the golden run`];
  const out: string[] = [];
  t.clients.forEach((state, c) => {
    if (text(state) !== text(g.clients[c] ?? null)) out.push(`${t.server}: client ${c}'s state ${state === null ? 'is refused (reset, or failing its checksum)' : 'differs'}`);
  });
  if (text(g.global) === text(t.global)) return out;
  if (!isRecord(g.global) || !isRecord(t.global)) return [...out, `${t.server}: global state differs`];
  const gg = g.global;
  for (const [key, value] of Object.entries(t.global)) {
    if (text(value) === text(gg[key] ?? null)) continue;
    if (key === 'problems' && Array.isArray(value)) {
      const before = new Set((gg[key] as readonly EndValue[] | undefined ?? []).map(text));
      for (const p of value as readonly EndValue[]) if (!before.has(text(p))) out.push(`${t.server}: ${typeof p === 'string' ? p : text(p)}`);
      continue;
    }
    out.push(`${t.server}: ${key.replaceAll('_', ' ')} differs`);
  }
  return out;
}

const text = (v: EndValue): string => JSON.stringify(v);

function isRecord(v: EndValue): v is { readonly [key: string]: EndValue } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
