// Shrinking a failing trial to a minimal reproduction, with fast-check's own shrinkers: fewer
// faults, then each fault shrunk through its arbitrary (earlier triggers, smaller offsets, lower
// bits), then a shorter workload. A candidate is kept when it still gives the same outcome; the
// search is greedy and bounded, and every step is deterministic.
import fc from 'fast-check';
import { faultArb } from '../faults/arbitraries.ts';
import type { Fault, FaultPlan } from '../faults/model.ts';
import { classifyOutcome } from './classify.ts';
import type { Outcome } from './result-types.ts';
import { runTrial, type TrialConfig } from './trial.ts';
import { GoldenCache } from './golden-cache.ts';
import { profileFor } from '../servers/catalog.ts';

export interface Shrunk {
  config: TrialConfig;
  plan: FaultPlan;
  outcome: Outcome;
  traceHash: string;
  attempts: number;
}

export const SHRINK_ATTEMPTS_MAX = 200;

/**
 * `onRun` is told of every candidate run (a worker's sign of life to the pool's watchdog).
 * Most candidates change only the plan, so their golden runs come from `goldens` (exact: a golden
 * run is a pure function of its configuration); a worker passes its own, which already holds the
 * found trial's.
 */
export function shrinkTrial(config: TrialConfig, plan: FaultPlan, outcome: Outcome, attempts_max = SHRINK_ATTEMPTS_MAX, onRun?: () => void, goldens: GoldenCache = new GoldenCache()): Shrunk {
  let best = { config, plan };
  let bestHash = runTrial(config, plan, goldens.golden(config)).traceHash;
  let attempts = 0;
  const reproduces = (c: TrialConfig, p: FaultPlan): string | null => {
    attempts++;
    onRun?.();
    const golden = goldens.golden(c);
    const run = runTrial(c, p, golden);
    return classifyOutcome(golden, run).outcome === outcome ? run.traceHash : null;
  };
  let progress = true;
  while (progress && attempts < attempts_max) {
    progress = false;
    for (const candidate of candidates(best.config, best.plan)) {
      if (attempts >= attempts_max) break;
      const hash = reproduces(candidate.config, candidate.plan);
      if (hash !== null) {
        best = candidate;
        bestHash = hash;
        progress = true;
        break;
      }
    }
  }
  return { config: best.config, plan: best.plan, outcome, traceHash: bestHash, attempts };
}

function* candidates(config: TrialConfig, plan: FaultPlan): Generator<{ config: TrialConfig; plan: FaultPlan }> {
  // Fewer faults.
  if (plan.faults.length > 1) for (let i = 0; i < plan.faults.length; i++) yield { config, plan: { version: 1, faults: plan.faults.filter((_, j) => j !== i) } };
  // Each fault, shrunk by its own arbitrary.
  for (let i = 0; i < plan.faults.length; i++) {
    const f = plan.faults[i];
    for (const smaller of shrinkFault(f, sitesOf(config.target, f.server))) yield { config, plan: { version: 1, faults: plan.faults.map((g, j) => (j === i ? smaller : g)) } };
  }
  // A shorter workload, fewer clients.
  for (const ops of fc.integer({ min: 1, max: config.ops_per_client }).shrink(config.ops_per_client, undefined).take(8)) yield { config: { ...config, ops_per_client: ops.value }, plan };
  if (config.clients > 2) yield { config: { ...config, clients: config.clients - 1 }, plan };
}

function shrinkFault(f: Fault, sites: readonly string[]): Fault[] {
  const arb = faultArb(f.server, f.kind, sites);
  if (!arb.canShrinkWithoutContext(f)) return [];
  return [...arb.shrink(f, undefined).take(16)].map((v) => v.value);
}

/**
 * The sites the fault's server declares (`sites` in its defineServer), from the catalog in use —
 * the built-in servers and those of the user's config alike (a worker loads the config first) —
 * so that a site trigger shrinks among that server's own sites.
 */
function sitesOf(target: string, server: string): readonly string[] {
  return profileFor(target).servers.find((d) => d.name === server)?.sites ?? [];
}
