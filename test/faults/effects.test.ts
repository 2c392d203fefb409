// Fault effects: a bit flip of another client's state hits the frame that holds it, whether it is
// mapped or not — under curios it is not, and its checksum finds it at that client's next request.
import { describe, expect, it } from 'vitest';
import { classifyOutcome } from '../../src/campaign/classify.ts';
import { runOnce, TRIAL_DEFAULTS, type TrialConfig } from '../../src/campaign/trial.ts';
import type { FaultPlan } from '../../src/faults/model.ts';
import type { Mode } from '../../src/ssr/modes.ts';

function config(target: string, mode: Mode): TrialConfig {
  return { target, mode, commit: 'shadow', workload_seed: 5, clients: 3, ops_per_client: 8, safety_bound_cycles: TRIAL_DEFAULTS.safety_bound_cycles, liveness_bound_cycles: TRIAL_DEFAULTS.liveness_bound_cycles, isolated: true };
}

describe('a flip of another client\'s SSR inside a request', () => {
  const plan = (server: string): FaultPlan => ({ version: 1, faults: [{ server, kind: 'bitflip', trigger: { at: 'request', n: 4 }, target: 'other-ssr', offset: 1, bit: 0 }] });

  it.each(['prng', 'timer'])('%s: fires under every mode, on the other client', (server) => {
    for (const mode of ['none', 'restart', 'persist', 'curios'] as const) {
      const run = runOnce(config(server, mode), plan(server));
      expect(run.fired, mode).toHaveLength(1);
      expect(run.fired[0].client, mode).not.toBeNull();
    }
  });

  it.each(['prng', 'timer'])('%s, curios: the SSR was unmapped; its checksum finds the flip at its next use and only its client is told', (server) => {
    const cfg = config(server, 'curios');
    const golden = runOnce(cfg, null);
    const run = runOnce(cfg, plan(server));
    expect(run.ssr_resets).toBe(1);
    const c = classifyOutcome(golden, run);
    expect(c.outcome).toBe('degraded');
    expect(c.hit).toEqual([run.fired[0].client]);
  });
});
