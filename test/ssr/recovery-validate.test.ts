// Recovery checks every SSR with the server's `validate`, sealed ones too: a fault inside a request
// can corrupt the state before the reply seals it, and a recovery routine fed that state would
// fail again at every restart until the supervisor gave up on everyone. Here: the top bit of a
// sched client's quantum flipped during its own request (a quantum the kernel refuses), sealed at
// the reply; the next report crashes sched; recovery must reset that SSR, not trust it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runOnce, TRIAL_DEFAULTS, type TrialConfig } from '../../src/campaign/trial.ts';
import type { FaultPlan } from '../../src/faults/model.ts';
import { sameObservation } from '../../src/servers/framework/module.ts';
import { S_QUANTUM } from '../../src/servers/sched/layout.ts';

describe('recovery validates sealed SSRs', () => {
  it('a quantum corrupted inside its own request costs only that client, never the server', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 30 }), fc.integer({ min: 1, max: 12 }), (seed, n) => {
        const cfg: TrialConfig = { target: 'sched', mode: 'curios', commit: 'shadow', workload_seed: seed, clients: 3, ops_per_client: 12, safety_bound_cycles: TRIAL_DEFAULTS.safety_bound_cycles, liveness_bound_cycles: TRIAL_DEFAULTS.liveness_bound_cycles, isolated: true };
        const plan: FaultPlan = { version: 1, faults: [{ server: 'sched', kind: 'bitflip', trigger: { at: 'request', n }, target: 'ssr', offset: S_QUANTUM + 3, bit: 7 }] };
        const golden = runOnce(cfg, null);
        const run = runOnce(cfg, plan);
        expect(run.given_up).toBe(false);
        expect(run.done).toBe(true);
        const hit = new Set(run.fired.flatMap((f) => (f.client === null ? [] : [f.client])));
        const differ = run.records.flatMap((obs, c) => (obs.some((o, i) => !sameObservation(o, golden.records[c][i])) ? [c] : []));
        expect(differ.filter((c) => !hit.has(c))).toEqual([]);
      }),
      { numRuns: 30 },
    );
  });
});
