// The live dashboard's model: the simulation, and everything the keys change — pause, speed,
// mode, faults by hand, replay, help. A plain class, driven by `tick()` (a frame: run the
// simulation for this frame's share of virtual time) and `key()`; the ink components only draw
// `view()`. It reads the wall clock (given, so tests can fake it) only to pace the run and to
// measure cycles per second, never to decide anything inside the simulation.
import { shortHash } from '../../src/campaign/report/columns.ts';
import type { Cycles } from '../../src/hw/types.ts';
import { formatTraceLine } from '../../src/kernel/trace.ts';
import { MODES } from '../../src/ssr/modes.ts';
import { compactCycles } from '../format.ts';
import { DASHBOARD_LIMITS, SPEED_DEFAULT_INDEX, SPEED_LEVELS_CPS } from '../limits.ts';
import { Ring } from '../ring.ts';
import type { InjectKind, Injection } from './fault-schedule.ts';
import { clientRows, serverRows, ssrMapOf, type LiveView } from './live-view.ts';
import { LiveSimulation, type LiveConfig } from './simulation.ts';
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
}

interface Replay {
  target_cycles: Cycles;
  trace_hash: string;
  what: string;
}

interface RateWindow {
  sim: LiveSimulation;
  start_ms: number;
  start_cycles: Cycles;
  start_events: number;
}

function speedLabel(index: number): string {
  const cps = SPEED_LEVELS_CPS[index];
  return Number.isFinite(cps) ? `${compactCycles(cps)} cycles/s` : 'max';
}

