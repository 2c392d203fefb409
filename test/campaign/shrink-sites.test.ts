// Shrinking a fault at a user server's own injection site (test/fixtures/sited, registered through
// a config file as a user's server is): the shrunk fault names one of the sites that server
// declares, and the shrink goes below the plan it started from (an earlier site, lower chances).
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyOutcome } from '../../src/campaign/classify.ts';
import { loadCatalog } from '../../src/campaign/config-file.ts';
import { shrinkTrial } from '../../src/campaign/shrink.ts';
import { runOnce, runTrial, TRIAL_DEFAULTS, type TrialConfig } from '../../src/campaign/trial.ts';
import type { FaultPlan } from '../../src/faults/model.ts';
import { activeCatalog, Catalog, useCatalog } from '../../src/servers/catalog.ts';
import { SITED_SITES } from '../fixtures/sited/sited-server.ts';

const CONFIG = fileURLToPath(new URL('../fixtures/sited/curios.config.ts', import.meta.url));

describe("shrinking a fault at a user server's own site", () => {
  const builtIn = activeCatalog();
  beforeAll(async () => useCatalog(await loadCatalog(CONFIG)));
  afterAll(() => useCatalog(builtIn));

  it('keeps to the sites the server declares and shrinks the plan', () => {
    expect(new Catalog().has('sited')).toBe(false);
    const config: TrialConfig = { target: 'sited', mode: 'none', commit: 'shadow', workload_seed: 4, clients: 2, ops_per_client: 6, safety_bound_cycles: TRIAL_DEFAULTS.safety_bound_cycles, liveness_bound_cycles: TRIAL_DEFAULTS.liveness_bound_cycles, isolated: true };
    const plan: FaultPlan = {
      version: 1,
      faults: [
        { server: 'sited', kind: 'crash', trigger: { at: 'site', name: 'after-total', p_on: 1, p_fire: 0.9 } },
      ],
    };
    const golden = runOnce(config, null);
    const outcome = classifyOutcome(golden, runTrial(config, plan, golden)).outcome;
    expect(outcome).toBe('failed');
    const shrunk = shrinkTrial(config, plan, outcome);
    expect(shrunk.outcome).toBe('failed');
    // A site trigger shrinks through the arbitrary of this server's own sites: toward its first
    // declared site and lower chances. (Looked up among the built-in servers, it found no site
    // and the fault could not shrink at all.)
    expect(shrunk.plan).not.toEqual(plan);
    expect(shrunk.plan.faults).toHaveLength(1);
    const [f] = shrunk.plan.faults;
    expect(f.trigger.at).toBe('site');
    if (f.trigger.at !== 'site') return;
    expect(SITED_SITES).toContain(f.trigger.name);
    expect(f.trigger.name === SITED_SITES[0] || f.trigger.p_on < 1 || f.trigger.p_fire < 0.9).toBe(true);
    // the shrunk trial reproduces on its own
    const again = runOnce(shrunk.config, shrunk.plan);
    expect(again.traceHash).toBe(shrunk.traceHash);
  });
});
