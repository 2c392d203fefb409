// What recording a golden run's access kinds costs (Reach.access_kinds, where regflips and wild
// writes are placed: docs/fault-model.md). A golden run (`runOnce(config, null)`) records them with
// the memory hook on its target's task; the same run with an empty plan records nothing. Both over
// the standard campaign's workloads (seed 77, 3 clients × 16 operations, every server, under
// restart, persist and curios: the golden runs a group makes), alternated in slices so that both
// see the same load; CPU time of this process. `npx tsx bench/golden-kinds.ts 20` (slices).
import { runOnce, TRIAL_DEFAULTS, type TrialConfig } from '../src/campaign/trial.ts';
import { deriveSeed } from '../src/hw/seed.ts';
import { targets } from '../src/servers/catalog.ts';
import type { FaultPlan } from '../src/faults/model.ts';
import { cpuMs } from './cpu-time.ts';

const slices = Number(process.argv[2] ?? 20);
const TRIALS_PER_SLICE = 2;
const MODES_MADE = ['restart', 'persist', 'curios'] as const;
const EMPTY: FaultPlan = { version: 1, faults: [] };

function configs(slice: number): TrialConfig[] {
  return targets().flatMap((target) =>
    Array.from({ length: TRIALS_PER_SLICE }, (_, i) => slice * TRIALS_PER_SLICE + i).flatMap((trial) =>
      MODES_MADE.map((mode) => ({ ...TRIAL_DEFAULTS, target, mode, commit: 'shadow' as const, workload_seed: deriveSeed(77, `workload/${target}/${trial}`), isolated: true })),
    ),
  );
}

const total = { recorded: 0, plain: 0 };
let runs = 0;
for (let slice = -2; slice < slices; slice++) {
  const batch = configs(Math.max(0, slice));
  for (const side of slice % 2 === 0 ? (['recorded', 'plain'] as const) : (['plain', 'recorded'] as const)) {
    const start = cpuMs();
    for (const c of batch) runOnce(c, side === 'recorded' ? null : EMPTY);
    // (the first two slices warm the compiler up, uncounted)
    if (slice >= 0) total[side] += cpuMs() - start;
  }
  if (slice >= 0) runs += batch.length;
}
console.log(`${runs} golden runs each way: ${(total.recorded / runs).toFixed(3)} ms of CPU with the access kinds recorded, ${(total.plain / runs).toFixed(3)} ms without; ×${(total.recorded / total.plain).toFixed(3)}`);
