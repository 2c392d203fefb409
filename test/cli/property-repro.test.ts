// A property that fails prints the trial that reproduces it: test/campaign/properties.test.ts
// logs `reproduce with: curios replay --trial FILE, FILE = {…}` through fc.context(). Round trip:
// a property fails the same way, the trial is taken out of fast-check's report as a person would
// copy it, and `curios replay --trial` of it must be the very trial that failed — its outcome and
// trace hash — including the properties' isolated workloads (config.isolated).
import { realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { classifyOutcome } from '../../src/campaign/classify.ts';
import { runOnce, TRIAL_DEFAULTS, type TrialConfig } from '../../src/campaign/trial.ts';
import type { FaultPlan } from '../../src/faults/model.ts';
import { makeWorkDir, runCli } from '../helpers/cli.ts';

const dir = realpathSync(makeWorkDir());

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The trial in a fast-check failure report whose context logged `… FILE = {json}`. */
function trialFromReport(report: string): { config: TrialConfig; plan: FaultPlan } {
  const logs = /^Counterexample: \[.*,\{"logs":(\[.*\])\}\]$/m.exec(report);
  if (logs === null) throw new Error(`no context logs in the report:\n${report}`);
  const line = (JSON.parse(logs[1]) as string[]).find((l) => l.includes(' FILE = '));
  if (line === undefined) throw new Error(`no "FILE = " line in the logs: ${logs[1]}`);
  return JSON.parse(line.slice(line.indexOf(' FILE = ') + ' FILE = '.length)) as { config: TrialConfig; plan: FaultPlan };
}

describe('the reproduction a failing property prints', { tags: ['slow'] }, () => {
  it('replays with the command as the trial that failed', async () => {
    // A false claim, as the properties state theirs: restart mode hides a crash of fs.
    let report = '';
    try {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 2 ** 30 }), fc.integer({ min: 4, max: 24 }), fc.context(), (seed, n, ctx) => {
          const config: TrialConfig = { target: 'fs', mode: 'restart', commit: 'shadow', workload_seed: seed, clients: 3, ops_per_client: 12, safety_bound_cycles: TRIAL_DEFAULTS.safety_bound_cycles, liveness_bound_cycles: TRIAL_DEFAULTS.liveness_bound_cycles, isolated: true };
          const plan: FaultPlan = { version: 1, faults: [{ server: 'fs', kind: 'crash', trigger: { at: 'request', n } }] };
          ctx.log(`reproduce with: curios replay --trial FILE, FILE = ${JSON.stringify({ config, plan })}`);
          expect(['not-activated', 'masked', 'recovered']).toContain(classifyOutcome(runOnce(config, null), runOnce(config, plan)).outcome);
        }),
        { seed: 7, numRuns: 20 },
      );
    } catch (e) {
      report = e instanceof Error ? e.message : String(e);
    }
    const trial = trialFromReport(report);
    expect(trial.config.isolated).toBe(true);
    const run = runOnce(trial.config, trial.plan);
    const outcome = classifyOutcome(runOnce(trial.config, null), run).outcome;
    expect(['not-activated', 'masked', 'recovered']).not.toContain(outcome);

    writeFileSync(join(dir, 'trial.json'), JSON.stringify(trial));
    const r = await runCli(['replay', '--trial', 'trial.json', '--json'], dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ outcome, traceHash: run.traceHash, reproduced: null });
  });
});
