// onClientReset: when one client's SSR fails its check while the server runs and is reset, global
// state derived from that client must follow. A kv-style count (the example: count ≠ the
// sum of the clients' own counts without the hook), net's port table, timer's queue and sched's
// run queue, each after a bit flipped in one client's SSR at rest under curios.
import { describe, expect, it } from 'vitest';
import type { Sys } from '../../src/kernel/sys.ts';
import type { ClientCallResult, ClientEnv } from '../../src/servers/framework/client-task.ts';
import { defineServer, type ServerDef, type ServerReply } from '../../src/servers/framework/define.ts';
import { NET_OPS } from '../../src/servers/net/layout.ts';
import { readNetGlobal } from '../../src/servers/net/inspect.ts';
import { netServer } from '../../src/servers/net/server.ts';
import { readSchedGlobal } from '../../src/servers/sched/inspect.ts';
import { PRIORITY_DEFAULT, SCHED_OPS } from '../../src/servers/sched/layout.ts';
import { schedServer } from '../../src/servers/sched/sched.ts';
import { readTimerGlobal } from '../../src/servers/timer/inspect.ts';
import { TIMER_OPS } from '../../src/servers/timer/layout.ts';
import { timerServer } from '../../src/servers/timer/server.ts';
import { System } from '../../src/servers/system.ts';
import { RUN_CYCLES_MAX } from '../helpers/systems.ts';
import { HEAP_BASE } from '../../src/ssr/layout.ts';

type Step = (env: ClientEnv) => Sys<ClientCallResult>;

/**
 * Two clients run `before`, then wait; a bit of client 0's SSR at rest is flipped; then each runs
 * `after` (client 0's first call is refused with ESTALE: its state is reset). Returns what each
 * client saw after the flip, and the system.
 */
function flipBetween(server: ServerDef, before: Step[][], after: Step[][]) {
  const seen: ClientCallResult[][] = [[], []];
  const phase = { done: [false, false], go: false };
  const client = (c: number) =>
    function* (env: ClientEnv): Sys<void> {
      for (const step of before[c]) yield* step(env);
      phase.done[c] = true;
      while (!phase.go) yield* env.sleep(1_000);
      for (const step of after[c]) seen[c].push(yield* step(env));
    };
  const system = new System({ mode: 'curios', servers: [server], clients: [client(0), client(1)] });
  system.run({ until: () => phase.done.every(Boolean) || system.kernel.panic_reason !== null, until_cycles: RUN_CYCLES_MAX });
  const at = system.ssr.statePhysAddr(system.serverTask(server.name), 0, 0);
  if (at === null) throw new Error('client 0 has no SSR');
  system.machine.memory.bytes[at] ^= 0x01;
  phase.go = true;
  system.run({ until: () => system.clientsDone() || system.kernel.panic_reason !== null, until_cycles: system.now + RUN_CYCLES_MAX });
  expect(system.kernel.panic_reason).toBeNull();
  expect(system.clientsDone()).toBe(true);
  expect(system.ssr.stats.resets).toBe(1);
  return { seen, system };
}

const call =
  (server: string, op: number, words: number[] = []): Step =>
  (env) =>
    env.call(server, op, words);
const status = (r: ClientCallResult) => (r.status === 'OK' ? r.words[0] ?? 'OK' : r.status);

