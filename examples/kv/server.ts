// kv: a key/value server. Each client has its own table (its client state — an SSR under
// `curios`); the heap holds one global figure, the number of keys stored by all clients together,
// which a restarted server rebuilds from every client's table in `recover`. The heap also keeps
// each client's share of that count, so that when one client's table alone is lost (reset after
// failing its check) `onClientReset` takes exactly that share back out.
import { defineServer, type Mem, type ServerReply } from 'curios';

/** The operations, in op-code order: `put` reaches `handle` as req.op === 1. */
export const KV_OPS = ['put', 'get', 'del', 'count'] as const;
/** Entries in one client's table. */
export const KEYS_MAX = 16;

// Client state: +0 u32 entries in use, then KEYS_MAX entries of { key u32 (0: free), value u32 }.
const ENTRY_BYTES = 8;
const STATE_BYTES = 4 + KEYS_MAX * ENTRY_BYTES;
// Heap: +0 u32 keys stored by every client together; +4 + 4c u32 the keys of client c.
const COUNT = 0;
const share = (heap: number, client: number) => heap + 4 + client * 4;

const entry = (state: number, i: number) => state + 4 + i * ENTRY_BYTES;

/** The slot holding `key` in a client's table, or -1. */
function find(mem: Mem, state: number, key: number): number {
  for (let i = 0; i < KEYS_MAX; i++) if (mem.load32(entry(state, i)) === key) return i;
  return -1;
}

function addCount(mem: Mem, heap: number, client: number, delta: number): void {
  mem.store32(heap + COUNT, (mem.load32(heap + COUNT) + delta) >>> 0);
  mem.store32(share(heap, client), (mem.load32(share(heap, client)) + delta) >>> 0);
}

export const kvServer = defineServer({
  name: 'kv',
  kind: 'needs-all',
  state_bytes: STATE_BYTES,
  heap_pages: 1,
  *init(env) {
    env.mem.store32(env.heap + COUNT, 0);
    for (const client of env.clients()) env.mem.store32(share(env.heap, client), 0);
  },
  // After a restart (persist, curios): every client's table survived; the global count did not.
  *recover(env) {
    let keys = 0;
    for (const client of env.clients()) {
      const used = env.mem.load32(env.stateOf(client));
      env.mem.store32(share(env.heap, client), used);
      keys += used;
    }
    env.mem.store32(env.heap + COUNT, keys);
  },
  // One client's table failed its check while the server ran and was reset: its keys are gone.
  *onClientReset(env, client) {
    const lost = env.mem.load32(share(env.heap, client));
    env.mem.store32(env.heap + COUNT, (env.mem.load32(env.heap + COUNT) - lost) >>> 0);
    env.mem.store32(share(env.heap, client), 0);
  },
  *handle(env, req): Generator<never, ServerReply, never> {
    const { mem } = env;
    const key = req.words[0] ?? 0;
    switch (KV_OPS[req.op - 1]) {
      case 'put': {
        if (key === 0) return { status: 'EINVAL' };
        const at = find(mem, req.state, key);
        if (at >= 0) {
          mem.store32(entry(req.state, at) + 4, req.words[1] ?? 0);
          return { status: 'OK' };
        }
        const free = find(mem, req.state, 0);
        if (free < 0) return { status: 'ENOSPC' };
        mem.store32(entry(req.state, free), key);
        mem.store32(entry(req.state, free) + 4, req.words[1] ?? 0);
        mem.store32(req.state, mem.load32(req.state) + 1);
        addCount(mem, env.heap, req.client, 1);
        return { status: 'OK' };
      }
      case 'get': {
        const at = key === 0 ? -1 : find(mem, req.state, key);
        return at < 0 ? { status: 'ENOENT' } : { status: 'OK', words: [mem.load32(entry(req.state, at) + 4)] };
      }
      case 'del': {
        const at = key === 0 ? -1 : find(mem, req.state, key);
        if (at < 0) return { status: 'ENOENT' };
        mem.store32(entry(req.state, at), 0);
        mem.store32(req.state, mem.load32(req.state) - 1);
        addCount(mem, env.heap, req.client, -1);
        return { status: 'OK' };
      }
      case 'count':
        return { status: 'OK', words: [mem.load32(env.heap + COUNT)] };
      default:
        return { status: 'ENOSYS' };
    }
  },
  // A table whose entry count disagrees with its entries, or that holds a key twice, is damaged.
  validate(state) {
    const keys: number[] = [];
    for (let i = 0; i < KEYS_MAX; i++) {
      const key = state.getUint32(4 + i * ENTRY_BYTES, true);
      if (key !== 0) keys.push(key);
    }
    return state.getUint32(0, true) === keys.length && new Set(keys).size === keys.length;
  },
});
