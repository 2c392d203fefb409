// Running a system with a fault plan, for a user's own test: the one thing `system.runClients()`
// does not do is tick the injector, and without ticks a time-triggered fault (`{ at: 'time' }`)
// never fires. Campaigns, the demo and the dashboard run this way; so should a test of your own.
import type { Cycles } from '../hw/types.ts';
import type { RunStop } from '../kernel/kernel.ts';
import type { System } from '../servers/system.ts';
import { FaultInjector } from './injector.ts';
import type { FaultPlan } from './model.ts';

export interface FaultRun {
  /** what fired, where and when (`injector.fired`) */
  injector: FaultInjector;
  /** why the run stopped */
  stop: RunStop;
}

/**
 * Attaches an injector for `plan` to `system` (it stays attached: `injector.detach()` to run on
 * without faults) and runs until every client has finished, or until
 * `until_cycles` of virtual time: between scheduling steps it ticks the injector, so that faults
 * triggered by time fire as well as those triggered by requests, accesses and sites. `seed` drives
 * the injector's own draws (injection sites).
 */
export function runWithFaults(system: System, plan: FaultPlan, opts: { seed: number; until_cycles: Cycles }): FaultRun {
  const injector = new FaultInjector(plan, opts.seed).attach(system);
  const stop = system.run({ until: () => (injector.tick(), system.clientsDone()), until_cycles: opts.until_cycles });
  return { injector, stop };
}
