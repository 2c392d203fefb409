// The worker pool: every trial runs in a worker process (one worker is one process: the main
// thread only hands out cells, collects results and stores), each with a bounded heap
// (HOST_LIMITS). Cells are handed out one at a time as workers become free, a group's cells (one
// workload: campaign.ts) to one worker one after the other, so that it makes their golden runs
// once (golden-cache.ts). Each worker has a share of the groups (sharesOf: a contiguous part of
// them, so that it meets only some of the servers and compiles less code); a worker whose share
// is done takes the last group of the largest share left, and one with no group left the last
// cell of another's. Each trial's result comes back as soon as it is
// judged, and results are put back in trial order by their indices, so the answer does not depend
// on the number of workers, on the order the cells ran in, or on which finished first.
//
// Processes, not worker threads: a worker thread's `resourceLimits` do not always hold — a large
// allocation can abort the whole process (nodejs/node#47224; a 1e9-element `fill` does it on Node
// 20) — while a child process that runs out of memory dies alone.
//
// A worker runs a cell's trials in order and sends each result at once (one message per trial, the
// last one ending the job), so the trial it is in is always the one after the last result it sent.
// When a worker dies (of memory, or anything else a server's code did to its process), or the
// watchdog stops it for running one trial past its wall-clock budget, that trial is recorded as
// `host-limit` (with the limit), a fresh worker takes its place, and the rest of the cell goes on
// from the next mode: nothing else is lost. When the campaign keeps crash seeds, the worker sends
// the cell's plan before its first trial, so the stopped trial's spec is known here (trialSpecAt:
// a trial's spec is its cell's plan under its arm's configuration) and it is kept as a seed.
import { trialIndex, trialSpecAt, trialsPerCell, type CampaignConfig, type Cell, type TrialSpec } from './campaign.ts';
import type { FaultPlan } from '../faults/model.ts';
import { isExplore, type ExploreConfig } from './explore/config.ts';
import { seedAsFound, type CrashSeed } from './crash-seeds.ts';
import type { KeepPolicy } from './keep.ts';
import { HOST_LIMITS, hostLimitResult, trialBudgetMs, type HostLimit } from './host-limits.ts';
import type { DemoResult } from './demo.ts';
import type { ExploreGolden } from './explore/trials.ts';
import type { Mode } from '../ssr/modes.ts';
import type { Replayed, TrialData } from './replay.ts';
import type { TrialResult } from './result-types.ts';
import { deathCause, startWorker, stderrSummary, stopWorker, type WorkerProcess } from './worker-process.ts';
import type { FromWorker, ToWorker } from './worker.ts';

export interface Progress {
  done_cells: number;
  total_cells: number;
}

export interface PoolOptions {
  workers: number;
  /** a fixed wall-clock budget per trial; null: HOST_LIMITS.budget_factor × the mean trial time (trialBudgetMs) */
  trial_budget_ms?: number | null;
  /** which failing trials become crash seeds (keep.ts); null or absent: none (no shrinking) */
  keep?: KeepPolicy | null;
  /** each crash seed as soon as it is made (shrunk in a worker, or kept as found) */
  onSeed?: (seed: CrashSeed) => void;
  /** whether a failure is already stored (by its signature): then it is not shrunk again */
  isKnown?: (signature: string) => boolean;
  /** a kept trial whose failure was already found (in this campaign or stored before): counted, not shrunk */
  onKnown?: (found: TrialResult, signature: string) => void;
}

/** A cell from a mode on (`received`: its results so far), or a kept trial to shrink. */
type Job = { kind: 'cell'; cell: Cell; from_arm: number; received: number } | { kind: 'shrink'; found: TrialResult; spec: TrialSpec; signature: string };

interface Slot {
  worker: WorkerProcess;
  ready: boolean;
  /** the job the worker is running */
  job: Job | null;
  /** the job sent ahead, which the worker starts as soon as `job` ends (it never waits for this process to answer) */
  ahead: Job | null;
  /** the rest of the group this worker is in (its cells run here, after its golden runs) */
  pending: Job[];
  /** the plan of the campaign cell the worker is running, once it has said it (only when seeds are kept) */
  plan: FaultPlan | null;
  /** when the last message of the current job came (ms): the running trial started then */
  since_ms: number;
  /** set when this side stopped the worker (so its death is that limit) */
  stopped_for: HostLimit | null;
}

/** The events a run listens to, per slot. */
interface RunHandlers {
  message(slot: Slot, m: FromWorker): void;
  died(slot: Slot, code: number | null, signal: NodeJS.Signals | null): void;
}

/** A pool of worker processes kept for as many runs as its owner wants (the dashboard runs chunk after chunk); close it at the end. */
export class TrialPool {
  private readonly slots: Slot[] = [];
  private handlers: RunHandlers | null = null;
  private trial_ms_total = 0;
  private trials_timed = 0;
  private closed = false;
  /** the failures whose seed this pool has made or is making */
  private readonly signatures = new Set<string>();