export class DashboardModel {
  sim: LiveSimulation;
  config: LiveConfig;
  paused = false;
  help = false;
  quit = false;
  speed_index: number;
  message: string | null = null;
  readonly events = new Ring<StreamEvent>(DASHBOARD_LIMITS.events_kept);
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
    this.sim = new LiveSimulation(config);
    this.window = this.newWindow();
    this.note(`${config.mode} mode, seed ${config.seed}: ${config.clients} clients on ${this.sim.servers.length} servers`);
  }

  /** One frame: runs the simulation for the virtual time this frame is worth at the current speed. */
  tick(): void {
    const now_ms = this.clock();
    const dt_ms = this.last_ms === null ? 0 : Math.min(now_ms - this.last_ms, DASHBOARD_LIMITS.frame_gap_ms_max);
    this.last_ms = now_ms;
    this.measure(now_ms);
    if (this.paused || this.quit) return;
    let limit = this.replay?.target_cycles ?? this.paceLimit(dt_ms);
    if (this.stop_at !== null) limit = Math.min(limit, this.stop_at);
    const deadline_ms = now_ms + DASHBOARD_LIMITS.slice_wall_ms_max;
    this.push(this.sim.advance(limit, () => this.clock() > deadline_ms));
    this.checkReplay();
    if (this.stop_at !== null && this.sim.now >= this.stop_at && this.stopped_at === null) {
      this.stopped_at = this.sim.now;
      this.paused = true;
      this.message = `reached --cycles ${this.stop_at}: paused (q quits, m or r start another run)`;
    }
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
    const sim = this.sim;
    const sup = sim.system.supervisor;
    return {
      header: {
        mode: sim.config.mode,
        commit: sim.config.commit,
        seed: sim.config.seed,
        fault_rate: sim.config.fault_rate,
        clients: sim.config.clients,
        now_cycles: sim.now,
        cycles_per_s: this.cycles_per_s,
        trace_events_per_s: this.events_per_s,
        speed: this.replay === null ? speedLabel(this.speed_index) : 'max (replay)',
        paused: this.paused,
        panic: sim.system.kernel.panic_reason,
        given_up: sup.given_up,
        stopped_at: this.stopped_at,
      },
      servers: serverRows(sim),
      clients: clientRows(sim),
      ssr: ssrMapOf(sim),
      stats: sim.recovery.stats(),
      events: this.events.toArray(),
      trace: this.paused ? sim.traceTail().map(formatTraceLine) : [],
      prompt: this.pending === null ? null : `${this.pending} which server? 1-${sim.servers.length} (esc cancels)`,
      message: this.message,
      help: this.help,
    };
  }

  private choose(input: string, key: KeyPress): void {
    const kind = this.pending as InjectKind;
    this.pending = null;
    const n = Number(input);
    if (key.escape === true || !/^[1-9]$/.test(input)) {
      this.message = `${kind} cancelled`;
      return;
    }
    const def = this.sim.servers[n - 1];
    if (def === undefined) {
      this.message = `no server ${n}: servers are numbered 1-${this.sim.servers.length}`;
      return;
    }
    const inj = this.sim.schedule.requestHand(kind, def.name);
    this.message = `${kind} → ${def.name} at cycle ${inj.at_cycles}${this.paused ? ' (paused: space resumes, s steps)' : ''}`;
  }

  private togglePause(): void {
    this.paused = !this.paused;
    this.message = this.paused ? 'paused: s steps one scheduling decision, space resumes' : 'running';
  }

  private singleStep(): void {
    this.paused = true;
    const before = this.sim.now;
    this.push(this.sim.step());
    this.message = `one step: cycle ${before} → ${this.sim.now}`;
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
   * the one the original run had at that point.
   */
  private startReplay(): void {
    const failure = this.sim.lastFailure();
    if (failure === null) {
      this.message = 'no crash to replay yet';
      return;
    }
    const cause = this.sim.applied
      .toArray()
      .filter((a) => a.fault.server === failure.server && a.applied_at <= failure.detected_at)
      .at(-1);
    if (cause === undefined) {
      this.message = `the last failure (${failure.server}) has no injected fault left in the log to replay`;
      return;
    }
    const script = this.sim.schedule.hand_log.filter((h) => h.at_cycles <= cause.applied_at);
    const what = `${cause.kind} → ${cause.fault.server} (${cause.source})`;
    this.restart(this.config, script);
    this.replay = { target_cycles: cause.applied_at, trace_hash: cause.trace_hash, what };
    this.paused = false;
    this.note(`replay: from cycle 0 to ${cause.applied_at}, just before ${what}`);
    this.message = `replaying to cycle ${cause.applied_at}…`;
  }

  private checkReplay(): void {
    const r = this.replay;
    if (r === null || this.sim.now < r.target_cycles) return;
    this.replay = null;
    this.paused = true;
    const hash = this.sim.system.traceHash();
    const same = hash === r.trace_hash;
    this.note(`replay reached cycle ${this.sim.now}: trace hash ${shortHash(hash)} ${same ? 'matches the original run' : `DIFFERS from the original ${shortHash(r.trace_hash)}`}`);
    this.message = `replay paused just before ${r.what}; trace ${same ? 'identical ✓' : 'differs ✗'} — space resumes, s steps`;
  }

  private restart(config: LiveConfig, script: readonly Injection[] = []): void {
    this.config = config;
    this.sim = new LiveSimulation(config, script);
    this.events.clear();
    this.replay = null;
    this.stopped_at = null;
    this.carry_cycles = 0;
    this.window = this.newWindow();
    this.cycles_per_s = null;
    this.events_per_s = null;
  }

  /** The cycle this frame may run to at the current speed (fractions carry over to the next). */
  private paceLimit(dt_ms: number): Cycles {
    const cps = SPEED_LEVELS_CPS[this.speed_index];
    if (!Number.isFinite(cps)) return Number.POSITIVE_INFINITY;
    this.carry_cycles += (cps * dt_ms) / 1000;
    const whole = Math.floor(this.carry_cycles);
    this.carry_cycles -= whole;
    return this.sim.now + whole;
  }

  private measure(now_ms: number): void {
    const w = this.window;
    if (w.sim !== this.sim) this.window = this.newWindow();
    const elapsed_s = (now_ms - w.start_ms) / 1000;
    if (elapsed_s < 1) return;
    this.cycles_per_s = (this.sim.now - w.start_cycles) / elapsed_s;
    this.events_per_s = (this.sim.trace_events - w.start_events) / elapsed_s;
    this.window = this.newWindow(now_ms);
  }

  private newWindow(start_ms: number = this.clock()): RateWindow {
    return { sim: this.sim, start_ms, start_cycles: this.sim.now, start_events: this.sim.trace_events };
  }

  private push(events: readonly StreamEvent[]): void {
    for (const e of events) this.events.push(e);
  }

  private note(detail: string): void {
    this.events.push({ t: this.sim.now, kind: 'run', server: '-', detail });
  }
}
