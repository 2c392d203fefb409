// The golden runs a process has made, by their exact configuration. A golden run is a pure
// function of its TrialConfig and of the servers' code, so one made for a cell serves, exactly,
// every other cell with the same configuration: the cells of one server × trial number share
// their workload (campaign.ts), so their arms' golden runs are made once, not once per fault kind.
// A worker keeps one cache for its life; the pool hands it the cells of one group one after the
// other (pool.ts), so a few runs kept are enough. Bounded: the run used longest ago goes first.
import { activeCatalog, type Catalog } from '../servers/catalog.ts';
import { runOnce, type RunRecord, type TrialConfig } from './trial.ts';

/** Golden runs one cache keeps: a group's arms (4 in a campaign, 6 in `compare`) with room to spare. */
export const GOLDEN_RUNS_KEPT = 16;

export class GoldenCache {
  readonly #runs = new Map<string, RunRecord>();
  /** the servers the kept runs ran (a process that changes its catalog starts afresh) */
  #catalog: Catalog | null = null;
  /** golden runs made (misses) and served again (hits), for the benchmarks */
  made = 0;
  served = 0;

  constructor(readonly runs_kept: number = GOLDEN_RUNS_KEPT) {
    if (!Number.isSafeInteger(runs_kept) || runs_kept < 1) throw new Error(`a golden cache keeps at least one run, not ${runs_kept}`);
  }

  /** The golden run of `config`: kept, or made now. A RunRecord is never changed once made, so sharing it is safe. */
  golden(config: TrialConfig): RunRecord {
    if (this.#catalog !== activeCatalog()) {
      this.#runs.clear();
      this.#catalog = activeCatalog();
    }
    const key = configKey(config);
    const kept = this.#runs.get(key);
    if (kept !== undefined) {
      this.served++;
      // Most recently used last: the first key is the one to drop.
      this.#runs.delete(key);
      this.#runs.set(key, kept);
      return kept;
    }
    const run = runOnce(config, null);
    this.made++;
    this.#runs.set(key, run);
    if (this.#runs.size > this.runs_kept) this.#runs.delete(this.#runs.keys().next().value as string);
    return run;
  }
}

/** Every field of a configuration, in one order whatever order the object was built in. */
function configKey(config: TrialConfig): string {
  return JSON.stringify(Object.entries(config).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
