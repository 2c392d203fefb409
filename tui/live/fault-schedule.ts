// Where the dashboard's faults come from, and how they reach the system: at a seeded rate, and by
// hand (a key). Both become ordinary faults of src/faults (data), injected at a virtual time:
//
// - crash: a time trigger now — the server's thread takes an exception at once;
// - hang: at the server's next request — it spins until the heartbeats find it;
// - corrupt: a bit of one client's state flipped now (the SSR under persist/curios, the server's
//   own memory otherwise; the heap of a server with no client state);
// - wild-write: the next request's first store lands in another client's state (or the heap).
//
// Every injection waits in a queue and is applied at the top of a simulation slice, in order of
// due time (rate before hand at a tie). A run is then a pure function of (seed, mode, rate, the
// hand injections and their virtual times): the log of hand injections is all that replay needs.
//
// The FaultInjector carries out one plan; adding a fault starts a new injector with the faults
// the old one has not fired yet plus the new one, so that nothing fired is kept — memory stays
// bounded however long the dashboard runs.
import { drawInt, streamFor, type RandomGenerator } from '../../src/hw/seed.ts';
import type { Cycles } from '../../src/hw/types.ts';
import { FaultInjector, type FiredFault } from '../../src/faults/injector.ts';
import type { Fault } from '../../src/faults/model.ts';
import type { ServerDef } from '../../src/servers/framework/define.ts';
import type { System } from '../../src/servers/system.ts';
import { DASHBOARD_LIMITS } from '../limits.ts';

export const INJECT_KINDS = ['crash', 'hang', 'corrupt', 'wild-write'] as const;
export type InjectKind = (typeof INJECT_KINDS)[number];

export interface Injection {
  /** the virtual time it was asked for, and is applied at */
  at_cycles: Cycles;
  source: 'hand' | 'rate';
  kind: InjectKind;
  fault: Fault;
}

export interface ScheduleConfig {
  seed: number;
  /** faults per million simulated cycles; 0: none */
  fault_rate: number;
  servers: readonly ServerDef[];
  clients: number;
}

export class FaultSchedule {
  /** every hand injection so far, in order (what replay needs) */
  readonly hand_log: Injection[] = [];
  private readonly queue: Injection[] = [];
  private readonly rate_rng: RandomGenerator;
  private readonly hand_rng: RandomGenerator;
  private next_rate_at: Cycles;
  private injector: FaultInjector | null = null;
  private fired_seen = 0;
  /** faults fired and not yet drained, including those of injectors since replaced */
  private readonly fired_unread: FiredFault[] = [];

  constructor(
    private readonly system: System,
    private readonly cfg: ScheduleConfig,
    /** hand injections to apply again at their times (a replay) */
    script: readonly Injection[] = [],
  ) {
    if (!(cfg.fault_rate >= 0) || !Number.isFinite(cfg.fault_rate)) throw new RangeError(`fault rate must be a finite number ≥ 0, got ${cfg.fault_rate}`);
    this.rate_rng = streamFor(cfg.seed, 'dashboard/fault-rate');
    this.hand_rng = streamFor(cfg.seed, 'dashboard/hand-faults');
    this.next_rate_at = this.drawGap();
    for (const inj of script) this.enqueue(inj);
  }

  /** The next virtual time at which an injection is due (a slice must stop there). */
  nextDue(): Cycles {
    return Math.min(this.next_rate_at, this.queue[0]?.at_cycles ?? Number.POSITIVE_INFINITY);
  }

  /** Asks for a fault by hand, at the current virtual time; applied at the next slice. */
  requestHand(kind: InjectKind, server: string): Injection {
    if (this.hand_log.length >= DASHBOARD_LIMITS.hand_faults_max) throw new RangeError(`at most ${DASHBOARD_LIMITS.hand_faults_max} faults by hand in one run`);
    const inj: Injection = { at_cycles: this.system.now, source: 'hand', kind, fault: this.faultFor(kind, this.def(server), this.hand_rng) };
    this.enqueue(inj);
    return inj;
  }

