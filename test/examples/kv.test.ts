// examples/kv, as its user runs it and below: a campaign and a compare over kv through the command
// line (its config found in its folder), asserting that curios mode shows no collateral damage for
// crashes and wild writes into other clients' state; and, on a System of its own, that every count
// a client reads after a crash is the reference model's: recover rebuilt the global count from the
// clients' tables; and its inspector, which the end-state oracle reads.
import fc from 'fast-check';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KEYS_MAX } from '../../examples/kv/server.ts';
import { kvModule } from '../../examples/kv/workload.ts';
import type { Row } from '../../src/campaign/result-types.ts';
import { runWithFaults } from '../../src/faults/run.ts';
import type { Observation } from '../../src/servers/framework/module.ts';
import { System } from '../../src/servers/system.ts';
import { makeWorkload, modelObservations, workloadProgram } from '../../src/servers/workload.ts';
import { HEAP_BASE } from '../../src/ssr/layout.ts';
import type { Mode } from '../../src/ssr/modes.ts';
import { runCli } from '../helpers/cli.ts';
import { latentDifferences } from '../../src/campaign/oracle.ts';
import { copyToSpace } from '../../src/kernel/copy.ts';
import { readEndState } from '../../src/servers/end-state.ts';
import { bytesInspector } from '../../src/servers/framework/inspector.ts';

const KV_DIR = fileURLToPath(new URL('../../examples/kv/', import.meta.url));

describe('examples/kv through the command line', { tags: ['slow'] }, () => {
  it('campaign: under curios, crashes and wild writes cause no collateral damage and no silent corruption', async () => {
    const r = await runCli(['campaign', '--servers', 'kv', '--faults', 'crash,wild-write', '--modes', 'persist,curios', '--trials', '40', '--workers', '2', '--no-store', '--format', 'json'], KV_DIR);
    expect(r.code, r.stderr).toBe(0);
    const rows = (JSON.parse(r.stdout) as { rows: Row[] }).rows;
    for (const fault of ['crash', 'wild-write']) {
      const curios = rows.find((x) => x.server === 'kv' && x.fault === fault && x.mode === 'curios');
      expect(curios, fault).toBeDefined();
      expect(curios?.manifested, fault).toBeGreaterThan(0);
      expect(curios?.outcomes['degraded-collateral'], fault).toBe(0);
      expect(curios?.outcomes['silent-corruption'], fault).toBe(0);
      expect(curios?.outcomes.failed, fault).toBe(0);
    }
  });

  it('compare: kv side by side under every mode', async () => {
    const r = await runCli(['compare', '--servers', 'kv', '--faults', 'crash', '--trials', '6', '--workers', '1', '--no-store', '--format', 'json'], KV_DIR);
    expect(r.code, r.stderr).toBe(0);
    const compared = JSON.parse(r.stdout) as { modes: string[]; rows: { server: string; fault: string; modes: Record<string, { n: number; strict: number | null }> }[] };
    expect(compared.modes).toEqual(['none', 'restart', 'persist/shadow', 'persist/in-place', 'curios/shadow', 'curios/in-place']);
    const row = compared.rows.find((x) => x.server === 'kv' && x.fault === 'crash');
    expect(row?.modes['curios/shadow'].n).toBeGreaterThan(0);
    // A crash under curios with shadow commit: the state survives, the call is retried — every manifested trial recovers.
    expect(row?.modes['curios/shadow'].strict).toBe(1);
  });
});

/** A kv system of three clients sharing the count (not isolated), crashed at its n-th request: what each client saw, and what the reference model says it should have. */
function crashedKv(mode: Mode, seed: number, request: number): { records: Observation[][]; model: (Observation | null)[][] } {
  const workload = makeWorkload({ seed, clients: 3, ops_per_client: 24, modules: [kvModule] });
  const modules = new Map([['kv', kvModule]]);
  const records: Observation[][] = workload.map(() => []);
  const system = new System({ mode, servers: [kvModule.def], clients: workload.map((ops, c) => workloadProgram(modules, ops, records[c])) });
  runWithFaults(system, { version: 1, faults: [{ server: 'kv', kind: 'crash', trigger: { at: 'request', n: request } }] }, { seed, until_cycles: 20_000_000 });
  expect(system.clientsDone()).toBe(true);
  return { records, model: modelObservations(modules, workload, system.requests.order) };
}

describe('kv: the global count after a restart', () => {
  it('the workload asks for the count when clients are not isolated (so the properties below read it)', () => {
    const ops = makeWorkload({ seed: 1, clients: 3, ops_per_client: 24, modules: [kvModule] }).flat();
    expect(ops.some((op) => op.op === 'count')).toBe(true);
  });

  it.each<Mode>(['persist', 'curios'])('%s: every client observes exactly what the reference model says, counts included — recover rebuilds the count, and the crashed call is retried', (mode) => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 30 }), fc.integer({ min: 1, max: 60 }), (seed, request) => {
        const { records, model } = crashedKv(mode, seed, request);
        expect(records).toEqual(model);
      }),
      { numRuns: 25 },
    );
  });

  it('restart: without SSRs the tables are lost, and the model no longer holds (what curios fixes)', () => {
    const differs = [1, 2, 3, 4, 5].some((seed) => {
      const { records, model } = crashedKv('restart', seed, 30);
      return JSON.stringify(records) !== JSON.stringify(model);
    });
    expect(differs).toBe(true);
  });
});

