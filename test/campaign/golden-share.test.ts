// Golden runs shared between modes (golden-cache.ts): two modes alike in what acts before a failure
// (FAULT_FREE_FIELDS of the modes table: none and restart) run a failure-free run alike, so the
// cache serves a golden run made under one to the other — unless a server failed in it (then the
// modes part) or a server's code read `env.mode`. The property: whatever the cache serves, under
// either mode and in either order, is the run made afresh under that mode — the whole run record
// (trace hash, observations, end state, recovery events, reach) — over random servers, built-in
// and users' (config files), seeds, workload sizes and client counts. It fails if the modes differ:
// test/fixtures/mode-aware holds a server that reads `env.mode` and one that fails with no fault,
// whose runs under none and restart do differ, and the cache must keep them apart.
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/campaign/config-file.ts';
import { GoldenCache } from '../../src/campaign/golden-cache.ts';
import { runOnce, TRIAL_DEFAULTS, type TrialConfig } from '../../src/campaign/trial.ts';
import { activeCatalog, targets, useCatalog } from '../../src/servers/catalog.ts';
import { faultFreeKey, MODES, type Mode } from '../../src/ssr/modes.ts';

const fixture = (path: string) => fileURLToPath(new URL(path, import.meta.url));
/** The built-in servers, then each users' config of the examples and fixtures with servers that run a workload. */
const CATALOGS: { name: string; config: string | null }[] = [
  { name: 'built-in', config: null },
  { name: 'examples/kv', config: fixture('../../examples/kv/curios.config.ts') },
  { name: 'fixtures/fragile', config: fixture('../fixtures/fragile/curios.config.ts') },
  { name: 'fixtures/sited', config: fixture('../fixtures/sited/curios.config.ts') },
  { name: 'fixtures/mode-aware', config: fixture('../fixtures/mode-aware/curios.config.ts') },
];
/** The servers whose golden runs under none and restart differ (test/fixtures/mode-aware): moody always, brittle once it has served three requests. */
const MODE_AWARE = ['moody', 'brittle'];

/** Every ordered pair of distinct modes the table runs alike before a failure. */
const ALIKE: [Mode, Mode][] = MODES.flatMap((a) => MODES.filter((b) => b !== a && faultFreeKey(b) === faultFreeKey(a)).map((b): [Mode, Mode] => [a, b]));

const configOf = (target: string, mode: Mode, workload_seed: number, clients: number, ops_per_client: number, isolated: boolean): TrialConfig => ({ target, mode, commit: 'shadow', workload_seed, clients, ops_per_client, safety_bound_cycles: TRIAL_DEFAULTS.safety_bound_cycles, liveness_bound_cycles: TRIAL_DEFAULTS.liveness_bound_cycles, isolated });

describe('golden runs shared between modes', () => {
  const builtIn = activeCatalog();
  afterAll(() => useCatalog(builtIn));

  it('pairs the modes the table runs alike before a failure: none and restart', () => {
    expect(ALIKE).toEqual([
      ['none', 'restart'],
      ['restart', 'none'],
    ]);
  });

  for (const { name, config } of CATALOGS) {
    it(`serves under each mode the run made afresh under it (${name} servers)`, async () => {
      useCatalog(config === null ? builtIn : await loadCatalog(config));
      const servers = config === null ? targets() : targets().filter((t) => !builtIn.has(t));
      let shared = 0;
      let apart = 0;
      fc.assert(
        fc.property(fc.constantFrom(...servers), fc.constantFrom(...ALIKE), fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 8 }), fc.boolean(), (target, [a, b], seed, clients, ops, isolated) => {
          const cache = new GoldenCache();
          const first = configOf(target, a, seed, clients, ops, isolated);
          const second = configOf(target, b, seed, clients, ops, isolated);
          const run = cache.golden(first);
          expect(run).toEqual(runOnce(first, null));
          expect(cache.golden(second)).toEqual(runOnce(second, null));
          if (cache.made === 1) shared++;
          else apart++;
          // A run in which a server failed, or moody read env.mode (at its first request), is never shared.
          if (run.events.length > 0 || target === 'moody') expect(cache.made).toBe(2);
        }),
        { numRuns: config === null ? 30 : 12 },
      );
      // The built-in servers never read env.mode nor fail with no fault: every pair is shared.
      if (config === null) expect(apart).toBe(0);
      if (name === 'fixtures/mode-aware') expect(apart).toBeGreaterThan(0);
      else expect(shared).toBeGreaterThan(0);
    }, 120_000);
  }

  it('would be wrong without its checks: the mode-aware servers do run differently under none and restart', async () => {
    useCatalog(await loadCatalog(fixture('../fixtures/mode-aware/curios.config.ts')));
    for (const target of MODE_AWARE) {
      const none = runOnce(configOf(target, 'none', 1, 2, 4, true), null);
      const restart = runOnce(configOf(target, 'restart', 1, 2, 4, true), null);
      expect(none.traceHash).not.toBe(restart.traceHash);
      expect(none.records).not.toEqual(restart.records);
    }
  });
});
