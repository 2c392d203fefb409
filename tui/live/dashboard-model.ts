// The live dashboard's model: everything the keys change — pause, speed, mode, faults by hand,
// replay, help — over a simulation that runs elsewhere (a LiveRunner: a worker process in the
// app, this process in tests). A plain class, driven by `tick()` (a frame: ask the simulation for
// this frame's share of virtual time) and `key()`; the ink components only draw `view()`, from
// the last frame the simulation answered. Nothing here waits for the simulation: a request is
// answered when it is (at once in-process), and a frame's timer tick with a request still out
// asks for nothing more. A simulation whose worker broke a host limit ends the run with that
// outcome; m and r start another. It reads the wall clock (given, so tests can fake it) only to
// pace the run and to measure cycles per second, never to decide anything inside the simulation.
import { shortHash } from '../../src/campaign/report/columns.ts';
import type { Cycles } from '../../src/hw/types.ts';
import type { HostLimit } from '../../src/campaign/host-limits.ts';
import { demoProfile } from '../../src/servers/catalog.ts';
import { MODES } from '../../src/ssr/modes.ts';
import { compactCycles } from '../format.ts';
import { DASHBOARD_LIMITS, SPEED_DEFAULT_INDEX, SPEED_LEVELS_CPS } from '../limits.ts';
import { Ring } from '../ring.ts';
import type { InjectKind, Injection } from './fault-schedule.ts';
import { emptyFrame, type LiveFrame } from './live-frame.ts';
import { LocalRunner, type LiveReply, type LiveRequest, type LiveRunner } from './live-session.ts';
import type { LiveView } from './live-view.ts';
import type { AppliedInjection, LiveConfig } from './simulation.ts';
import type { StreamEvent } from './stream-event.ts';

/** The keys that take a server number next, and the fault each asks for. */
export const INJECT_KEYS: Readonly<Record<string, InjectKind>> = { k: 'crash', h: 'hang', c: 'corrupt', w: 'wild-write' };

/** What the model needs of a key press (ink's Key has these, and more). */
export interface KeyPress {
  escape?: boolean;
}

export interface ModelOptions {
  /** wall-clock milliseconds (performance.now in the app; a fake in tests) */
  clock: () => number;
  /** pause for good when the run reaches this many cycles (--cycles) */
  stop_at_cycles?: Cycles | null;
  speed_index?: number;
  /** where the simulation runs; absent: in this process (tests) */
  runner?: LiveRunner;
}

interface Replay {
  target_cycles: Cycles;
  trace_hash: string;
  /** where it pauses, said when it gets there ("just before crash → fs (hand)") */
  where: string;
}

interface RateWindow {
  run: number;
  start_ms: number;
  start_cycles: Cycles;
  start_events: number;
}

function speedLabel(index: number): string {
  const cps = SPEED_LEVELS_CPS[index];
  return Number.isFinite(cps) ? `${compactCycles(cps)} cycles/s` : 'max';
}


/** Said while a run waits for its first frame (its worker process is starting). */
const STARTING = 'starting the simulation in its worker process…';

/** The answers that carry a frame (the others end the run). */
type FrameReply = Extract<LiveReply, { frame: LiveFrame }>;

export class DashboardModel {
  config: LiveConfig;
  paused = false;
  help = false;
  quit = false;
  speed_index: number;
  message: string | null = null;
  /** the last frame the simulation answered (what view() draws) */
  frame: LiveFrame;
  /** how the run ended when its simulation could not go on (`host-limit (memory)`, …), or null */
  ended: string | null = null;
  /** the host limit the run's worker broke, or null */
  host_limit: HostLimit | null = null;
  readonly events = new Ring<StreamEvent>(DASHBOARD_LIMITS.events_kept);
  /** injections applied, newest last (what r can replay) */
  private readonly applied = new Ring<AppliedInjection>(DASHBOARD_LIMITS.injections_kept);
  /** this run's hand injections, in order (a replay's script) */
  private hand_log: Injection[] = [];
  private readonly server_names: readonly string[];
  private readonly runner: LiveRunner;
  /** the run's number: an answer for an earlier run is dropped */
  private run = 0;
  /** inside runner.request: an answer now is an in-process one, given before request returns */
  private asking = false;
  /** when the request the simulation has not answered yet was sent (wall ms), or null */
  private unanswered_since_ms: number | null = null;
  private pending: InjectKind | null = null;
  private replay: Replay | null = null;
  private stopped_at: Cycles | null = null;
  private readonly stop_at: Cycles | null;
  private readonly clock: () => number;
  private last_ms: number | null = null;
  private carry_cycles = 0;
  private window: RateWindow;
  private cycles_per_s: number | null = null;
  private events_per_s: number | null = null;

