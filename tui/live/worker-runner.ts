// The live simulation in a worker process (live-worker.ts), under the host limits of a campaign's
// trials (src/campaign/host-limits.ts): a heap of HOST_LIMITS.heap_mb, and a wall-clock budget per
// request (a slice, a step) — `budget_ms`, or HOST_LIMITS.budget_factor × the mean answer time so
// far, at least HOST_LIMITS.budget_floor_ms. Requests go one at a time, in order; this process
// only waits for messages, so the dashboard keeps drawing and reading keys while a server's code
// spins. A worker that breaks a limit is stopped, and the request it was on — with any queued
// behind it for the same run — is answered `host-limit`; the next `start` gets a fresh worker.
import { fileURLToPath } from 'node:url';
import { HOST_LIMITS, hostLimitSaid, trialBudgetMs, type HostLimit } from '../../src/campaign/host-limits.ts';
import { deathCause, startWorker, stderrSummary, stopWorker, type WorkerProcess } from '../../src/campaign/worker-process.ts';
import { DASHBOARD_LIMITS } from '../limits.ts';
import type { LiveReply, LiveRequest, LiveRunner } from './live-session.ts';

export type ToLiveWorker = { kind: 'request'; req: LiveRequest };
export type FromLiveWorker = { kind: 'ready' } | { kind: 'reply'; reply: LiveReply };

const LIVE_WORKER = fileURLToPath(new URL('./live-worker.ts', import.meta.url));


interface Waiting {
  req: LiveRequest;
  answer: (reply: LiveReply) => void;
}

export interface WorkerRunnerOptions {
  /** a fixed wall-clock budget per request; null: trialBudgetMs of the mean answer time */
  budget_ms: number | null;
  /** wall milliseconds (performance.now) */
  clock: () => number;
}

export class WorkerRunner implements LiveRunner {
  private worker: WorkerProcess | null = null;
  private ready = false;
  private readonly queue: Waiting[] = [];
  private inflight: Waiting | null = null;
  private since_ms = 0;
  /** why this side stopped the worker: a limit, or a new run that would not wait */
  private stopped_for: HostLimit | 'restart' | null = null;
  /** a worker lost while idle: the next request of its run is answered with this */
  private lost: LiveReply | null = null;
  private answer_ms_total = 0;
  private answers = 0;
  private readonly watchdog: NodeJS.Timeout;

  constructor(private readonly opts: WorkerRunnerOptions) {
    this.watchdog = setInterval(() => this.watch(), HOST_LIMITS.watchdog_period_ms);
  }

  get busy(): boolean {
    return this.inflight !== null || this.queue.length > 0;
  }

  /** The wall-clock budget of one request now (ms). */
  get budget_ms(): number {
    return this.opts.budget_ms ?? trialBudgetMs(this.answers === 0 ? null : this.answer_ms_total / this.answers);
  }

  request(req: LiveRequest, answer: (reply: LiveReply) => void): void {
    if (req.kind === 'start') {
      // What is still queued belongs to the run this one replaces.
      this.queue.length = 0;
      this.lost = null;
    } else if (this.lost !== null) {
      return answer(this.lost);
    }
    this.queue.push({ req, answer });
    if (this.worker === null) this.spawn();
    this.pump();
  }

  async close(): Promise<void> {
    clearInterval(this.watchdog);
    const w = this.worker;
    this.worker = null;
    if (w !== null) await stopWorker(w.child);
  }

  private spawn(): void {
    const w = startWorker(LIVE_WORKER);
    this.worker = w;
    this.ready = false;
    this.stopped_for = null;
    w.child.on('message', (m: FromLiveWorker) => {
      if (this.worker !== w) return;
      if (m.kind === 'ready') {
        this.ready = true;
        return this.pump();
      }
      const done = this.inflight;
      this.inflight = null;
      if (done === null) return;
      this.answer_ms_total += this.opts.clock() - this.since_ms;
      this.answers++;
      done.answer(m.reply);
      this.pump();
    });
    w.child.on('exit', (code, signal) => {
      if (this.worker === w) this.died(w, code, signal);
    });
    w.child.on('error', () => {
      if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    });
  }

  private pump(): void {
    const w = this.worker;
    if (w === null || !this.ready || this.inflight !== null) return;
    const next = this.queue.shift();
    if (next === undefined) return;
    this.inflight = next;
    this.since_ms = this.opts.clock();
    w.child.send({ kind: 'request', req: next.req } satisfies ToLiveWorker);
  }

  /** Stops a worker past its budget — or, for a new run that is waiting, past restart_grace_ms (a stuck worker is not waited for until its budget). */
  private watch(): void {
    const w = this.worker;
    if (w === null || this.inflight === null || this.stopped_for !== null) return;
    const waited_ms = this.opts.clock() - this.since_ms;
    if (this.inflight.req.kind !== 'start' && this.queue.some((q) => q.req.kind === 'start') && waited_ms > DASHBOARD_LIMITS.restart_grace_ms) this.stopped_for = 'restart';
    else if (waited_ms > this.budget_ms) this.stopped_for = 'wall-clock';
    else return;
    w.child.kill('SIGKILL');
  }

  private died(w: WorkerProcess, code: number | null, signal: NodeJS.Signals | null): void {
    const was_ready = this.ready;
    const stopped_for = this.stopped_for;
    const inflight = this.inflight;
    this.worker = null;
    this.ready = false;
    this.inflight = null;
    // The queue from the first new run on goes to a fresh worker; what comes before it belongs to the run that died.
    const start_at = this.queue.findIndex((q) => q.req.kind === 'start');
    const orphans = [...(inflight === null ? [] : [inflight]), ...this.queue.splice(0, start_at < 0 ? this.queue.length : start_at)];
    if (stopped_for !== 'restart') {
      const reply: LiveReply = was_ready ? hostLimitReply(stopped_for ?? deathCause(w.stderrTail()), this.budget_ms, code ?? signal) : { kind: 'failed', error: `the simulation's worker could not start (exit ${code ?? signal}): ${stderrSummary(w.stderrTail())}` };
      if (orphans.length === 0) this.lost = reply;
      for (const o of orphans) o.answer(reply);
    }
    if (this.queue.length > 0) this.spawn();
  }
}

function hostLimitReply(limit: HostLimit, budget_ms: number, exit: number | string | null): LiveReply {
  const how = limit === 'wall-clock' ? 'a slice' : 'the simulation';
  return { kind: 'host-limit', limit, detail: `${how} ${hostLimitSaid(limit, budget_ms)}${limit === 'worker-exit' ? ` (${exit})` : ''}` };
}
