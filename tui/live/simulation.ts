// A live run: the system with every server and endless clients, its golden twin (the same
// clients, no faults, same mode) to judge what the clients see, and the fault schedule. It runs in
// slices of virtual time that the caller sizes (by speed, by a wall-clock budget); the slicing
// never changes the run: every slice stops at the next due injection, and injections are applied
// only at the top of a slice. What happened in a slice comes out as stream events.
import type { Cycles } from '../../src/hw/types.ts';
import type { TraceEvent } from '../../src/kernel/trace.ts';
import { demoProfile, inspectorsOf, modulesOf } from '../../src/servers/catalog.ts';
import type { ServerDef } from '../../src/servers/framework/define.ts';
import type { ClientOp } from '../../src/servers/framework/module.ts';
import type { RecoveryEvent } from '../../src/servers/supervisor/supervisor.ts';
import { System } from '../../src/servers/system.ts';
import type { CommitPolicy, Mode } from '../../src/ssr/modes.ts';
import { DASHBOARD_LIMITS, FAULT_RATE_DEFAULT } from '../limits.ts';
import { DamageWatch } from './damage-watch.ts';
import { ClientSink, endlessProgram, RoundSource } from './endless-workload.ts';
import { FaultSchedule, type Injection } from './fault-schedule.ts';
import { ObservationJudge, type Judged } from './observation-judge.ts';
import { RecoveryTracker } from './recovery-tracker.ts';
import { byTime, type StreamEvent } from './stream-event.ts';

/** A live run's configuration when no flag says otherwise (`curios` on a terminal). */
export const LIVE_DEFAULTS = { seed: 1, mode: 'curios', commit: 'shadow', fault_rate: FAULT_RATE_DEFAULT, clients: 3 } as const satisfies LiveConfig;

export interface LiveConfig {
  seed: number;
  mode: Mode;
  commit: CommitPolicy;
  /** faults per million simulated cycles; 0: none */
  fault_rate: number;
  clients: number;
}

/** An injection as it was applied: when, and the trace hash just before (what a replay must match). */
export interface AppliedInjection extends Injection {
  applied_at: Cycles;
  trace_hash: string;
}

const VERDICT_NOTES: Readonly<Record<Judged['verdict'], string>> = { error: '', stale: ' — a stale handle', wrong: ' — silently', other: ' — after an error it was told of' };

const TRACE_TO_STREAM: Readonly<Record<string, string>> = { 'ssr-reset': 'reset', 'ssr-rollback': 'rolled back', 'ssr-validated': 'validated' };

export class LiveSimulation {
  readonly system: System;
  readonly golden: System;
  readonly schedule: FaultSchedule;
  readonly judge: ObservationJudge;
  readonly recovery = new RecoveryTracker();
  /** broken invariants in idle servers: latent damage */
  readonly damage: DamageWatch;
  /** the next virtual time at which the idle servers' invariants are looked at */
  private damage_check_at: Cycles = DASHBOARD_LIMITS.damage_check_cycles;
  readonly servers: readonly ServerDef[];
  /** injections applied and not yet drained (the dashboard keeps them for replay) */
  private readonly applied: AppliedInjection[] = [];
  /** kernel trace events so far (the events/s figure) */
  trace_events = 0;
  private readonly rounds: RoundSource;
  private readonly sinks: ClientSink[];
  private readonly golden_sinks: ClientSink[];
  private readonly out: StreamEvent[] = [];
  private readonly pending_restarts = new Set<RecoveryEvent>();
  private events_seen = 0;
  private collected_at: Cycles = 0;
  /** (client, server) pairs already reported since the last failure, to keep the stream readable */
  private readonly reported = new Set<string>();

