// A campaign worker thread: receives batches of cells, runs them, posts the trial results back.
// It never writes the store (lowdb is single-writer: only the main process writes).
import { parentPort } from 'node:worker_threads';
import { runCell, type CampaignConfig, type Cell } from './campaign.ts';

export interface WorkRequest {
  config: CampaignConfig;
  cells: Cell[];
}

const port = parentPort;
if (port === null) throw new Error('campaign worker started outside a worker thread');
port.on('message', (req: WorkRequest) => {
  try {
    port.postMessage({ ok: true, results: req.cells.flatMap((cell) => runCell(req.config, cell)) });
  } catch (e) {
    port.postMessage({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
