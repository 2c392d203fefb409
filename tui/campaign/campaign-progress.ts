// A campaign watched as it runs: its cells go to the worker pool in chunks, and after each chunk
// the outcome table and the recovery per mode (and commit policy) are computed again from every result so far. The
// chunking changes only how often the table is redrawn: results are put back in cell order, so
// the summary and its digest are those of `curios campaign` with the same flags.
import { armsOf, type Arm, type Cell, type CampaignConfig } from '../../src/campaign/campaign.ts';
import { TrialPool, type PoolOptions } from '../../src/campaign/pool.ts';
import { type Row, type TrialResult } from '../../src/campaign/result-types.ts';
import type { CommitPolicy, Mode } from '../../src/ssr/modes.ts';
import { aggregate, strictSuccesses } from '../../src/campaign/stats.ts';
import { RateEstimate } from '../../src/campaign/progress-rate.ts';
import { DASHBOARD_LIMITS } from '../limits.ts';

export type CellRunner = (config: CampaignConfig, cells: Cell[], workers: number) => Promise<TrialResult[]>;

export interface ModeRecovery {
  mode: Mode;
  /** the arm's commit policy; null for a mode that has none */
  commit: CommitPolicy | null;
  manifested: number;
  /** masked + recovered: the strict successes */
  recovered: number;
  /** recovered / manifested; null before any fault manifested */
  share: number | null;
}

/** Per arm (a mode, with its commit policy), strict recovery over every server and fault kind so far. */
export function recoveryPerMode(rows: readonly Row[], arms: readonly Arm[]): ModeRecovery[] {
  return arms.map(({ mode, commit }) => {
    const mine = rows.filter((r) => r.mode === mode && r.commit === commit);
    const manifested = mine.reduce((n, r) => n + r.manifested, 0);
    const recovered = mine.reduce((n, r) => n + strictSuccesses(r), 0);
    return { mode, commit, manifested, recovered, share: manifested === 0 ? null : recovered / manifested };
  });
}

/** Chunks of cells: about twenty redraws a campaign, each chunk big enough to keep every worker busy. */
export function chunkCells(cells: readonly Cell[], workers: number): Cell[][] {
  const size = workers <= 1 ? 1 : Math.max(DASHBOARD_LIMITS.campaign_chunk_cells * workers, Math.ceil(cells.length / 20));
  const out: Cell[][] = [];
  for (let i = 0; i < cells.length; i += size) out.push(cells.slice(i, i + size));
  return out;
}

export class CampaignProgress {
  readonly results: TrialResult[] = [];
  rows: Row[] = [];
  done_cells = 0;
  finished = false;
  /** set by the viewer (q): no chunk is started after it */
  stop_requested = false;
  error: string | null = null;
  readonly started_ms: number;
  readonly #rate = new RateEstimate();

  constructor(
    readonly config: CampaignConfig,
    readonly cells: readonly Cell[],
    readonly workers: number,
    private readonly clock: () => number,
    /** the pool's budget and keep policy (--trial-budget, --keep) and where its seeds go */
    readonly pool_options: Omit<PoolOptions, 'workers'> = {},
  ) {
    this.started_ms = clock();
  }

  get total_cells(): number {
    return this.cells.length;
  }

  /** Cells per wall second since the first chunk finished (null before there is an estimate). */
  cellsPerSecond(): number | null {
    return this.#rate.perSecond(this.done_cells, this.clock());
  }

  perMode(): ModeRecovery[] {
    return recoveryPerMode(this.rows, armsOf(this.config));
  }

  /**
   * Runs every chunk, calling `onChunk` after each; resolves with the results in trial order.
   * Without a runner, the chunks go to one pool of workers kept from the first chunk to the last.
   */
  async run(onChunk: () => void, runner?: CellRunner): Promise<TrialResult[]> {
    const pool = runner === undefined ? new TrialPool(this.config, { ...this.pool_options, workers: this.workers }) : null;
    const runChunk: CellRunner = runner ?? ((_config, cells) => (pool as TrialPool).run(cells));
    try {
      for (const chunk of chunkCells(this.cells, this.workers)) {
        if (this.stop_requested) break;
        const results = await runChunk(this.config, chunk, this.workers);
        this.results.push(...results);
        this.done_cells += chunk.length;
        this.#rate.update(this.done_cells, this.clock());
        this.rows = aggregate(this.results);
        onChunk();
        // Let the terminal draw between chunks that ran in this thread.
        await new Promise((resolve) => setImmediate(resolve));
      }
      this.finished = !this.stop_requested;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
      onChunk();
      throw e;
    } finally {
      await pool?.close();
    }
    return this.results.sort((a, b) => a.index - b.index);
  }
}
