// A campaign worker process: receives one cell at a time (from a mode on), or one trial to replay,
// runs the cell's trials in order, and sends each trial's result as soon as it is judged — so the pool always knows which
// trial a worker is in (the one after its last result), and can name it if the host stops this
// process (memory, wall-clock budget). It never writes the store (lowdb is single-writer: only the
// main process writes). It runs the servers of the main process's config file, named in its argv.
import { useCatalog } from '../servers/catalog.ts';
import { cellTrials, type CampaignConfig, type Cell } from './campaign.ts';
import { loadCatalog, WORKER_CONFIG_FLAG } from './config-file.ts';
import type { Replayed, TrialData } from './replay.ts';
import { replayWithStory } from './story.ts';
import type { TrialResult } from './result-types.ts';

export type ToWorker = { kind: 'cell'; config: CampaignConfig; cell: Cell; from_mode: number } | { kind: 'replay'; trial: TrialData };

export type FromWorker = { kind: 'ready' } | { kind: 'trial'; result: TrialResult } | { kind: 'cell-done' } | { kind: 'replayed'; replayed: Replayed } | { kind: 'error'; error: string };

const send = process.send?.bind(process);
if (send === undefined) throw new Error('campaign worker started without an IPC channel (the pool forks it)');
const post = (m: FromWorker) => send(m);

process.on('message', (req: ToWorker) => {
  try {
    if (req.kind === 'replay') return post({ kind: 'replayed', replayed: replayWithStory(req.trial) });
    for (const result of cellTrials(req.config, req.cell, req.from_mode)) post({ kind: 'trial', result });
    post({ kind: 'cell-done' });
  } catch (e) {
    post({ kind: 'error', error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
// The pool's end of the channel closing is this worker's end.
process.on('disconnect', () => process.exit(0));
// The same servers as the main process: its config file, loaded before the first cell.
const flag = process.argv.indexOf(WORKER_CONFIG_FLAG);
if (flag >= 0) useCatalog(await loadCatalog(process.argv[flag + 1]));
post({ kind: 'ready' });
