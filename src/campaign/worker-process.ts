// Starting and stopping one worker process under the host limits (host-limits.ts), for whatever
// runs user code: campaign trials and shrinks (pool.ts), a replay, the dashboard's simulation
// (tui/live). A worker is a child process — not a worker thread, whose heap limit does not always
// hold (nodejs/node#47224) — with a bounded heap, stdout closed (a server's console.log must not
// reach stdout, which carries data only) and the end of its stderr kept, to tell why it died.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { activeCatalog, useCatalog } from '../servers/catalog.ts';
import { loadCatalog, WORKER_CONFIG_FLAG } from './config-file.ts';
import { HOST_LIMITS, type HostLimit } from './host-limits.ts';

const WORKER_ENTRY = fileURLToPath(new URL('./worker-entry.mjs', import.meta.url));
/** The campaign worker's module (worker.ts): what a worker runs unless told otherwise. */
export const CAMPAIGN_WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  /** the end of what the process wrote on stderr (what killed it, if anything) */
  stderrTail(): string;
}

/** Forks `module` (a TypeScript file, loaded through tsx) with the main process's config file. */
export function startWorker(module: string = CAMPAIGN_WORKER): WorkerProcess {
  // The same servers as this process: the config file its catalog came from (the worker loads it: useWorkerCatalog).
  const config = activeCatalog().source;
  const child = fork(WORKER_ENTRY, [module, ...(config === null ? [] : [WORKER_CONFIG_FLAG, config])], {
    execArgv: [`--max-old-space-size=${HOST_LIMITS.heap_mb}`],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let tail = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-HOST_LIMITS.stderr_kept_chars);
  });
  return { child, stderrTail: () => tail };
}

/** Why a worker process that this side did not stop died: what V8 wrote when it ran out of heap, or anything else. */
export function deathCause(stderr_tail: string): HostLimit {
  return /heap out of memory|Allocation failed/.test(stderr_tail) ? 'memory' : 'worker-exit';
}

/** The last lines of a worker's stderr, on one line (why it could not start). */
export function stderrSummary(stderr_tail: string): string {
  return stderr_tail.trim().split('\n').slice(-3).join(' | ');
}

/** Kills a worker and resolves when it is gone. */
export function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** In a worker, before its first job: the servers of the config file the main process named (startWorker). */
export async function useWorkerCatalog(argv: readonly string[] = process.argv): Promise<void> {
  const flag = argv.indexOf(WORKER_CONFIG_FLAG);
  if (flag >= 0) useCatalog(await loadCatalog(argv[flag + 1]));
}
