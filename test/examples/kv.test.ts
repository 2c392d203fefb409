// examples/kv, as its user runs it and below: a campaign and a compare over kv through the command
// line (its config found in its folder), asserting that curios mode shows no collateral damage for
// crashes and wild writes into other clients' state; and, on a System of its own, that the global
// key count kv keeps in its heap agrees with the clients' tables after a restart rebuilt it.
import fc from 'fast-check';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { kvModule, type KvState } from '../../examples/kv/workload.ts';
import type { Row } from '../../src/campaign/result-types.ts';
import { runWithFaults } from '../../src/faults/run.ts';
import type { Observation } from '../../src/servers/framework/module.ts';
import { System } from '../../src/servers/system.ts';
import { makeWorkload, modelObservations, workloadProgram } from '../../src/servers/workload.ts';
import type { Mode } from '../../src/ssr/modes.ts';
import { runCli } from '../helpers/cli.ts';

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
    const r = await runCli(['compare', '--servers', 'kv', '--faults', 'crash', '--trials', '6', '--workers', '1', '--no-store'], KV_DIR);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^kv +crash +\d+ /m);
    expect(r.stdout).toMatch(/none strict\/lenient +restart strict\/lenient +persist strict\/lenient +curios strict\/lenient/);
  });
});

/** A kv system of `clients` clients sharing the count (not isolated), crashed at its n-th request. */
function crashedKv(mode: Mode, seed: number, request: number): { state: KvState; records: Observation[][]; model: (Observation | null)[][] } {
  const workload = makeWorkload({ seed, clients: 3, ops_per_client: 24, modules: [kvModule] });
  const modules = new Map([['kv', kvModule]]);
  const records: Observation[][] = workload.map(() => []);
  const system = new System({ mode, servers: [kvModule.def], clients: workload.map((ops, c) => workloadProgram(modules, ops, records[c])) });
  runWithFaults(system, { version: 1, faults: [{ server: 'kv', kind: 'crash', trigger: { at: 'request', n: request } }] }, { seed, until_cycles: 20_000_000 });
  expect(system.clientsDone()).toBe(true);
  return { state: kvModule.inspect?.(system) as KvState, records, model: modelObservations(modules, workload, system.requests.order) };
}

describe('kv: the global count after a restart', () => {
  it.each<Mode>(['persist', 'curios'])('%s: recover rebuilds the count from every client\'s table, whatever request the crash hit', (mode) => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 30 }), fc.integer({ min: 1, max: 60 }), (seed, request) => {
        const { state } = crashedKv(mode, seed, request);
        const used = state.tables.map((t) => t?.used ?? 0);
        expect(state.tables.every((t) => t !== null && t.used === t.entries.length)).toBe(true);
        expect(state.count).toBe(used.reduce((a, b) => a + b, 0));
      }),
      { numRuns: 25 },
    );
  });

  it('curios: every client observes exactly what the reference model says, counts included (never a lost or a doubled key)', () => {
    // Shadow commit retries the crashed request from clean state, and recover recounts: a client
    // that asks `count` sees what the fault-free model says at that point of the linearization.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 30 }), fc.integer({ min: 1, max: 60 }), (seed, request) => {
        const { records, model } = crashedKv('curios', seed, request);
        expect(records).toEqual(model);
      }),
      { numRuns: 25 },
    );
  });
});