/** kv's global count and the keys its clients' tables hold, read from outside (the trusted base looking in, at no cost). */
function kvCounts(system: System): { count: number; keys: number } {
  const heap = system.readServerMemory('kv', HEAP_BASE, 4);
  if (heap === null) throw new Error('kv is down');
  const task = system.serverTask('kv');
  let keys = 0;
  for (let c = 0; c < system.clientTasks.length; c++) {
    const at = system.ssr.statePhysAddr(task, c, 0);
    if (at === null) continue;
    const table = new DataView(system.machine.memory.bytes.buffer, system.machine.memory.bytes.byteOffset + at, kvModule.def.state_bytes);
    for (let i = 0; i < KEYS_MAX; i++) if (table.getUint32(4 + 8 * i, true) !== 0) keys++;
  }
  return { count: new DataView(heap.buffer, heap.byteOffset, 4).getUint32(0, true), keys };
}

/** kv under curios with one flip at rest in the victim's entry count (byte 0 of its table): its checksum fails at its next call, and its SSR is reset. */
function resetKv(seed: number, at_cycles: number, victim: number): { count: number; keys: number; resets: number } {
  const workload = makeWorkload({ seed, clients: 3, ops_per_client: 24, modules: [kvModule] });
  const modules = new Map([['kv', kvModule]]);
  const system = new System({ mode: 'curios', servers: [kvModule.def], clients: workload.map((ops) => workloadProgram(modules, ops, [])) });
  const plan = { version: 1 as const, faults: [{ server: 'kv', kind: 'bitflip' as const, trigger: { at: 'time' as const, cycles: at_cycles }, target: 'ssr' as const, offset: victim * kvModule.def.state_bytes, bit: 0 }] };
  runWithFaults(system, plan, { seed, until_cycles: 20_000_000 });
  expect(system.clientsDone()).toBe(true);
  // A reset found at a client's last call leaves kv's hook pending: the step every trial takes
  // before reading end states runs it.
  system.runPendingResetHooks();
  return { ...kvCounts(system), resets: system.ssr.stats.resets };
}

describe("kv: the global count after one client's SSR is reset", () => {
  // The counterexample that once kept this skipped — [seed 0, flip at 49231 cycles, client 2]: the reset was
  // found at client 2's last call, no message followed, so kv's hook had not run yet when the
  // tables were read (System.runPendingResetHooks now runs it before reading).
  it("curios: onClientReset takes the reset client's keys out of the global count, which agrees with the tables at the end", () => {
    let resets = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 30 }), fc.integer({ min: 28_000, max: 48_000 }), fc.nat({ max: 2 }), (seed, at_cycles, victim) => {
        const r = resetKv(seed, at_cycles, victim);
        resets += r.resets;
        expect(r.count).toBe(r.keys);
      }),
      { numRuns: 25 },
    );
    // The property is about resets: most runs must have had one. The window is where a flip lands
    // while every client still has calls to make (runs of this workload end near 50,000 cycles,
    // and client 2's SSR may not exist before 28,000): about 9 in 10 flips there are found and
    // reset, so 10 or fewer of 25 would take a one-in-a-billion draw. The old window, 20,000 to
    // 60,000, found a reset in only about 6 in 10 and failed this count about once in 30 runs.
    expect(resets).toBeGreaterThan(10);
  });
});

describe("kv's inspector (the end-state oracle's view of a user's server)", () => {
  it('finds a fault-free end state the golden one, and names a count that no longer agrees with the tables', () => {
    const finished = () => {
      const workload = makeWorkload({ seed: 3, clients: 3, ops_per_client: 24, modules: [kvModule], isolated: true });
      const modules = new Map([['kv', kvModule]]);
      const system = new System({ mode: 'curios', servers: [kvModule.def], clients: workload.map((ops) => workloadProgram(modules, ops, [])) });
      system.runClients(20_000_000);
      return system;
    };
    const inspectors = new Map([['kv', kvModule.inspector ?? bytesInspector]]);
    const golden = readEndState(finished(), inspectors);
    const system = finished();
    expect(latentDifferences(golden, readEndState(system, inspectors))).toEqual([]);
    const heap = system.readServerMemory('kv', HEAP_BASE, 4);
    const count = heap === null ? 0 : new DataView(heap.buffer).getUint32(0, true);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, count + 1, true);
    expect(copyToSpace(system.machine, system.serverTask('kv').as, HEAP_BASE, bytes)).toBe(true);
    expect(latentDifferences(golden, readEndState(system, inspectors))).toEqual([`kv: count ${count + 1}, the tables hold ${count} keys`]);
  });
});
