// The modes table drives behaviour: for every mode, each named property of its row is checked
// against what the system does — one `it` per property, the expectation read from the row, never
// from the mode's name. A row that said one thing while the mechanisms did another would fail here.
import { describe, expect, it } from 'vitest';
import type { Sys } from '../../src/kernel/sys.ts';
import type { ClientCallResult, ClientEnv } from '../../src/servers/framework/client-task.ts';
import { defineServer, type ServerReply } from '../../src/servers/framework/define.ts';
import { NO_FAULTS } from '../../src/servers/framework/fault-port.ts';
import { System } from '../../src/servers/system.ts';
import { stateWindow } from '../../src/ssr/layout.ts';
import { COMMIT_POLICIES, FAULT_CLASSES, GUARANTEES, MODES, MODE_SPECS, isMode, promisedFor, settleInFlight, usesCommitPolicy, variantName, type CommitPolicy, type Mode } from '../../src/ssr/modes.ts';
import { RUN_CYCLES_MAX } from '../helpers/systems.ts';

const OPS = { add: 1, get: 2 } as const;

interface Probe {
  /** per request: which clients' state windows the server could read while handling it */
  visible: number[][];
  recovers: number;
}

/** A per-client counter whose handler notes which state windows are mapped while it runs, and whose `recover` counts its runs. */
function probeServer(probe: Probe, look: () => number[]) {
  return defineServer({
    name: 'probe',
    kind: 'per-client',
    state_bytes: 4,
    heap_pages: 1,
    *init() {},
    *recover() {
      probe.recovers++;
    },
    *handle(env, req): Generator<never, ServerReply, never> {
      probe.visible.push(look());
      if (req.op === OPS.get) return { status: 'OK', words: [env.mem.load32(req.state)] };
      const sum = (env.mem.load32(req.state) + req.words[0]) >>> 0;
      env.mem.store32(req.state, sum);
      return { status: 'OK', words: [sum] };
    },
  });
}

const CLIENTS = 2;

/**
 * Each client adds (its number + 1) then gets; client 0 waits for client 1's first call. Between
 * the phases, `between` runs (a crash, a flip at rest); then each client gets once more.
 */
function run(mode: Mode, between: (system: System) => void, commit: CommitPolicy = 'shadow') {
  const probe: Probe = { visible: [], recovers: 0 };
  const seen: ClientCallResult[][] = [[], []];
  let phase = 0;
  const client = (c: number) =>
    function* (env: ClientEnv): Sys<void> {
      seen[c].push(yield* env.call('probe', OPS.add, [c + 1]));
      seen[c].push(yield* env.call('probe', OPS.get, []));
      while (phase === 0) yield* env.sleep(1_000);
      seen[c].push(yield* env.call('probe', OPS.get, []));
    };
  let system: System | null = null;
  const look = () => [0, 1].filter((c) => system?.readServerMemory('probe', stateWindow(c, system.machine.mmu.page_bytes), 4) !== null);
  system = new System({ mode, commit, servers: [probeServer(probe, look)], clients: [client(0), client(1)] });
  const s = system;
  s.run({ until: () => (seen[0].length === 2 && seen[1].length === 2) || s.kernel.panic_reason !== null, until_cycles: RUN_CYCLES_MAX });
  between(s);
  phase = 1;
  s.run({ until: () => s.clientsDone() || s.kernel.panic_reason !== null, until_cycles: s.now + RUN_CYCLES_MAX });
  expect(s.kernel.panic_reason).toBeNull();
  expect(s.clientsDone()).toBe(true);
  return { system: s, probe, last: seen.map((r) => r[2]) };
}

/** Kills the probe server now: a fault outside any request. */
function crash(system: System): void {
  system.faults = { ...NO_FAULTS };
  system.kernel.killTask(system.serverTask('probe'), 'test crash');
}

/** Flips a bit of client 0's state at rest (in its SSR, or in the server's own memory). */
function flipAtRest(system: System): void {
  const spec = MODE_SPECS[system.mode];
  const addr = spec.client_state === 'ssr' ? system.ssr.statePhysAddr(system.serverTask('probe'), 0, 0) : null;
  if (addr !== null) system.machine.memory.bytes[addr] ^= 0x80;
  else {
    const page = system.machine.mmu.page_bytes;
    const pte = system.serverTask('probe').as.table.entries.get(stateWindow(0, page) / page);
    if (pte === undefined) throw new Error('client 0 state page missing');
    system.machine.memory.bytes[pte.frame * page + 16] ^= 0x80;
  }
}