  constructor(config: LiveConfig, opts: ModelOptions) {
    this.config = config;
    this.clock = opts.clock;
    this.stop_at = opts.stop_at_cycles ?? null;
    this.speed_index = opts.speed_index ?? SPEED_DEFAULT_INDEX;
    if (!Number.isInteger(this.speed_index) || this.speed_index < 0 || this.speed_index >= SPEED_LEVELS_CPS.length) throw new RangeError(`speed index must be 0..${SPEED_LEVELS_CPS.length - 1}, got ${this.speed_index}`);
    this.runner = opts.runner ?? new LocalRunner(opts.clock);
    // The servers of this process's catalog: the worker loads the same config file.
    this.server_names = demoProfile().servers.map((d) => d.name);
    this.frame = emptyFrame(config);
    this.window = this.newWindow();
    this.restart(config);
    const servers = this.server_names.length;
    this.note(`${config.mode} mode, seed ${config.seed}: ${config.clients} clients on ${servers} server${servers === 1 ? '' : 's'}`);
    if (this.runner.busy) this.message = STARTING;
  }

  get now(): Cycles {
    return this.frame.now_cycles;
  }

  /** One frame: asks the simulation for the virtual time this frame is worth at the current speed (nothing while it has not answered the last request). */
  tick(): void {
    const now_ms = this.clock();
    this.measure(now_ms);
    // The time a request takes is carried into the next one (up to frame_gap_ms_max): a slow answer does not slow the run down.
    if (this.runner.busy) return;
    const dt_ms = this.last_ms === null ? 0 : Math.min(now_ms - this.last_ms, DASHBOARD_LIMITS.frame_gap_ms_max);
    this.last_ms = now_ms;
    if (this.paused || this.quit || this.ended !== null) return;
    let limit = this.replay?.target_cycles ?? this.paceLimit(dt_ms);
    if (this.stop_at !== null) limit = Math.min(limit, this.stop_at);
    this.ask({ kind: 'advance', limit_cycles: limit, wall_ms_max: DASHBOARD_LIMITS.slice_wall_ms_max }, () => {
      this.checkReplay();
      this.checkStop();
      // Behind (max speed, a replay, a slow machine): a worker's answer asks for the next slice at
      // once rather than at the next frame, so a run elsewhere goes as fast as one here.
      if (!this.asking && this.frame.now_cycles < limit) this.tick();
    });
  }

  key(input: string, key: KeyPress = {}): void {
    // Keys typed faster than a frame (tmux send-keys, a paste) arrive as one string.
    if (input.length > 1) {
      for (const ch of input) this.key(ch, key);
      return;
    }
    if (this.pending !== null) {
      this.choose(input, key);
      return;
    }
    if (key.escape === true) {
      this.help = false;
      return;
    }
    const kind = INJECT_KEYS[input];
    if ((kind !== undefined || input === 's') && this.ended !== null) {
      this.message = `the run has ended (${this.ended}): r replays it, m starts another run`;
      return;
    }
    if ((kind !== undefined || input === 's') && this.replay !== null) {
      // A fault added now, or a step past the crash, would spoil the comparison with the original.
      this.message = 'replaying: wait until it pauses before the crash';
      return;
    }
    if (kind !== undefined) {
      this.pending = kind;
      return;
    }
    switch (input) {
      case ' ':
        return this.togglePause();
      case 's':
        return this.singleStep();
      case '+':
      case '=':
        return this.changeSpeed(1);
      case '-':
      case '_':
        return this.changeSpeed(-1);
      case 'm':
        return this.nextMode();
      case 'r':
        return this.startReplay();
      case '?':
        this.help = !this.help;
        return;
      case 'q':
        this.quit = true;
        return;
    }
  }

  view(): LiveView {
    const f = this.frame;
    return {
      header: {
        mode: this.config.mode,
        commit: this.config.commit,
        seed: this.config.seed,
        fault_rate: this.config.fault_rate,
        clients: this.config.clients,
        now_cycles: f.now_cycles,
        cycles_per_s: this.cycles_per_s,
        trace_events_per_s: this.events_per_s,
        speed: this.replay === null ? speedLabel(this.speed_index) : 'max (replay)',
        paused: this.paused,
        panic: f.panic,
        given_up: f.given_up,
        stopped_at: this.stopped_at,
        ended: this.ended,
        unanswered_s: this.unansweredSeconds(),
      },
      servers: f.servers,
      clients: f.clients,
      ssr: f.ssr,
      stats: f.stats,
      events: this.events.toArray(),
      trace: this.paused ? f.trace : [],
      prompt: this.pending === null ? null : `${this.pending} which server? 1-${this.server_names.length} (esc cancels)`,
      message: this.message,
      help: this.help,
    };
  }

