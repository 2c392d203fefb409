// The supervisor (MINIX 3's reincarnation server): a user-level task, the fault handler of every
// restartable server. It learns of failures from the kernel's fault messages, and of hangs from
// heartbeats — it pings each server every period, and one that has not answered for two periods is
// treated as crashed. It carries out RestartPolicy's decisions with the kernel's control
// mechanisms (restart, shutdown) and settles the calls a dead server was serving as its mode says
// (src/ssr/modes.ts `settleInFlight`): requeued for a retry when the request was shadow-committed
// or went to a stateless driver under MINIX 3's restart, failed otherwise.
//
// Its bookkeeping (SupervisorState) is plain data that the dashboard and campaigns read.
import type { Cycles } from '../../hw/types.ts';
import { FAULT_LABEL, type ThreadCtx } from '../../kernel/kernel.ts';
import { capSlot, type CapSlot } from '../../kernel/objects.ts';
import * as sys from '../../kernel/sys.ts';
import { serverBit, serverOfFaultBadge } from '../../ssr/badges.ts';
import { MODE_SPECS, settleInFlight, type CommitPolicy, type Mode } from '../../ssr/modes.ts';
import { DEFAULT_POLICY, RestartPolicy, type ExitReason, type RestartPolicyConfig } from './policy.ts';

export interface SupervisorConfig extends RestartPolicyConfig {
  heartbeat_period_cycles: Cycles;
}

export const DEFAULT_SUPERVISOR: Readonly<SupervisorConfig> = Object.freeze({ ...DEFAULT_POLICY, heartbeat_period_cycles: 100_000 });

export const SUPERVISOR_PRIORITY = 6;
const EVENTS_KEPT = 256;

export type ServerCondition = 'running' | 'recovering' | 'down' | 'given-up';

export interface SupervisedServer {
  readonly name: string;
  condition: ServerCondition;
  incarnation: number;
  restarts: number;
  started_at: Cycles;
  last_heartbeat: Cycles;
}

export interface RecoveryEvent {
  server: string;
  cause: ExitReason | 'exception' | 'page-fault' | 'watchdog' | 'killed';
  detected_at: Cycles;
  restarted_at: Cycles | null;
  outcome: 'restarted' | 'down' | 'given-up' | 'ignored';
  retried: number;
  aborted: number;
}

export class SupervisorState {
  readonly servers: SupervisedServer[];
  readonly events: RecoveryEvent[] = [];
  events_total = 0;
  given_up = false;

  constructor(names: readonly string[]) {
    this.servers = names.map((name) => ({ name, condition: 'running', incarnation: 0, restarts: 0, started_at: 0, last_heartbeat: 0 }));
  }

  record(e: RecoveryEvent): RecoveryEvent {
    this.events.push(e);
    this.events_total++;
    if (this.events.length > EVENTS_KEPT) this.events.shift();
    return e;
  }
}

/** The supervisor's capability slots: its endpoint, then per server a control cap and a ping cap. */
export const SUPERVISOR_SLOTS = {
  endpoint: capSlot(0),
  control: (i: number): CapSlot => capSlot(1 + 2 * i),
  ping: (i: number): CapSlot => capSlot(2 + 2 * i),
};

export interface SupervisorSetup {
  mode: Mode;
  commit: CommitPolicy;
  config: SupervisorConfig;
  state: SupervisorState;
  /** per server, in the state's order: true for a stateless driver (a request to it may be re-issued) */
  stateless: readonly boolean[];
}

const FAULT_CAUSES: Record<number, RecoveryEvent['cause']> = { 1: 'page-fault', 2: 'page-fault', 3: 'exception', 4: 'killed', 5: 'watchdog', 6: 'exception' };