  /** Applies every injection that is due now; returns them. */
  injectDue(): Injection[] {
    const now = this.system.now;
    const applied: Injection[] = [];
    while (this.next_rate_at <= now) {
      applied.push(this.rateInjection(this.next_rate_at));
      this.next_rate_at += this.drawGap();
    }
    while (this.queue.length > 0 && this.queue[0].at_cycles <= now) applied.push(this.queue.shift() as Injection);
    applied.sort((a, b) => a.at_cycles - b.at_cycles || Number(a.source === 'hand') - Number(b.source === 'hand'));
    if (applied.length > 0) this.arm(applied.map((a) => a.fault));
    return applied;
  }

  /** Fires time-triggered faults that are due (call between scheduling steps). */
  tick(): void {
    this.injector?.tick();
  }

  /** Faults fired since the last call. */
  drainFired(): FiredFault[] {
    this.harvest();
    return this.fired_unread.splice(0);
  }

  private harvest(): void {
    const fired = this.injector?.fired ?? [];
    this.fired_unread.push(...fired.slice(this.fired_seen));
    this.fired_seen = fired.length;
  }

  private enqueue(inj: Injection): void {
    if (inj.source === 'hand') this.hand_log.push(inj);
    let i = this.queue.length;
    while (i > 0 && this.queue[i - 1].at_cycles > inj.at_cycles) i--;
    this.queue.splice(i, 0, inj);
  }

  private arm(faults: Fault[]): void {
    const old = this.injector;
    let carried: Fault[] = [];
    if (old !== null) {
      // Due time triggers fire now, so that none is lost with the old injector.
      old.tick();
      this.harvest();
      const fired = new Set(old.fired.map((f) => f.index));
      const now = this.system.now;
      // A fault waiting for a request of a server that is down or given up would wait forever.
      const alive = new Set(this.system.supervisor.servers.filter((s) => s.condition === 'running' || s.condition === 'recovering').map((s) => s.name));
      carried = old.plan.faults.filter((f, i) => !fired.has(i) && !(f.trigger.at === 'time' && f.trigger.cycles <= now) && alive.has(f.server)).slice(-DASHBOARD_LIMITS.faults_waiting_max);
      old.detach();
    }
    this.injector = new FaultInjector({ version: 1, faults: [...carried, ...faults] }, this.cfg.seed).attach(this.system);
    this.fired_seen = 0;
  }

  private rateInjection(at: Cycles): Injection {
    const kind = INJECT_KINDS[drawInt(this.rate_rng, 0, INJECT_KINDS.length - 1)];
    const def = this.cfg.servers[drawInt(this.rate_rng, 0, this.cfg.servers.length - 1)];
    return { at_cycles: at, source: 'rate', kind, fault: this.faultFor(kind, def, this.rate_rng) };
  }

  /** A gap drawn uniformly around the mean 1/rate (in cycles); never when the rate is 0. */
  private drawGap(): Cycles {
    if (this.cfg.fault_rate === 0) return Number.POSITIVE_INFINITY;
    const mean_cycles = 1_000_000 / this.cfg.fault_rate;
    return drawInt(this.rate_rng, 1, Math.max(1, Math.round(2 * mean_cycles)));
  }

  private faultFor(kind: InjectKind, def: ServerDef, rng: RandomGenerator): Fault {
    const now = this.system.now;
    const stateful = def.state_bytes > 0;
    switch (kind) {
      case 'crash':
        return { server: def.name, kind: 'crash', trigger: { at: 'time', cycles: now } };
      case 'hang':
        return { server: def.name, kind: 'hang', trigger: { at: 'request', n: 1 } };
      case 'corrupt': {
        // With client state, the offset picks the client (offset / state_bytes) and the byte.
        const span = stateful ? def.state_bytes * this.cfg.clients : def.heap_pages * this.system.machine.mmu.page_bytes;
        return { server: def.name, kind: 'bitflip', trigger: { at: 'time', cycles: now }, target: stateful ? 'ssr' : 'heap', offset: drawInt(rng, 0, span - 1), bit: drawInt(rng, 0, 7) };
      }
      case 'wild-write':
        return { server: def.name, kind: 'wild-write', trigger: { at: 'request', n: 1 }, region: stateful ? 'other-state' : 'heap', offset: drawInt(rng, 0, 4095) };
    }
  }

  private def(server: string): ServerDef {
    const def = this.cfg.servers.find((d) => d.name === server);
    if (def === undefined) throw new Error(`no server named ${server}: expected one of ${this.cfg.servers.map((d) => d.name).join(', ')}`);
    return def;
  }
}