  /** Whole seconds the simulation has kept the dashboard waiting, from unanswered_shown_ms on (null before, or when it is not). */
  private unansweredSeconds(): number | null {
    if (this.unanswered_since_ms === null || this.ended !== null) return null;
    const waited_ms = this.clock() - this.unanswered_since_ms;
    return waited_ms < DASHBOARD_LIMITS.unanswered_shown_ms ? null : Math.floor(waited_ms / 1000);
  }

  /** Sends a request for this run; its answer, if it carries a frame, is taken and handed to `then` with the cycle before it. */
  private ask(req: LiveRequest, then: (reply: FrameReply, before_cycles: Cycles) => void = () => {}): void {
    const run = this.run;
    this.asking = true;
    try {
      this.runner.request(req, (reply) => this.answer(run, reply, then));
    } finally {
      this.asking = false;
    }
    if (this.runner.busy) this.unanswered_since_ms ??= this.clock();
  }

  /** Takes an answer of run `run` (dropped if another run has started since). */
  private answer(run: number, reply: LiveReply, then: (reply: FrameReply, before_cycles: Cycles) => void): void {
    this.unanswered_since_ms = this.runner.busy ? this.clock() : null;
    if (run !== this.run) return;
    if (reply.kind === 'host-limit') return this.end(`host-limit (${reply.limit})`, reply.detail, reply.limit);
    if (reply.kind === 'failed') return this.end('failed', reply.error.split('\n')[0], null);
    const before = this.frame.now_cycles;
    this.frame = reply.frame;
    for (const e of reply.frame.events) this.events.push(e);
    for (const a of reply.frame.applied) this.applied.push(a);
    if (this.message === STARTING) this.message = null;
    then(reply, before);
  }


  /** The run cannot go on (its worker broke a host limit, or the simulation failed): it stays on screen, ended. */
  private end(outcome: string, detail: string, limit: HostLimit | null): void {
    if (this.ended !== null) return;
    this.ended = outcome;
    this.host_limit = limit;
    this.replay = null;
    this.events.push({ t: this.frame.now_cycles, kind: 'end', server: '-', detail: `${outcome}: ${detail}` });
    this.message = `the run ended: ${outcome} — r replays it to cycle ${this.frame.now_cycles}, m starts another run, q quits`;
  }

  private choose(input: string, key: KeyPress): void {
    const kind = this.pending as InjectKind;
    this.pending = null;
    const n = Number(input);
    if (key.escape === true || !/^[1-9]$/.test(input)) {
      this.message = `${kind} cancelled`;
      return;
    }
    const server = this.server_names[n - 1];
    if (server === undefined) {
      this.message = `no server ${n}: servers are numbered 1-${this.server_names.length}`;
      return;
    }
    this.ask({ kind: 'inject', inject: kind, server }, (reply) => {
      if (reply.kind === 'refused') {
        this.message = reply.reason;
        return;
      }
      if (reply.kind !== 'injected') return;
      this.hand_log.push(reply.injection);
      this.message = `${kind} → ${server} at cycle ${reply.injection.at_cycles}${this.paused ? ' (paused: space resumes, s steps)' : ''}`;
    });
  }

  private togglePause(): void {
    this.paused = !this.paused;
    this.message = this.paused ? 'paused: s steps one scheduling decision, space resumes' : 'running';
    if (this.paused) this.look();
  }

  /** Asks for the kernel trace of a run that has just paused. */
  private look(): void {
    if (this.ended === null) this.ask({ kind: 'look' });
  }

  private singleStep(): void {
    this.paused = true;
    this.ask({ kind: 'step' }, (_reply, before) => {
      this.message = `one step: cycle ${before} → ${this.frame.now_cycles}`;
    });
  }

  private changeSpeed(delta: number): void {
    this.speed_index = Math.max(0, Math.min(SPEED_LEVELS_CPS.length - 1, this.speed_index + delta));
    this.carry_cycles = 0;
    this.message = `speed: ${speedLabel(this.speed_index)}`;
  }

  private nextMode(): void {
    const mode = MODES[(MODES.indexOf(this.config.mode) + 1) % MODES.length];
    const from = this.config.mode;
    this.restart({ ...this.config, mode });
    this.note(`mode ${from} → ${mode}: the same seed again from cycle 0`);
    this.message = `mode ${mode}`;
  }

