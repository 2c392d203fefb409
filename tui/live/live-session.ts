// The live simulation behind a request/answer protocol, so that it can run where a server's code
// cannot hurt the dashboard: in a worker process (live-worker.ts, worker-runner.ts) or, for tests
// and for nothing else, in this process (LocalRunner). Each request is answered by one message
// carrying one frame (live-frame.ts): the events of a whole slice travel together, never one
// message per kernel event.
import type { Cycles } from '../../src/hw/types.ts';
import type { HostLimit } from '../../src/campaign/host-limits.ts';
import type { InjectKind, Injection } from './fault-schedule.ts';
import { frameOf, type LiveFrame } from './live-frame.ts';
import { LiveSimulation, type LiveConfig } from './simulation.ts';

export type LiveRequest =
  /** a new run (script: hand injections to apply again at their times, for a replay) */
  | { kind: 'start'; config: LiveConfig; script: readonly Injection[] }
  /** run until limit_cycles, or for about wall_ms_max of wall-clock time, whichever comes first */
  | { kind: 'advance'; limit_cycles: Cycles; wall_ms_max: number }
  /** one scheduling step */
  | { kind: 'step' }
  /** a frame of the run as it is, with the kernel trace (for a paused run) */
  | { kind: 'look' }
  | { kind: 'inject'; inject: InjectKind; server: string };

export type LiveReply =
  | { kind: 'frame'; frame: LiveFrame }
  | { kind: 'injected'; frame: LiveFrame; injection: Injection }
  /** a request the simulation would not take (one line saying why) */
  | { kind: 'refused'; frame: LiveFrame; reason: string }
  /** the worker broke a host limit and was stopped; `detail` says which and how */
  | { kind: 'host-limit'; limit: HostLimit; detail: string }
  /** the simulation could not answer (a bug, or a worker that could not start) */
  | { kind: 'failed'; error: string };

/** Where the live simulation runs: `answer` gets each request's reply, in request order — at once in-process, later from a worker. */
export interface LiveRunner {
  request(req: LiveRequest, answer: (reply: LiveReply) => void): void;
  /** a request is waiting for its answer */
  readonly busy: boolean;
  close(): Promise<void>;
}

/** Answers requests on one live run at a time. `clock`: wall milliseconds, for advance's budget only. */
export class LiveSession {
  private sim: LiveSimulation | null = null;

  constructor(private readonly clock: () => number) {}

  handle(req: LiveRequest): LiveReply {
    if (req.kind === 'start') {
      this.sim = new LiveSimulation(req.config, req.script);
      return { kind: 'frame', frame: frameOf(this.sim, [], false) };
    }
    const sim = this.sim;
    if (sim === null) throw new Error(`live session: "${req.kind}" before "start"`);
    switch (req.kind) {
      case 'advance': {
        const deadline_ms = this.clock() + req.wall_ms_max;
        return { kind: 'frame', frame: frameOf(sim, sim.advance(req.limit_cycles, () => this.clock() > deadline_ms), false) };
      }
      case 'step':
        return { kind: 'frame', frame: frameOf(sim, sim.step(), true) };
      case 'look':
        return { kind: 'frame', frame: frameOf(sim, [], true) };
      case 'inject': {
        let injection: Injection;
        try {
          injection = sim.schedule.requestHand(req.inject, req.server);
        } catch (e) {
          if (e instanceof RangeError) return { kind: 'refused', frame: frameOf(sim, [], false), reason: e.message };
          throw e;
        }
        return { kind: 'injected', frame: frameOf(sim, [], false), injection };
      }
    }
  }
}

/** The simulation in this process: for tests (a fake clock), never for a user's servers (worker-runner.ts). */
export class LocalRunner implements LiveRunner {
  private readonly session: LiveSession;
  readonly busy = false;

  constructor(clock: () => number) {
    this.session = new LiveSession(clock);
  }

  request(req: LiveRequest, answer: (reply: LiveReply) => void): void {
    answer(this.session.handle(req));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