  constructor(
    readonly config: LiveConfig,
    script: readonly Injection[] = [],
  ) {
    const profile = demoProfile();
    const modules = modulesOf(profile);
    const rounds = (this.rounds = new RoundSource(config.seed, config.clients, profile.modules));
    this.servers = profile.servers;
    const build = (sinks: ClientSink[]) => new System({ mode: config.mode, commit: config.commit, servers: profile.servers, clients: sinks.map((sink, c) => endlessProgram(rounds, modules, c, sink)) });
    // The faulty run's observations are stamped with its own clock: a client event's time is where
    // the client saw the difference, whatever the wall-clock slicing that collected it.
    this.sinks = Array.from({ length: config.clients }, () => new ClientSink(() => this.system.now));
    this.golden_sinks = Array.from({ length: config.clients }, () => new ClientSink());
    this.system = build(this.sinks);
    this.golden = build(this.golden_sinks);
    this.judge = new ObservationJudge(config.clients, (c, index) => this.opAt(c, index)?.server ?? null);
    this.damage = new DamageWatch(this.system, profile.servers, inspectorsOf(profile));
    this.schedule = new FaultSchedule(this.system, { seed: config.seed, fault_rate: config.fault_rate, servers: profile.servers, clients: config.clients }, script);
    this.system.kernel.trace.listen((e) => {
      this.trace_events++;
      const what = TRACE_TO_STREAM[e.event];
      if (what !== undefined) this.out.push(ssrEvent(e.t, e.detail, what));
      if (e.event === 'panic') this.out.push({ t: e.t, kind: 'panic', server: '-', detail: e.detail });
    });
  }

  get now(): Cycles {
    return this.system.now;
  }

  /** The kernel's last trace events, oldest first (the single-step view). */
  traceTail(): TraceEvent[] {
    return this.system.kernel.trace.events().slice(-DASHBOARD_LIMITS.trace_lines_shown);
  }

  /**
   * Runs until `limit_cycles` (or a panic, or `out_of_time`, checked between slices) and returns
   * the events of what happened.
   */
  advance(limit_cycles: Cycles, out_of_time: () => boolean = () => false): StreamEvent[] {
    const k = this.system.kernel;
    while (this.now < limit_cycles && k.panic_reason === null) {
      this.applyDue();
      const bound = Math.min(limit_cycles, this.schedule.nextDue(), this.damage_check_at, this.now + DASHBOARD_LIMITS.slice_cycles);
      const before = this.now;
      const stop = this.system.run({ until: () => (this.schedule.tick(), false), until_cycles: bound });
      this.checkDamage();
      if (stop === 'idle' && this.now === before) break;
      if (out_of_time()) break;
    }
    return this.collect();
  }

  /** One scheduling step of the kernel (a thread runs to its next system call, or time moves on). */
  step(): StreamEvent[] {
    if (this.system.kernel.panic_reason === null) {
      this.applyDue();
      this.system.run({ until: () => (this.schedule.tick(), false), until_cycles: Math.min(this.schedule.nextDue(), this.damage_check_at), steps_max: 1 });
      this.checkDamage();
    }
    return this.collect();
  }

  /** The injections applied since the last call, oldest first (the newest injections_kept of them). */
  drainApplied(): AppliedInjection[] {
    return this.applied.splice(0);
  }

  /** The most recent failure the supervisor detected, or null. */
  lastFailure(): RecoveryEvent | null {
    const events = this.system.supervisor.events;
    return events.length === 0 ? null : events[events.length - 1];
  }

  /**
   * At every damage_check_cycles of virtual time — the first stop at or past it, whatever the
   * slicing, so a seed reports the same damage at the same time — looks at the idle servers.
   */
  private checkDamage(): void {
    if (this.now < this.damage_check_at) return;
    for (const e of this.damage.check(this.now)) {
      this.recovery.damaged();
      this.out.push(e);
    }
    const period = DASHBOARD_LIMITS.damage_check_cycles;
    this.damage_check_at = (Math.floor(this.now / period) + 1) * period;
  }

  private applyDue(): void {
    if (this.now < this.schedule.nextDue()) return;
    const trace_hash = this.system.traceHash();
    const applied_at = this.now;
    for (const inj of this.schedule.injectDue()) {
      this.applied.push({ ...inj, applied_at, trace_hash });
      if (this.applied.length > DASHBOARD_LIMITS.injections_kept) this.applied.shift();
      const what = inj.kind === 'hang' || inj.kind === 'wild-write' ? `${inj.kind} at its next request` : inj.kind;
      this.out.push({ t: applied_at, kind: 'inject', server: inj.fault.server, detail: `${what} (${inj.source})` });
    }
  }

  private collect(): StreamEvent[] {
    for (const f of this.schedule.drainFired()) {
      this.recovery.fired(f);
      this.out.push({ t: f.at_cycles, kind: 'fault', server: f.server, detail: `${f.kind}: ${f.effect}${f.client === null ? '' : ` (client ${f.client})`}` });
    }
    this.collectSupervisor();
    this.collectClients();
    this.trimRequestLogs();
    return byTime(this.out.splice(0));
  }