  constructor(
    readonly config: CampaignConfig | ExploreConfig,
    private readonly options: PoolOptions,
  ) {}

  /** Runs cells; `onResults` sees results as they come in (completion order); the answer is in trial order. */
  run(cells: readonly Cell[], onProgress?: (p: Progress) => void, onResults?: (results: TrialResult[]) => void): Promise<TrialResult[]> {
    if (cells.length === 0) return Promise.resolve([]);
    // trials per cell: one per arm for a campaign's cells, one for an exploration's (a point under one mode)
    const arms = trialsPerCell(this.config);
    const keep = this.options.keep ?? null;
    /** kept trials to shrink, first of all */
    const queue: Job[] = [];
    /** the groups of cells no worker has taken yet: each worker's share (sharesOf), by the slot's position */
    const shares: Job[][][] = [];
    for (const slot of this.slots) slot.pending = [];
    const results: TrialResult[] = [];
    const left = new Map<number, number>(cells.map((c) => [c.index, arms]));
    let done_cells = 0;
    /** kept trials not yet made into seeds (queued or being shrunk) */
    let shrinking = 0;
    return new Promise<TrialResult[]>((resolve, reject) => {
      let over = false;
      const finish = (e: Error | null) => {
        if (over) return;
        over = true;
        clearInterval(watchdog);
        this.handlers = null;
        if (e === null) resolve(results.sort((a, b) => a.index - b.index));
        else reject(e);
      };
      const settled = () => {
        if (done_cells === cells.length && shrinking === 0) finish(null);
      };
      const seed = (s: CrashSeed) => {
        shrinking--;
        this.options.onSeed?.(s);
        settled();
      };
      const take = (r: TrialResult) => {
        results.push(r);
        onResults?.([r]);
        const cell = Math.floor(r.index / arms);
        const n = (left.get(cell) ?? 0) - 1;
        left.set(cell, n);
        if (n === 0) {
          done_cells++;
          onProgress?.({ done_cells, total_cells: cells.length });
        }
        settled();
      };
      // A kept trial of a failure not seen yet is shrunk next, by whichever worker is free first:
      // its seed is stored early. A failure seen already is only counted.
      const keepSeed = (found: TrialResult, spec: TrialSpec, signature: string) => {
        if (this.signatures.has(signature) || this.options.isKnown?.(signature) === true) {
          this.options.onKnown?.(found, signature);
          return;
        }
        this.signatures.add(signature);
        shrinking++;
        queue.unshift({ kind: 'shrink', found, spec, signature });
      };
      // The last cell of the group with the most left: the end of a run keeps every worker busy.
      const steal = (): Job | undefined => this.slots.reduce<Slot | null>((most, s) => (s.pending.length > (most?.pending.length ?? 0) ? s : most), null)?.pending.pop();
      const next = (slot: Slot): Job | null => {
        const job = queue.shift() ?? slot.pending.shift();
        if (job !== undefined) return job;
        slot.pending = shares[this.slots.indexOf(slot)].shift() ?? shares.reduce((most, share) => (share.length > most.length ? share : most)).pop() ?? [];
        return slot.pending.shift() ?? steal() ?? null;
      };
      const send = (slot: Slot, job: Job) => slot.worker.child.send((job.kind === 'cell' ? { kind: 'cell', config: this.config, cell: job.cell, from_arm: job.from_arm, keep } : { kind: 'shrink', found: job.found, spec: job.spec, signature: job.signature }) satisfies ToWorker);
      // A free worker gets a job, and a busy one the job after its own, so that it goes on at once
      // when its job ends, without waiting for this process (busy storing a seed, or not given a core).
      const feed = (slot: Slot) => {
        if (!slot.ready || over) return;
        if (slot.job === null) {
          const job = next(slot);
          if (job === null) return;
          slot.job = job;
          slot.plan = null;
          slot.since_ms = performance.now();
          send(slot, job);
        }
        if (slot.ahead === null) {
          slot.ahead = next(slot);
          if (slot.ahead !== null) send(slot, slot.ahead);
        }
      };
      // The worker's job has ended: it is on the job sent ahead now.
      const ended = (slot: Slot) => {
        slot.job = slot.ahead;
        slot.ahead = null;
        slot.plan = null;
        slot.since_ms = performance.now();
      };
      this.handlers = {
        message: (slot, m) => {
          const job = slot.job;
          switch (m.kind) {
            case 'ready':
              slot.ready = true;
              return feed(slot);
            case 'error':
              return finish(new Error(`campaign worker failed: ${m.error}`));
            case 'replayed':
            case 'demo':
            case 'golden':
              return finish(new Error(`a campaign worker sent a ${m.kind} it was not asked for`));
            case 'alive':
              slot.since_ms = performance.now();
              return;
            case 'plan':
              slot.plan = m.plan;
              return;
            case 'trial': {
              if (job?.kind !== 'cell') return finish(new Error('a campaign worker sent a trial with no cell to run'));
              const now = performance.now();
              this.trial_ms_total += now - slot.since_ms;
              this.trials_timed++;
              slot.since_ms = now;
              job.received++;
              if (m.signature !== null && slot.plan !== null) keepSeed(m.result, trialSpecAt(this.config as CampaignConfig, job.cell, job.from_arm + job.received - 1, slot.plan), m.signature);
              take(m.result);
              if (m.last) ended(slot);
              // A worker that has just queued a seed to shrink may be the only one free to shrink it (and this one needs a job ahead, if its cell is done).
              for (const other of this.slots) feed(other);
              return;
            }
            case 'seed':
              return seed(m.seed);
            case 'job-done':
              ended(slot);
              return feed(slot);
          }
        },
        died: (slot, code, signal) => {
          const limit = slot.stopped_for ?? deathCause(slot.worker.stderrTail());
          const { job, ahead, plan, ready, worker } = slot;
          this.replace(slot);
          // The job sent ahead goes back where it came from, first in line.
          if (ahead?.kind === 'shrink') queue.unshift(ahead);
          else if (ahead !== null) slot.pending.unshift(ahead);
          if (job === null) {
            if (!ready) return finish(new Error(`a campaign worker could not start (exit ${code ?? signal}): ${stderrSummary(worker.stderrTail())}`));
            return;
          }
          // Its shrinking broke a host limit: the trial is kept as it was found.
          if (job.kind === 'shrink') return seed(seedAsFound(job.found, job.spec, job.signature));
          // The trial it was in: the one after the last result it sent.
          const m = job.from_arm + job.received;
          // The rest of the cell, first in the fresh worker's share.
          if (m + 1 < arms) slot.pending.unshift({ kind: 'cell', cell: job.cell, from_arm: m + 1, received: 0 });
          const found = hostLimitResult(this.config, job.cell, trialIndex(this.config, job.cell, m), limit);
          // Kept whatever the policy (keep.ts), as it was found, when its plan is known (the worker got past the cell's golden run).
          if (keep !== null && plan !== null && !isExplore(this.config)) this.options.onSeed?.(seedAsFound(found, trialSpecAt(this.config, job.cell, m, plan)));
          take(found);
        },
      };
      const watchdog = setInterval(() => {
        const now = performance.now();
        const budget = this.options.trial_budget_ms ?? trialBudgetMs(this.trials_timed === 0 ? null : this.trial_ms_total / this.trials_timed);
        for (const slot of this.slots) {
          if (slot.job === null || slot.stopped_for !== null || now - slot.since_ms <= budget) continue;
          slot.stopped_for = 'wall-clock';
          slot.worker.child.kill('SIGKILL');
        }
      }, HOST_LIMITS.watchdog_period_ms);
      while (this.slots.length < Math.min(this.options.workers, cells.length)) this.slots.push(this.spawn());
      for (const share of sharesOf(groupsOf(cells), this.slots.length)) shares.push(share.map((group) => group.map((cell): Job => ({ kind: 'cell', cell, from_arm: 0, received: 0 }))));
      // A slot still finishing the previous run's job is fed when its job-done arrives.
      for (const slot of this.slots) if (slot.job === null) feed(slot);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => stopWorker(s.worker.child)));
  }