// A key-value store's entry count: each client's own count is its state; the global count in the
// heap is derived from them (and, so that a reset can be undone, each client's share of it).
const KV = { put: 1, mine: 2, count: 3 } as const;
const SHARE_BASE = 4;
function kvServer(withHook: boolean): ServerDef {
  return defineServer({
    name: 'kv',
    kind: 'needs-all',
    state_bytes: 4,
    heap_pages: 1,
    *init(env) {
      env.mem.storeBytes(env.heap, new Uint8Array(SHARE_BASE + 4 * env.clients().length));
    },
    *recover(env) {
      let total = 0;
      for (const c of env.clients()) {
        const n = env.mem.load32(env.stateOf(c));
        env.mem.store32(env.heap + SHARE_BASE + 4 * c, n);
        total += n;
      }
      env.mem.store32(env.heap, total);
    },
    ...(withHook
      ? {
          *onClientReset(env, client) {
            const share = env.mem.load32(env.heap + SHARE_BASE + 4 * client);
            env.mem.store32(env.heap, env.mem.load32(env.heap) - share);
            env.mem.store32(env.heap + SHARE_BASE + 4 * client, 0);
          },
        }
      : {}),
    *handle(env, req): Generator<never, ServerReply, never> {
      const share = env.heap + SHARE_BASE + 4 * req.client;
      if (req.op === KV.mine) return { status: 'OK', words: [env.mem.load32(req.state)] };
      if (req.op === KV.count) return { status: 'OK', words: [env.mem.load32(env.heap)] };
      env.mem.store32(req.state, env.mem.load32(req.state) + 1);
      env.mem.store32(share, env.mem.load32(share) + 1);
      env.mem.store32(env.heap, env.mem.load32(env.heap) + 1);
      return { status: 'OK' };
    },
  });
}

describe('onClientReset keeps derived global state consistent after one client is reset', () => {
  const puts = (n: number) => Array.from({ length: n }, () => call('kv', KV.put));
  const after = [[call('kv', KV.mine), call('kv', KV.mine)], [call('kv', KV.mine), call('kv', KV.count)]];

  it('kv: the count is the sum of the clients own counts with the hook', () => {
    const { seen } = flipBetween(kvServer(true), [puts(3), puts(2)], after);
    expect(seen[0].map(status)).toEqual(['ESTALE', 0]);
    expect(seen[1].map(status)).toEqual([2, 2]);
  });

  it('kv without the hook: the count still holds the reset client (count ≠ sum)', () => {
    const { seen } = flipBetween(kvServer(false), [puts(3), puts(2)], after);
    expect(seen[0].map(status)).toEqual(['ESTALE', 0]);
    expect(seen[1].map(status)).toEqual([2, 5]);
  });

  it("net: the reset client's port is free again — another client binds it", () => {
    const bind = (port: number) => call('net', NET_OPS.bind, [port]);
    const { seen, system } = flipBetween(netServer, [[bind(7)], [bind(8)]], [[bind(9)], [bind(7)]]);
    expect(seen[0].map((r) => r.status)).toEqual(['ESTALE']);
    expect(seen[1].map((r) => r.status)).toEqual(['OK']);
    expect(readNetGlobal(system).ports.map((p) => [p.port, p.client])).toEqual([
      [7, 1],
      [8, 1],
    ]);
  });

  it("net without the hook: the port stays taken by a client that no longer holds it", () => {
    const bind = (port: number) => call('net', NET_OPS.bind, [port]);
    const { seen } = flipBetween({ ...netServer, onClientReset: undefined }, [[bind(7)], [bind(8)]], [[bind(9)], [bind(7)]]);
    expect(seen[1].map((r) => r.status)).toEqual(['EADDRINUSE']);
  });

  it("timer: the reset client's alarms leave the queue, and the hardware follows the others'", () => {
    const set = (delay: number) => call('timer', TIMER_OPS.set, [delay]);
    const { seen, system } = flipBetween(timerServer, [[set(9_000_000)], [set(8_000_000)]], [[call('timer', TIMER_OPS.remaining, [1])], [call('timer', TIMER_OPS.remaining, [1])]]);
    expect(seen[0].map((r) => r.status)).toEqual(['ESTALE']);
    const g = readTimerGlobal(system);
    expect(g.queue.map((a) => a.client)).toEqual([1]);
    expect(g.hw_deadline_cycles).toBe(g.queue[0].deadline_cycles);
  });

  it("sched: the reset process leaves the run queue and the kernel gets the defaults back", () => {
    const nice = (p: number) => call('sched', SCHED_OPS.nice, [p]);
    const info = call('sched', SCHED_OPS.info);
    const { seen, system } = flipBetween(schedServer, [[nice(3)], [nice(1)]], [[info, info], [info]]);
    expect(seen[0].map(status)).toEqual(['ESTALE', PRIORITY_DEFAULT]);
    expect(readSchedGlobal(system)?.run_queue.map((e) => e.client)).toEqual([1]);
    // The kernel was told: the last setting of client 0's task is the default again.
    const settings = system.kernel.trace.events().filter((e) => e.event === 'set-sched' && e.detail.startsWith('client0 '));
    expect(settings.at(-1)?.detail).toMatch(new RegExp(`^client0 prio=${PRIORITY_DEFAULT} `));
  });
});

