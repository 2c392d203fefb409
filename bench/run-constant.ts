// The per-run constant cost: what a run costs besides its workload — building the System, reading
// its end state, releasing it. `runOnce` of a one-operation workload (one client), every server ×
// mode in turn, golden runs (no faults): runs per CPU second, the best of three timed rounds after
// a warm-up round. `node --import tsx bench/run-constant.ts 2000` (runs a round); profile it with
// `node --cpu-prof --import tsx bench/run-constant.ts`.
import { runOnce, TRIAL_DEFAULTS, type TrialConfig } from '../src/campaign/trial.ts';
import { targets } from '../src/servers/catalog.ts';
import { MODES } from '../src/ssr/modes.ts';
import { cpuMs } from './cpu-time.ts';

const runs = Number(process.argv[2] ?? 2000);
const configs: TrialConfig[] = targets().flatMap((target) => MODES.map((mode) => ({ ...TRIAL_DEFAULTS, target, mode, commit: 'shadow' as const, workload_seed: 1, clients: 1, ops_per_client: 1 })));
const rates: number[] = [];
for (let round = 0; round < 4; round++) {
  const cpu_start = cpuMs();
  for (let i = 0; i < runs; i++) runOnce(configs[i % configs.length], null);
  if (round > 0) rates.push(runs / ((cpuMs() - cpu_start) / 1000));
}
const best = Math.max(...rates);
console.log(`${runs} one-operation runs a round: best ${best.toFixed(0)} runs per CPU second (${(1e6 / best).toFixed(0)} µs of CPU a run); rounds ${rates.map((r) => r.toFixed(0)).join(', ')}`);
