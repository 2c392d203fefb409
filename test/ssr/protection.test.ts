// SSR protection: a server's store to ANOTHER client's state while it serves one client. Under
// `curios` only the caller's SSR is mapped, so the stray store is a page fault: the supervisor
// restarts the server and the victim's state is untouched. Under `persist` every SSR is mapped all
// the time, and without SSRs (`restart`, `none`) every client's state is the server's own memory:
// the same store silently corrupts the victim — the paper's "simply persisting is not enough".
import { describe, expect, it } from 'vitest';
import { defineServer, type ServerReply } from '../../src/servers/framework/define.ts';
import type { ClientEnv, ClientCallResult } from '../../src/servers/framework/client-task.ts';
import type { Sys } from '../../src/kernel/sys.ts';
import { System } from '../../src/servers/system.ts';
import type { CommitPolicy, Mode } from '../../src/ssr/modes.ts';
import { RUN_CYCLES_MAX } from '../helpers/systems.ts';

/** A tiny per-client server. State layout: +0 the client's value (u32), +4 spare. */
const POKER_OPS = { set: 1, get: 2, poke: 3 } as const;
const pokerServer = defineServer({
  name: 'poker',
  kind: 'per-client',
  state_bytes: 8,
  heap_pages: 1,
  *init() {},
  *handle(env, req): Generator<never, ServerReply, never> {
    switch (req.op) {
      case POKER_OPS.set:
        env.mem.store32(req.state, req.words[0]);
        return { status: 'OK' };
      case POKER_OPS.get:
        return { status: 'OK', words: [env.mem.load32(req.state)] };
      case POKER_OPS.poke:
        // words: [victim, value] — a wild store into someone else's state
        env.mem.store32(env.stateOf(req.words[0]), req.words[1]);
        return { status: 'OK' };
      default:
        return { status: 'ENOSYS' };
    }
  },
});

const VICTIM = 0;
const ATTACKER = 1;
const VICTIM_VALUE = 111;
const ATTACKER_VALUE = 222;
const POKED_VALUE = 999;
const WAIT_CYCLES = 10_000;

interface PokeOutcome {
  system: System;
  poke: ClientCallResult;
  victim_get: ClientCallResult;
  attacker_get: ClientCallResult;
}

/** Victim sets its value, attacker sets its own and pokes the victim's, then both read their own. */
function pokeScenario(mode: Mode, commit: CommitPolicy): PokeOutcome {
  const seen: Partial<Record<'poke' | 'victim_get' | 'attacker_get', ClientCallResult>> = {};
  let victim_set = false;
  let poke_done = false;
  const victim = function* (env: ClientEnv): Sys<void> {
    expect((yield* env.call('poker', POKER_OPS.set, [VICTIM_VALUE])).status).toBe('OK');
    victim_set = true;
    while (!poke_done) yield* env.sleep(WAIT_CYCLES);
    seen.victim_get = yield* env.call('poker', POKER_OPS.get, []);
  };
  const attacker = function* (env: ClientEnv): Sys<void> {
    expect((yield* env.call('poker', POKER_OPS.set, [ATTACKER_VALUE])).status).toBe('OK');
    while (!victim_set) yield* env.sleep(WAIT_CYCLES);
    seen.poke = yield* env.call('poker', POKER_OPS.poke, [VICTIM, POKED_VALUE]);
    poke_done = true;
    seen.attacker_get = yield* env.call('poker', POKER_OPS.get, []);
  };
  const system = new System({ mode, commit, servers: [pokerServer], clients: [victim, attacker] });
  const stop = system.runClients(RUN_CYCLES_MAX);
  expect(system.kernel.panic_reason).toBeNull();
  expect(stop).toBe('until');
  const { poke, victim_get, attacker_get } = seen;
  if (poke === undefined || victim_get === undefined || attacker_get === undefined) throw new Error('a client did not finish its calls');
  return { system, poke, victim_get, attacker_get };
}

describe('SSR protection: a store to another client\'s state during a request', () => {
  it('curios (in-place commit): a page fault — the server is restarted, the poke fails, the victim keeps its own value', () => {
    const o = pokeScenario('curios', 'in-place');
    expect(o.poke.status).toBe('EABORTED');
    expect(o.victim_get).toEqual({ status: 'OK', words: [VICTIM_VALUE], data: new Uint8Array(0) });
    expect(o.attacker_get.words).toEqual([ATTACKER_VALUE]);
    const sup = o.system.supervisor;
    expect(sup.events.map((e) => [e.server, e.cause, e.outcome, e.aborted])).toEqual([['poker', 'page-fault', 'restarted', 1]]);
    expect(sup.servers[0].restarts).toBe(1);
  });

  it('curios (shadow commit): the faulting poke is retried from clean state and faults on every retry — the victim\'s SSR never holds the poked value', () => {
    const o = pokeScenario('curios', 'shadow');
    const sup = o.system.supervisor;
    expect(sup.events.length).toBeGreaterThan(1);
    expect(sup.events.every((e) => e.server === 'poker' && e.cause === 'page-fault')).toBe(true);
    expect(sup.events.slice(0, -1).every((e) => e.retried === 1)).toBe(true);
    expect(o.poke.status).toBe('EABORTED');
    const at = o.system.ssr.statePhysAddr(o.system.serverTask('poker'), VICTIM, 0);
    if (at === null) throw new Error('the victim has no SSR');
    expect(o.system.machine.memory.view.getUint32(at, true)).toBe(VICTIM_VALUE);
  });

  // A request that faults deterministically (this poke) must not be retried until the restart
  // intensity is exceeded and the server given up for everyone: a call is requeued at most
  // `requeues_per_call_max` times, then fails with EABORTED, and the server keeps serving the others.
  it('curios (shadow commit): a request that faults on every retry fails cleanly, and the server keeps serving the other clients', () => {
    const o = pokeScenario('curios', 'shadow');
    expect(o.poke.status).toBe('EABORTED');
    expect(o.victim_get.status).toBe('OK');
    expect(o.victim_get.words).toEqual([VICTIM_VALUE]);
    expect(o.attacker_get.words).toEqual([ATTACKER_VALUE]);
    expect(o.system.supervisor.servers[0].condition).toBe('running');
  });

  for (const mode of ['persist', 'restart', 'none'] as const) {
    it(`${mode}: no fault — the victim's state is silently corrupted`, () => {
      const o = pokeScenario(mode, 'shadow');
      expect(o.poke.status).toBe('OK');
      expect(o.victim_get.words).toEqual([POKED_VALUE]);
      expect(o.attacker_get.words).toEqual([ATTACKER_VALUE]);
      expect(o.system.supervisor.events).toEqual([]);
    });
  }
});
