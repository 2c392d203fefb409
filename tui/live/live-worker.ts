// The live dashboard's worker process (started by worker-runner.ts): it runs the simulation — the
// user's servers included — and answers each request with one frame. A server that loops or
// allocates without bound stops this process, never the dashboard. It reads the wall clock only
// to cut an `advance` short (a slice's budget), which never changes the run.
import { performance } from 'node:perf_hooks';
import { useWorkerCatalog } from '../../src/campaign/worker-process.ts';
import { LiveSession } from './live-session.ts';
import type { FromLiveWorker, ToLiveWorker } from './worker-runner.ts';

const send = process.send?.bind(process);
if (send === undefined) throw new Error('live worker started without an IPC channel (worker-runner.ts forks it)');
const post = (m: FromLiveWorker): void => void send(m);
const session = new LiveSession(() => performance.now());

process.on('message', (m: ToLiveWorker) => {
  try {
    post({ kind: 'reply', reply: session.handle(m.req) });
  } catch (e) {
    post({ kind: 'reply', reply: { kind: 'failed', error: e instanceof Error ? (e.stack ?? e.message) : String(e) } });
  }
});
// The dashboard's end of the channel closing is this worker's end.
process.on('disconnect', () => process.exit(0));
await useWorkerCatalog();
post({ kind: 'ready' });