  /**
   * Replays the last crash: the same run again from cycle 0 — same seed, mode and rate, and the
   * faults injected by hand at their cycles — at full speed, pausing just before the injection
   * that caused the last failure the supervisor detected. The trace hash there is checked against
   * the one the original run had at that point. A run that ended at a host limit is replayed to
   * its last frame before the limit instead (space then runs into the same limit again).
   */
  private startReplay(): void {
    if (this.ended !== null) {
      if (this.frame.trace_hash === '') {
        this.message = 'the run ended before its first frame: nothing to replay (m starts another run)';
        return;
      }
      return this.replayTo(this.frame.now_cycles, this.frame.trace_hash, `at cycle ${this.frame.now_cycles}, the last frame before ${this.ended}`);
    }
    const failure = this.frame.last_failure;
    if (failure === null) {
      this.message = 'no crash to replay yet';
      return;
    }
    const cause = this.applied
      .toArray()
      .filter((a) => a.fault.server === failure.server && a.applied_at <= failure.detected_at)
      .at(-1);
    if (cause === undefined) {
      this.message = `the last failure (${failure.server}) has no injected fault left in the log to replay`;
      return;
    }
    this.replayTo(cause.applied_at, cause.trace_hash, `just before ${cause.kind} → ${cause.fault.server} (${cause.source})`);
  }

  private replayTo(target_cycles: Cycles, trace_hash: string, where: string): void {
    const script = this.hand_log.filter((h) => h.at_cycles <= target_cycles);
    this.restart(this.config, script);
    this.replay = { target_cycles, trace_hash, where };
    this.paused = false;
    this.note(`replay: from cycle 0 to ${target_cycles}, ${where}`);
    this.message = `replaying to cycle ${target_cycles}…`;
  }

  private checkReplay(): void {
    const r = this.replay;
    if (r === null || this.frame.now_cycles < r.target_cycles) return;
    this.replay = null;
    this.paused = true;
    const hash = this.frame.trace_hash;
    const same = hash === r.trace_hash;
    this.note(`replay reached cycle ${this.frame.now_cycles}: trace hash ${shortHash(hash)} ${same ? 'matches the original run' : `DIFFERS from the original ${shortHash(r.trace_hash)}`}`);
    this.message = `replay paused ${r.where}; trace ${same ? 'identical ✓' : 'differs ✗'} — space resumes, s steps`;
    this.look();
  }

  private checkStop(): void {
    if (this.stop_at === null || this.frame.now_cycles < this.stop_at || this.stopped_at !== null) return;
    this.stopped_at = this.frame.now_cycles;
    this.paused = true;
    this.message = `reached --cycles ${this.stop_at}: paused (q quits, m or r start another run)`;
    this.look();
  }

  private restart(config: LiveConfig, script: readonly Injection[] = []): void {
    this.run++;
    this.config = config;
    this.frame = emptyFrame(config);
    this.events.clear();
    this.applied.clear();
    this.hand_log = [...script];
    this.ended = null;
    this.host_limit = null;
    this.replay = null;
    this.stopped_at = null;
    this.carry_cycles = 0;
    this.window = this.newWindow();
    this.cycles_per_s = null;
    this.events_per_s = null;
    this.ask({ kind: 'start', config, script });
  }

  /** The cycle this frame may run to at the current speed (fractions carry over to the next). */
  private paceLimit(dt_ms: number): Cycles {
    const cps = SPEED_LEVELS_CPS[this.speed_index];
    if (!Number.isFinite(cps)) return Number.POSITIVE_INFINITY;
    this.carry_cycles += (cps * dt_ms) / 1000;
    const whole = Math.floor(this.carry_cycles);
    this.carry_cycles -= whole;
    return this.frame.now_cycles + whole;
  }

  private measure(now_ms: number): void {
    const w = this.window;
    if (w.run !== this.run) this.window = this.newWindow();
    const elapsed_s = (now_ms - w.start_ms) / 1000;
    if (elapsed_s < 1) return;
    this.cycles_per_s = (this.frame.now_cycles - w.start_cycles) / elapsed_s;
    this.events_per_s = (this.frame.trace_events - w.start_events) / elapsed_s;
    this.window = this.newWindow(now_ms);
  }

  private newWindow(start_ms: number = this.clock()): RateWindow {
    return { run: this.run, start_ms, start_cycles: this.frame.now_cycles, start_events: this.frame.trace_events };
  }

  private note(detail: string): void {
    this.events.push({ t: this.frame.now_cycles, kind: 'run', server: '-', detail });
  }
}
