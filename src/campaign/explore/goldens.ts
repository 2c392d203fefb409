// An exploration's golden runs come from a worker process. Its space (which requests, accesses,
// sites and words a fault can take) is read off each mode's fault-free run; were that run made
// in the main process, a user's server that loops or allocates without any fault would stop the
// command itself. Each mode's golden run is made once in a worker of its own under the host
// limits (a wall-clock budget and the worker's heap), and handed to this process (adoptGolden),
// which then never runs the server.
import { trialBudgetMs, type HostLimit } from '../host-limits.ts';
import { exploreGoldenIsolated } from '../pool.ts';
import type { ExploreConfig } from './config.ts';
import { adoptGolden } from './trials.ts';

/** A fault-free run of the explored server broke a host limit: there is no space to explore. */
export class GoldenHostLimitError extends Error {
  constructor(
    readonly mode: string,
    readonly limit: HostLimit,
  ) {
    super(`the fault-free run of the explored server under ${mode} broke a host limit (${limit}): with no golden run there is no fault space to explore`);
    this.name = 'GoldenHostLimitError';
  }
}

/** Makes every mode's golden run in a worker and hands it to this process; `budget_ms` null: the default trial budget. */
export async function adoptGoldens(cfg: ExploreConfig, budget_ms: number | null): Promise<void> {
  for (const mode of cfg.modes) {
    const r = await exploreGoldenIsolated(cfg, mode, budget_ms ?? trialBudgetMs(null));
    if ('limit' in r) throw new GoldenHostLimitError(mode, r.limit);
    adoptGolden(cfg, mode, r.answer);
  }
}
