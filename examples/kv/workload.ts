// The kv module: the server, its operations, the workload a client runs (drawn from the seed's
// generator only), the reference model and the inspector. No client library to write: op names
// map to op codes, args to words.
import { decodeClients, defineModule, drawInt, type OpDraw, type RandomGenerator, type ServerInspector } from 'curios';
import { KvModel } from './model.ts';
import { KEYS_MAX, KV_OPS, kvServer } from './server.ts';

/** Keys a client draws from: more than a table holds, so that ENOSPC happens too. */
const KEY_MAX = 24;

function next(rng: RandomGenerator, _client: number, isolated: boolean): OpDraw {
  const roll = drawInt(rng, 0, 9);
  // `count` reads every client's keys: an isolated client (campaigns, the demo) never asks it,
  // so that what it observes depends on its own operations alone.
  if (!isolated && roll === 0) return { op: 'count' };
  const key = drawInt(rng, 1, KEY_MAX);
  if (roll <= 4) return { op: 'put', args: [key, drawInt(rng, 0, 0xffff)] };
  if (roll <= 7) return { op: 'get', args: [key] };
  return { op: 'del', args: [key] };
}

/** A client's table as `[key, value]` pairs in key order (where a key sits in the table is the server's business). */
function tableOf(state: DataView): number[][] {
  const pairs: number[][] = [];
  for (let i = 0; i < KEYS_MAX; i++) {
    const key = state.getUint32(4 + 8 * i, true);
    if (key !== 0) pairs.push([key, state.getUint32(8 + 8 * i, true)]);
  }
  return pairs.sort((a, b) => a[0] - b[0]);
}

/**
 * The end-state oracle's view of kv: each client's table, and whether the global count agrees
 * with the tables it is derived from (an SSR reset leaves it counting keys that are gone).
 */
const kvInspector: ServerInspector = (view) => {
  const count = new DataView(view.heap.buffer, view.heap.byteOffset, view.heap.byteLength).getUint32(0, true);
  const keys = view.clients.reduce((n, state) => n + (state === null ? 0 : tableOf(state).length), 0);
  return { clients: decodeClients(view, tableOf), global: { problems: count === keys ? [] : [`count ${count}, the tables hold ${keys} keys`] } };
};

export const kvModule = defineModule({
  server: kvServer,
  ops: KV_OPS,
  next,
  model: (clients) => new KvModel(clients),
  inspector: kvInspector,
});