  private spawn(): Slot {
    const slot: Slot = { worker: startWorker(), ready: false, job: null, ahead: null, pending: [], plan: null, since_ms: 0, stopped_for: null };
    this.listen(slot);
    return slot;
  }

  /** Puts a fresh worker in a dead one's slot (its share of the group stays). */
  private replace(slot: Slot): void {
    Object.assign(slot, { worker: startWorker(), ready: false, job: null, ahead: null, plan: null, since_ms: 0, stopped_for: null });
    this.listen(slot);
  }

  private listen(slot: Slot): void {
    const child = slot.worker.child;
    child.on('message', (m: FromWorker) => {
      if (slot.worker.child !== child) return;
      if (this.handlers !== null) this.handlers.message(slot, m);
      // The last job of a finished run ends between runs: the slot is free for the next one
      // (feeding it again when that late job-done arrives gave it two jobs at once).
      else if (m.kind === 'job-done') slot.job = null;
    });
    const died = (code: number | null, signal: NodeJS.Signals | null) => {
      if (slot.worker.child !== child || this.closed) return;
      if (this.handlers === null) this.replace(slot);
      else this.handlers.died(slot, code, signal);
    };
    child.on('exit', died);
    child.on('error', () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
  }
}

/**
 * The groups of a run split into `workers` shares, one per worker: contiguous parts of the cell
 * order, so that each worker meets about 1/`workers` of the servers (a campaign's cells are
 * numbered server by server) and V8 compiles in it only the code those servers run, instead of
 * every worker meeting every server. In the standard campaign on two workers, the two optimize
 * 1,447 functions instead of 1,638 (`--trace-opt`; docs/testing.md, "A worker's compiling"). One
 * worker's share is the whole run in cell order, as before. Any order gives the same results.
 */
export function sharesOf(groups: readonly Cell[][], workers: number): Cell[][][] {
  return Array.from({ length: workers }, (_, k) => groups.slice(Math.floor((k * groups.length) / workers), Math.floor(((k + 1) * groups.length) / workers)));
}

/** Consecutive cells of one group (Cell.group) together; a cell without a group alone. */
export function groupsOf(cells: readonly Cell[]): Cell[][] {
  const out: Cell[][] = [];
  for (const cell of cells) {
    const last = out.at(-1);
    if (last !== undefined && cell.group !== undefined && last[0].group === cell.group) last.push(cell);
    else out.push([cell]);
  }
  return out;
}

/** What a job run in a worker of its own came to: its answer, or the host limit it broke. */
export type Isolated<T> = { answer: T } | { limit: HostLimit };

/**
 * Runs one job in a worker process of its own, under the host limits (the wall-clock budget:
 * `budget_ms`); `answerOf` picks the job's answer out of the worker's messages. `what` names
 * the job in an error.
 */
function runIsolated<T>(job: ToWorker, answerOf: (m: FromWorker) => T | undefined, budget_ms: number, what: string): Promise<Isolated<T>> {
  const { child, stderrTail } = startWorker();
  let stopped_for: HostLimit | null = null;
  return new Promise<Isolated<T>>((resolve, reject) => {
    let timer: NodeJS.Timeout | null = null;
    child.on('message', (m: FromWorker) => {
      if (m.kind === 'ready') {
        child.send(job);
        timer = setTimeout(() => {
          stopped_for = 'wall-clock';
          child.kill('SIGKILL');
        }, budget_ms);
        return;
      }
      if (m.kind === 'error') reject(new Error(`${what} worker failed: ${m.error}`));
      const answer = answerOf(m);
      if (answer !== undefined) resolve({ answer });
      if (answer !== undefined || m.kind === 'error') child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      if (timer !== null) clearTimeout(timer);
      if (timer === null && stopped_for === null) reject(new Error(`a ${what} worker could not start (exit ${code ?? signal}): ${stderrSummary(stderrTail())}`));
      resolve({ limit: stopped_for ?? deathCause(stderrTail()) });
    });
  });
}

/**
 * Replays one trial in a worker process of its own, under the same host limits as a campaign's
 * trials (the wall-clock budget: `budget_ms`), so that a seed recorded as `host-limit` replays
 * as `host-limit` instead of stopping the replaying process.
 */
export async function replayIsolated(trial: TrialData, budget_ms: number = trialBudgetMs(null)): Promise<Replayed> {
  const r = await runIsolated({ kind: 'replay', trial }, (m) => (m.kind === 'replayed' ? m.replayed : undefined), budget_ms, 'replay');
  return 'answer' in r ? r.answer : { outcome: 'host-limit', hostLimit: r.limit, traceHash: '', lines: [] };
}

/** The demo (demo.ts) in a worker process of its own, under the host limits: a user's server in it cannot stop the calling process. */
export function demoIsolated(seed: number, budget_ms: number = HOST_LIMITS.demo_budget_ms): Promise<Isolated<DemoResult>> {
  return runIsolated({ kind: 'demo', seed }, (m) => (m.kind === 'demo' ? m.result : undefined), budget_ms, 'demo');
}

/** An exploration's golden run under one mode, in a worker process of its own under the host limits (explore/goldens.ts). */
export function exploreGoldenIsolated(config: ExploreConfig, mode: Mode, budget_ms: number = trialBudgetMs(null)): Promise<Isolated<ExploreGolden>> {
  return runIsolated({ kind: 'golden', config, mode }, (m) => (m.kind === 'golden' ? m.golden : undefined), budget_ms, 'golden run');
}

/** Runs cells in a pool of `workers` processes opened for them and closed after. */
export async function runCells(config: CampaignConfig | ExploreConfig, cells: readonly Cell[], workers: number, onProgress?: (p: Progress) => void, onResults?: (results: TrialResult[]) => void, options: Omit<PoolOptions, 'workers'> = {}): Promise<TrialResult[]> {
  const pool = new TrialPool(config, { ...options, workers });
  try {
    return await pool.run(cells, onProgress, onResults);
  } finally {
    await pool.close();
  }
}
