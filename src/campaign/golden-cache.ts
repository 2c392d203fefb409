// The golden runs a process has made, by their exact configuration. A golden run is a pure
// function of its TrialConfig and of the servers' code, so one made for a cell serves, exactly,
// every other cell with the same configuration: the cells of one server × trial number share
// their workload (campaign.ts), so their arms' golden runs are made once, not once per fault kind.
// It also serves modes the modes table runs alike before a failure (faultFreeKey: none and
// restart): a golden run in which no server failed and no server's code read `env.mode` is the
// run any such mode makes (test/campaign/golden-share.test.ts), so it is kept under their common
// key; a run in which one did is kept for its own mode only.
// A worker keeps one cache for its life; the pool hands it the cells of one group one after the
// other (pool.ts), so a few runs kept are enough. Bounded: the run used longest ago goes first.
import { activeCatalog, type Catalog } from '../servers/catalog.ts';
import type { System } from '../servers/system.ts';
import { faultFreeKey } from '../ssr/modes.ts';
import { runOnce, type RunRecord, type TrialConfig } from './trial.ts';

/** Golden runs one cache keeps: a group's arms (4 in a campaign, 6 in `compare`) with room to spare. */
export const GOLDEN_RUNS_KEPT = 16;

export class GoldenCache {
  /** by exact configuration, or by the key of the modes alike (sharedKey) for a run they all make */
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
    const exact = configKey(config);
    const shared = sharedKey(config);
    for (const key of [exact, shared]) {
      const kept = this.#runs.get(key);
      if (kept === undefined) continue;
      this.served++;
      // Most recently used last: the first key is the one to drop.
      this.#runs.delete(key);
      this.#runs.set(key, kept);
      return kept;
    }
    let alike = false;
    const run = runOnce(config, null, undefined, (system) => void (alike = sameUnderModesAlike(system)));
    this.made++;
    this.#runs.set(alike ? shared : exact, run);
    if (this.#runs.size > this.runs_kept) this.#runs.delete(this.#runs.keys().next().value as string);
    return run;
  }
}

/** Whether a finished golden run is the run every mode alike to its own makes: no server failed (the supervisor recorded nothing), the kernel did not panic, and no server's code read `env.mode`. */
function sameUnderModesAlike(system: System): boolean {
  return system.supervisor.events_total === 0 && system.kernel.panic_reason === null && !system.mode_read;
}

/** Every field of a configuration, in one order whatever order the object was built in. */
function configKey(config: TrialConfig): string {
  return JSON.stringify(Object.entries(config).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The key of a run shared by the modes alike to the config's (its mode replaced by what they do before a failure). */
function sharedKey(config: TrialConfig): string {
  return configKey({ ...config, mode: `alike:${faultFreeKey(config.mode)}` as TrialConfig['mode'] });
}
