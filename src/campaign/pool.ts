// The worker pool: cells are handed out in batches to worker threads as they become free; the
// results are put back in cell order by their indices, so the outcome does not depend on the
// number of workers or on which finished first. With one worker, cells run in this thread.
import { Worker } from 'node:worker_threads';
import { runCell, type CampaignConfig, type Cell } from './campaign.ts';
import type { TrialResult } from './result-types.ts';

export interface Progress {
  done_cells: number;
  total_cells: number;
}

const BATCH_CELLS = 4;

/**
 * Runs cells, in this thread or in `workers` worker threads. `onResults` sees each cell's (or
 * batch's) results as they come in, in completion order — for work that should not wait for the
 * end, such as saving crash seeds; the answer is in cell order.
 */
export async function runCells(config: CampaignConfig, cells: Cell[], workers: number, onProgress?: (p: Progress) => void, onResults?: (results: TrialResult[]) => void): Promise<TrialResult[]> {
  if (workers <= 1 || cells.length <= BATCH_CELLS) {
    const out: TrialResult[] = [];
    cells.forEach((cell, i) => {
      const results = runCell(config, cell);
      out.push(...results);
      onResults?.(results);
      onProgress?.({ done_cells: i + 1, total_cells: cells.length });
    });
    return out;
  }
  const batches: Cell[][] = [];
  for (let i = 0; i < cells.length; i += BATCH_CELLS) batches.push(cells.slice(i, i + BATCH_CELLS));
  const results: TrialResult[] = [];
  let next = 0;
  let done = 0;
  const pool = Array.from({ length: Math.min(workers, batches.length) }, () => new Worker(new URL('./worker-entry.mjs', import.meta.url)));
  try {
    await Promise.all(
      pool.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const feed = () => {
              if (next >= batches.length) {
                resolve();
                return;
              }
              w.postMessage({ config, cells: batches[next++] });
            };
            w.on('message', (m: { ok: true; results: TrialResult[] } | { ok: false; error: string }) => {
              if (!m.ok) {
                reject(new Error(`campaign worker failed: ${m.error}`));
                return;
              }
              results.push(...m.results);
              onResults?.(m.results);
              done += BATCH_CELLS;
              onProgress?.({ done_cells: Math.min(done, cells.length), total_cells: cells.length });
              feed();
            });
            w.on('error', reject);
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results.sort((a, b) => a.index - b.index);
}