export function* supervisorMain(_ctx: ThreadCtx, s: SupervisorSetup): sys.Sys<void> {
  const names = s.state.servers.map((x) => x.name);
  const policy = new RestartPolicy(s.config, names);
  const period = s.config.heartbeat_period_cycles;
  const pending: { index: number; at: Cycles; orphans: number[]; event: RecoveryEvent }[] = [];
  let next_tick = (yield* sys.now()) + period;
  /** per server, when the oldest ping it has not answered was sent (null: none outstanding) */
  const unanswered: (Cycles | null)[] = s.state.servers.map(() => null);
  /** the receive's options, refilled for each wait (the system-call stub copies them) */
  const waitOpts = { timeout_cycles: 0 };

  // (loops, not closures: this runs at every heartbeat of every run)
  for (;;) {
    const now = yield* sys.now();
    let wake = next_tick;
    for (const p of pending) wake = Math.min(wake, p.at);
    waitOpts.timeout_cycles = Math.max(0, wake - now);
    const r = yield* sys.recv(SUPERVISOR_SLOTS.endpoint, waitOpts);
    const t = yield* sys.now();
    if (r.err === 'OK' && r.kind === 'notify') {
      for (let i = 0; i < s.state.servers.length; i++) {
        if ((r.value & serverBit(i)) === 0) continue;
        s.state.servers[i].last_heartbeat = t;
        unanswered[i] = null;
      }
    } else if (r.err === 'OK' && r.kind === 'kernel' && r.label === FAULT_LABEL) {
      const index = serverOfFaultBadge(r.badge);
      const srv = s.state.servers[index];
      const orphan = r.words[4] ?? 0;
      const orphans = orphan > 0 ? [orphan - 1] : [];
      if (srv !== undefined && srv.condition === 'running') {
        yield* failure(index, FAULT_CAUSES[r.words[0]] ?? 'exception', 'crash', t, orphans);
      } else if (srv !== undefined) {
        // It failed again before its restart (a sibling waiting out a backoff): the call it was
        // serving is settled with that restart — or now, if none is coming.
        const p = pending.find((x) => x.index === index);
        if (p !== undefined) p.orphans.push(...orphans);
        else for (const caller of orphans) yield* sys.control(SUPERVISOR_SLOTS.control(index), { action: 'abort-call', caller_thread: caller });
      }
    }
    if (t >= next_tick) {
      // Ticks are counted on their schedule, not on when this thread got to run: a wake-up late by
      // a quantum (a hung server spinning) must not stretch or shrink the two periods.
      while (next_tick + period <= t) next_tick += period;
      const tick = next_tick;
      next_tick += period;
      // A server that has left a ping unanswered for two periods is hung (MINIX 3).
      for (let i = 0; i < s.state.servers.length; i++) {
        const sent = unanswered[i];
        if (s.state.servers[i].condition === 'running' && sent !== null && tick - sent >= 2 * period) yield* failure(i, 'hang', 'hang', t, []);
      }
      for (let i = 0; i < s.state.servers.length; i++) {
        if (s.state.servers[i].condition !== 'running') continue;
        yield* sys.notify(SUPERVISOR_SLOTS.ping(i));
        unanswered[i] ??= tick;
      }
    }
    yield* restartDue(t);
  }

  function* failure(index: number, cause: RecoveryEvent['cause'], reason: ExitReason, t: Cycles, orphans: number[]): sys.Sys<void> {
    const srv = s.state.servers[index];
    const event = s.state.record({ server: srv.name, cause, detected_at: t, restarted_at: null, outcome: 'restarted', retried: 0, aborted: 0 });
    if (!MODE_SPECS[s.mode].restarts) {
      event.outcome = 'down';
      yield* shutdown(index, orphans, event);
      return;
    }
    const d = policy.onExit(srv.name, t, reason);
    if (d.kind === 'ignore') {
      event.outcome = 'ignored';
      yield* shutdown(index, orphans, event);
      return;
    }
    if (d.kind === 'give-up') {
      event.outcome = 'given-up';
      s.state.given_up = true;
      for (let i = 0; i < s.state.servers.length; i++) yield* shutdown(i, i === index ? orphans : [], event);
      for (const x of s.state.servers) x.condition = 'given-up';
      pending.length = 0;
      return;
    }
    for (const name of d.children) {
      const i = names.indexOf(name);
      s.state.servers[i].condition = 'recovering';
      const existing = pending.find((p) => p.index === i);
      const mine = i === index ? orphans : [];
      if (existing !== undefined) existing.orphans.push(...mine);
      else pending.push({ index: i, at: t + d.delay_cycles, orphans: mine, event });
    }
    // An immediate restart happens now, not at the next wake-up.
    yield* restartDue(t);
  }

  /** Restarts the servers whose restart is due at `t`, in the order they were scheduled. */
  function* restartDue(t: Cycles): sys.Sys<void> {
    let due: typeof pending | null = null;
    for (const p of pending) if (p.at <= t) (due ??= []).push(p);
    if (due === null) return;
    for (const p of due) {
      pending.splice(pending.indexOf(p), 1);
      yield* restart(p.index, p.orphans, p.event);
    }
  }

  function* restart(index: number, orphans: number[], event: RecoveryEvent): sys.Sys<void> {
    const srv = s.state.servers[index];
    const r = yield* sys.control(SUPERVISOR_SLOTS.control(index), { action: 'restart' });
    const t = yield* sys.now();
    srv.incarnation++;
    srv.restarts++;
    srv.started_at = t;
    srv.last_heartbeat = t;
    srv.condition = 'running';
    unanswered[index] = null;
    event.restarted_at = t;
    // A shadow-committed request was rolled back, and a stateless driver keeps nothing to roll
    // back: such a request can be issued again from clean state.
    const retry = settleInFlight(s.mode, s.commit, s.stateless[index] === true) === 'requeue';
    for (const caller of [...orphans, ...r.words]) {
      const settled = yield* sys.control(SUPERVISOR_SLOTS.control(index), { action: retry ? 'requeue-call' : 'abort-call', caller_thread: caller });
      if (settled.err === 'OK') {
        if (retry) event.retried++;
        else event.aborted++;
      } else if (settled.err === 'ELIMIT') {
        // Retried as often as a call may be: the request itself kills the server; fail it cleanly.
        const aborted = yield* sys.control(SUPERVISOR_SLOTS.control(index), { action: 'abort-call', caller_thread: caller });
        if (aborted.err === 'OK') event.aborted++;
      }
    }
  }

  function* shutdown(index: number, orphans: number[], event: RecoveryEvent): sys.Sys<void> {
    const srv = s.state.servers[index];
    const r = yield* sys.control(SUPERVISOR_SLOTS.control(index), { action: 'shutdown' });
    for (const caller of [...orphans, ...r.words]) {
      const settled = yield* sys.control(SUPERVISOR_SLOTS.control(index), { action: 'abort-call', caller_thread: caller });
      if (settled.err === 'OK') event.aborted++;
    }
    srv.condition = s.state.given_up ? 'given-up' : 'down';
  }
}