const value = (r: ClientCallResult | undefined) => (r === undefined ? 'none' : r.status === 'OK' ? r.words[0] : r.status);

describe('the modes table', () => {
  it('lists each mode once, with a row each, and names its variants', () => {
    expect(new Set(MODES).size).toBe(MODES.length);
    expect(Object.keys(MODE_SPECS).sort()).toEqual([...MODES].sort());
    for (const m of MODES) expect(isMode(m)).toBe(true);
    expect(isMode('curio')).toBe(false);
    expect(variantName('curios', 'in-place')).toBe('curios/in-place');
    expect(variantName('restart', 'in-place')).toBe('restart');
  });

  it('settles the in-flight call from in_flight, the commit policy and the server kind', () => {
    for (const m of MODES) {
      for (const commit of COMMIT_POLICIES) {
        for (const stateless of [false, true]) {
          const how = settleInFlight(m, commit, stateless);
          const spec = MODE_SPECS[m];
          const requeue = spec.in_flight === 'reissue-if-stateless' ? stateless : spec.in_flight === 'commit-policy' ? commit === 'shadow' : false;
          expect(how, `${m} ${commit} ${stateless}`).toBe(requeue ? 'requeue' : 'abort');
        }
      }
      expect(usesCommitPolicy(m)).toBe(MODE_SPECS[m].in_flight === 'commit-policy');
    }
  });

  it('states promises in the known guarantees only; curios promises more than any other mode, none nothing', () => {
    for (const m of MODES) for (const cls of FAULT_CLASSES) for (const g of promisedFor(m, cls)) expect(GUARANTEES).toContain(g);
    for (const cls of FAULT_CLASSES) {
      expect(promisedFor('none', cls)).toEqual([]);
      for (const m of MODES) for (const g of promisedFor(m, cls)) expect(promisedFor('curios', cls)).toContain(g);
    }
    expect(promisedFor('curios', 'fail-stop')).toEqual(expect.arrayContaining(['no-collateral', 'no-silent-corruption']));
  });
});

describe.each(MODES)('mode %s does what its row says', (mode) => {
  const spec = MODE_SPECS[mode];

  it(`client_state ${spec.client_state}: client state ${spec.client_state === 'ssr' ? 'survives' : 'dies with'} a restart`, () => {
    const { system, last } = run(mode, crash);
    expect(system.ssr.active).toBe(spec.client_state === 'ssr');
    if (!spec.restarts) return expect(last.map(value)).toEqual(['EDEAD', 'EDEAD']);
    expect(last.map(value)).toEqual(spec.client_state === 'ssr' ? [1, 2] : [0, 0]);
  });

  it(`ssr_mapped ${spec.ssr_mapped}: the windows the server can read while it serves a request`, () => {
    const { system, probe } = run(mode, () => {});
    expect(probe.visible.length).toBeGreaterThan(0);
    for (const visible of probe.visible) expect(visible).toHaveLength(spec.ssr_mapped === 'own-request' ? 1 : CLIENTS);
    // Without SSRs the windows are the server's own memory: no SSR frame is ever mapped.
    if (spec.ssr_mapped === 'never') expect(system.ssr.stats.maps).toBe(0);
    else expect(system.ssr.stats.maps).toBeGreaterThan(0);
  });

  it(`ssr_checked ${spec.ssr_checked}: a bit flipped in client state at rest is ${spec.ssr_checked ? 'caught (ESTALE)' : 'read as it is'}`, () => {
    const { system, last } = run(mode, flipAtRest);
    if (spec.ssr_checked) {
      expect(value(last[0])).toBe('ESTALE');
      expect(system.ssr.stats.resets).toBe(1);
    } else {
      expect(value(last[0])).toBe(1 ^ 0x80);
      expect(system.ssr.stats.resets).toBe(0);
    }
    expect(value(last[1])).toBe(2);
  });

  it(`restarts ${spec.restarts}: a crashed server ${spec.restarts ? 'is restarted' : 'stays down'}`, () => {
    const { system } = run(mode, crash);
    expect(system.supervisor.events.map((e) => e.outcome)).toEqual([spec.restarts ? 'restarted' : 'down']);
  });

  it(`recover_runs ${spec.recover_runs}: the recovery routine runs ${spec.recover_runs ? 'once after the restart' : 'never'}`, () => {
    const { probe } = run(mode, crash);
    expect(probe.recovers).toBe(spec.recover_runs ? 1 : 0);
  });
});
