// The kv module: the server, its operations, the workload a client runs (drawn from the seed's
// generator only) and the reference model. No client library to write: op names map to op codes,
// args to words.
import { defineModule, drawInt, type OpDraw, type RandomGenerator } from 'curios';
import { KvModel } from './model.ts';
import { KV_OPS, kvServer } from './server.ts';

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

export const kvModule = defineModule({
  server: kvServer,
  ops: KV_OPS,
  next,
  model: (clients) => new KvModel(clients),
});