// A reset found at a client's *last* call: the kernel answers ESTALE alone and no message follows,
// so the hook is still pending when the clients are done. The step every trial takes before it
// reads end states (System.runPendingResetHooks) runs it: the derived state is stale before the
// step and mended after it.
describe('a reset found at a client\'s last call is mended before the end state is read', () => {
  const lastCall = (server: ServerDef, before: Step[][], last: Step) => {
    const { seen, system } = flipBetween(server, before, [[last], []]);
    expect(seen[0].map((r) => r.status)).toEqual(['ESTALE']);
    return system;
  };
  const mended = (system: System, server: string) => {
    const hash = system.traceHash();
    expect(system.runPendingResetHooks()).toEqual([server]);
    expect(system.traceHash()).not.toBe(hash);
    // nothing is left pending: a second step changes nothing
    const after = system.traceHash();
    expect(system.runPendingResetHooks()).toEqual([]);
    expect(system.traceHash()).toBe(after);
  };

  it('kv: the count drops the reset client\'s share', () => {
    const system = lastCall(kvServer(true), [[call('kv', KV.put), call('kv', KV.put), call('kv', KV.put)], [call('kv', KV.put), call('kv', KV.put)]], call('kv', KV.mine));
    const count = () => new DataView((system.readServerMemory('kv', HEAP_BASE, 4) as Uint8Array).buffer).getUint32(0, true);
    expect(count()).toBe(5);
    mended(system, 'kv');
    expect(count()).toBe(2);
  });

  it("net: the reset client's port is freed", () => {
    const bind = (port: number) => call('net', NET_OPS.bind, [port]);
    const system = lastCall(netServer, [[bind(7)], [bind(8)]], bind(9));
    const ports = () => readNetGlobal(system).ports.map((p) => [p.port, p.client]);
    expect(ports()).toEqual([
      [7, 0],
      [8, 1],
    ]);
    mended(system, 'net');
    expect(ports()).toEqual([[8, 1]]);
  });

  it("timer: the reset client's alarm leaves the queue", () => {
    const set = (delay: number) => call('timer', TIMER_OPS.set, [delay]);
    const system = lastCall(timerServer, [[set(9_000_000)], [set(8_000_000)]], call('timer', TIMER_OPS.remaining, [1]));
    expect(readTimerGlobal(system).queue.map((a) => a.client).sort()).toEqual([0, 1]);
    mended(system, 'timer');
    const g = readTimerGlobal(system);
    expect(g.queue.map((a) => a.client)).toEqual([1]);
    expect(g.hw_deadline_cycles).toBe(g.queue[0].deadline_cycles);
  });

  it('sched: the reset process leaves the run queue', () => {
    const system = lastCall(schedServer, [[call('sched', SCHED_OPS.nice, [3])], [call('sched', SCHED_OPS.nice, [1])]], call('sched', SCHED_OPS.info));
    expect(readSchedGlobal(system)?.run_queue.map((e) => e.client).sort()).toEqual([0, 1]);
    mended(system, 'sched');
    expect(readSchedGlobal(system)?.run_queue.map((e) => e.client)).toEqual([1]);
  });
});
