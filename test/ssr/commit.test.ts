// The in-flight request's state under the two commit policies, when the server dies AFTER the
// request wrote its client's state: `shadow` drops the request's copy and retries it from the
// committed state; `in-place` leaves the written state for recovery to judge — kept if the
// server's `validate` accepts it, else reset and the client told ESTALE. `persist` follows the same
// commit policy (retry is its own axis) but never checks: in-place, it keeps whatever was written;
// `restart` loses it all.
import { describe, expect, it } from 'vitest';
import type { Sys } from '../../src/kernel/sys.ts';
import type { ClientCallResult, ClientEnv } from '../../src/servers/framework/client-task.ts';
import { defineServer, type ServerReply } from '../../src/servers/framework/define.ts';
import { NO_FAULTS } from '../../src/servers/framework/fault-port.ts';
import { System } from '../../src/servers/system.ts';
import type { CommitPolicy, Mode } from '../../src/ssr/modes.ts';
import { RUN_CYCLES_MAX } from '../helpers/systems.ts';

/** A per-client counter. State layout: +0 the counter (u32); `validate` accepts counters below LIMIT. */
const COUNTER_OPS = { add: 1, get: 2 } as const;
const LIMIT = 1000;
/** An address no server maps: a store there is a page fault. */
const WILD_ADDRESS = 0;
const counterServer = defineServer({
  name: 'counter',
  kind: 'per-client',
  state_bytes: 4,
  heap_pages: 1,
  sites: ['after-write'],
  *init() {},
  *handle(env, req): Generator<never, ServerReply, never> {
    if (req.op === COUNTER_OPS.get) return { status: 'OK', words: [env.mem.load32(req.state)] };
    if (req.op !== COUNTER_OPS.add) return { status: 'ENOSYS' };
    const sum = (env.mem.load32(req.state) + req.words[0]) >>> 0;
    env.mem.store32(req.state, sum);
    // The injection site: the request dies after its write, before its reply.
    if (env.site('after-write')) env.mem.store32(WILD_ADDRESS, 0);
    return { status: 'OK', words: [sum] };
  },
  validate: (state) => state.getUint32(0, true) < LIMIT,
});

const FIRST = 5;

/** add(FIRST); add(second) dying once after its write; then get, get. */
function scenario(mode: Mode, commit: CommitPolicy, second: number): { system: System; seen: ClientCallResult[] } {
  const seen: ClientCallResult[] = [];
  const client = function* (env: ClientEnv): Sys<void> {
    seen.push(yield* env.call('counter', COUNTER_OPS.add, [FIRST]));
    seen.push(yield* env.call('counter', COUNTER_OPS.add, [second]));
    seen.push(yield* env.call('counter', COUNTER_OPS.get, []));
    seen.push(yield* env.call('counter', COUNTER_OPS.get, []));
  };
  const system = new System({ mode, commit, servers: [counterServer], clients: [client] });
  let adds = 0;
  system.faults = { ...NO_FAULTS, site: (_server, name) => name === 'after-write' && ++adds === 2 };
  const stop = system.runClients(RUN_CYCLES_MAX);
  expect(system.kernel.panic_reason).toBeNull();
  expect(stop).toBe('until');
  expect(system.supervisor.events.map((e) => [e.cause, e.outcome])).toEqual([['page-fault', mode === 'none' ? 'down' : 'restarted']]);
  return { system, seen };
}

const view = (seen: ClientCallResult[]) => seen.map((r) => (r.status === 'OK' ? r.words[0] : r.status));

describe('the in-flight request when the server dies after writing client state', () => {
  // Retry is its own axis: shadow commit retries the request whether SSRs are isolated or not.
  for (const mode of ['curios', 'persist'] as const) {
    it(`${mode}, shadow: the written copy is dropped and the request retried from the committed state — it counts once`, () => {
      const { system, seen } = scenario(mode, 'shadow', 7);
      expect(view(seen)).toEqual([5, 12, 12, 12]);
      expect(system.ssr.stats.rollbacks).toBe(1);
      expect(system.supervisor.events[0].retried).toBe(1);
    });
  }

  it('curios, shadow: the retry does not depend on what the dead request wrote (no validation needed)', () => {
    const { system, seen } = scenario('curios', 'shadow', LIMIT * 3);
    expect(view(seen)).toEqual([5, FIRST + LIMIT * 3, FIRST + LIMIT * 3, FIRST + LIMIT * 3]);
    expect(system.ssr.stats.validated).toBe(0);
    expect(system.ssr.stats.resets).toBe(0);
  });

  it('curios, in-place: the call fails; the written state passes `validate` and is kept', () => {
    const { system, seen } = scenario('curios', 'in-place', 7);
    expect(view(seen)).toEqual([5, 'EABORTED', 12, 12]);
    expect(system.ssr.stats.validated).toBe(1);
    expect(system.ssr.stats.resets).toBe(0);
  });

  it('curios, in-place: the written state fails `validate` — it is reset and the client told ESTALE once', () => {
    const { system, seen } = scenario('curios', 'in-place', LIMIT);
    expect(view(seen)).toEqual([5, 'EABORTED', 'ESTALE', 0]);
    expect(system.ssr.stats.resets).toBe(1);
    expect(system.ssr.enumerate(system.serverTask('counter'))[0].checksum_failures).toBe(1);
  });

  it('persist, in-place: the call fails; whatever was written is kept, unchecked (even what validate would refuse)', () => {
    const { system, seen } = scenario('persist', 'in-place', LIMIT);
    expect(view(seen)).toEqual([5, 'EABORTED', FIRST + LIMIT, FIRST + LIMIT]);
    expect(system.ssr.stats.resets).toBe(0);
  });

  it('restart: the call fails and the state is lost', () => {
    const { seen } = scenario('restart', 'shadow', 7);
    expect(view(seen)).toEqual([5, 'EABORTED', 0, 0]);
  });

  it('none: the call fails and the server stays down', () => {
    const { seen } = scenario('none', 'shadow', 7);
    expect(view(seen)).toEqual([5, 'EABORTED', 'EDEAD', 'EDEAD']);
  });
});