  private collectSupervisor(): void {
    const sup = this.system.supervisor;
    const fresh = Math.min(sup.events_total - this.events_seen, sup.events.length);
    this.events_seen = sup.events_total;
    for (const e of sup.events.slice(sup.events.length - fresh)) {
      this.recovery.failed(e);
      this.reported.clear();
      this.out.push({ t: e.detected_at, kind: 'detect', server: e.server, detail: `failure detected: ${e.cause}` });
      if (e.outcome === 'restarted') this.pending_restarts.add(e);
      else this.out.push({ t: e.detected_at, kind: e.outcome, server: e.server, detail: outcomeDetail(e) });
    }
    for (const e of this.pending_restarts) {
      if (e.restarted_at === null) continue;
      this.pending_restarts.delete(e);
      this.recovery.restartedAt(e);
      const srv = sup.servers.find((s) => s.name === e.server);
      this.out.push({ t: e.restarted_at, kind: 'restart', server: e.server, detail: `restarted, incarnation ${srv?.incarnation ?? '?'}; calls retried ${e.retried}, aborted ${e.aborted}` });
    }
    if (sup.given_up) {
      for (const e of this.pending_restarts) this.recovery.settled(e);
      this.pending_restarts.clear();
    }
  }

  private collectClients(): void {
    // A faulty observation whose golden twin is already in is judged here, at once: keep the verdict.
    this.sinks.forEach((sink, c) => {
      for (const j of this.judge.add(c, sink.drain(), [])) this.noteDifference(j);
    });
    const behind = () => this.golden_sinks.some((g, c) => this.judge.goldenHave(c) + g.observations.length < this.judge.goldenNeeded(c));
    // The golden run may fall behind by what the faulty run did since, plus a bounded catch-up.
    const budget_cycles = Math.max(0, this.now - this.collected_at) + DASHBOARD_LIMITS.golden_catchup_cycles_max;
    this.collected_at = this.now;
    if (behind() && this.golden.kernel.panic_reason === null) {
      this.golden.run({ until: () => !behind(), until_cycles: this.golden.now + budget_cycles });
    }
    this.golden_sinks.forEach((g, c) => {
      for (const j of this.judge.add(c, [], g.drain())) this.noteDifference(j);
    });
  }

  private noteDifference(j: Judged): void {
    const at = this.opAt(j.client, j.index);
    const server = at?.server ?? '-';
    const result = j.observed.status === 'OK' && j.expected.status === 'OK' ? (j.verdict === 'wrong' ? 'wrong result' : 'another result') : j.observed.status;
    const text = `${at === null ? 'call' : `${at.server}.${at.op}`} ${result} (golden ${j.expected.status})`;
    this.judge.tallies[j.client].last = text;
    const key = `${j.client}/${server}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.out.push({ t: this.sinks[j.client].stampOf(j.index) ?? this.now, kind: 'client', server, detail: `client ${j.client}: ${text}${VERDICT_NOTES[j.verdict]}` });
  }

  /** The operation behind a client's index-th observation, while its round is still known. */
  private opAt(client: number, index: number): ClientOp | null {
    const where = this.sinks[client].locate(index);
    return where === null ? null : (this.rounds.ops(client, where.round)[where.at] ?? null);
  }

  private trimRequestLogs(): void {
    for (const system of [this.system, this.golden]) {
      for (const list of system.requests.order.values()) {
        if (list.length > 2 * DASHBOARD_LIMITS.request_log_kept) list.splice(0, list.length - DASHBOARD_LIMITS.request_log_kept);
      }
    }
  }
}

/** The SSR manager's trace detail, "fs client=2 (why)", as a stream event. */
function ssrEvent(t: Cycles, detail: string, what: string): StreamEvent {
  const m = /^(\S+) client=(\d+)(?: \((.*)\))?$/.exec(detail);
  if (m === null) return { t, kind: 'ssr', server: '-', detail: `SSR ${detail} ${what}` };
  return { t, kind: 'ssr', server: m[1], detail: `SSR of client ${m[2]} ${what}${m[3] === undefined ? '' : ` (${m[3]})`}` };
}

function outcomeDetail(e: RecoveryEvent): string {
  if (e.outcome === 'down') return `left down (mode none); calls aborted ${e.aborted}`;
  if (e.outcome === 'given-up') return 'supervisor gave up: restart intensity exceeded, every server stopped';
  return 'not restarted (its restart type says so)';
}
