// The fault injector: decides *when* each fault of a plan fires, and records what the run reached
// (its `Reach`: the requests each server handled and their memory accesses, the injection sites
// hit, the length of the safety phase). What a fault *does* is in src/faults/effects.ts.
//
// It attaches explicitly (`attach(system)`) to the server framework's FaultPort (requests, sites,
// recoveries, replies) and to the kernel's memory hook (the k-th access, flipped values, wild
// stores), and detaches (`detach()`) at the end of the safety phase: nothing fires after it.
// Each fault fires at most once. Attached with an empty plan it only records the reach: the
// golden run's reach is where a campaign places faults, and a plan none of whose triggers the
// golden run reaches cannot fire (until a fault fires, a run *is* its golden run).
import { drawChance, streamFor, type RandomGenerator } from '../hw/seed.ts';
import type { MemAccess } from '../kernel/memory-view.ts';
import type { Task, Thread } from '../kernel/objects.ts';
import type { ServerReply, ServerRequest } from '../servers/framework/define.ts';
import { NO_FAULTS, type FaultPort, type RequestFault } from '../servers/framework/fault-port.ts';
import { HEAP_BASE, stateAddress } from '../ssr/layout.ts';
import type { System } from '../servers/system.ts';
import { corruptReply, crashHere, flipAtRest, flipInRequest, hangHere, letterOf, matchesAccess, onAccess, type Hit } from './effects.ts';
import type { Fault, FaultPlan } from './model.ts';

export interface FiredFault {
  index: number;
  kind: Fault['kind'];
  server: string;
  at_cycles: number;
  /**
   * the workload client whose request or state the fault hit, when it hit one: for a request, the
   * client on whose behalf it ran, through any chain of dependency calls (a fault in the disk
   * driver while it serves fs's call for client 2 hits client 2)
   */
  client: number | null;
  /** what of that client the fault hit: a request being served (through any chain of calls), or its state (a flip of the state a server keeps for it, at rest or from another client's request) */
  hit: 'request' | 'state';
  /** the server whose call the faulted request was (fs, for the disk driver), when it was a dependency call */
  through: string | null;
  effect: string;
}

/** What a run reached while faults were armed: where a fault can be placed and fire. */
export interface Reach {
  /**
   * server → the memory accesses it made from the start of each request it handled to the start
   * of the next (request n at n − 1): the request's own, then whatever the server did before its
   * next request — heartbeats, interrupts, reset hooks. The last runs to the end of the safety
   * phase. Every access from the server's first request on is in exactly one.
   */
  accesses: Record<string, number[]>;
  /** server → the client of each request it handled (request n at n − 1; −1: a kernel report) */
  clients: Record<string, number[]>;
  /** server → the operation its client was in at each request (an index into the client's workload; −1: unknown) */
  ops: Record<string, number[]>;
  /** `server/site` of each injection site reached */
  sites: string[];
  /** server → the memory accesses of each recovery it went through (its `init` and `recover` after restart n at n − 1) */
  recovery_accesses: Record<string, number[]>;
  /** server → the requests it had handled when each recovery began (restart n at n − 1) */
  recovery_after: Record<string, number[]>;
  /** the last time the injector looked for due time triggers */
  cycles: number;
  /**
   * server → one string per request span (as `accesses`, request n at n − 1), one letter per memory
   * access in it (ACCESS_LETTERS in effects.ts: `r`/`w` a load/store of at most 4 bytes, `R`/`W` a
   * bulk one): where a regflip or a wild write can act. Only when asked (recordAccessKinds): every
   * golden run records its target's, and regflip and wild-write points are drawn over them.
   */
  access_kinds?: Record<string, string[]>;
  /** server → what a golden run records for exploring the kinds with fields (only when asked: recordDetail) */
  detail?: Record<string, ReachDetail>;
}

/** Per request of one server (request n at n − 1): what it read, what it replied (its accesses' kinds are Reach.access_kinds). */
export interface ReachDetail {
  /** the heap words it loaded (byte offsets in the heap), each once, in the order first loaded */
  heap_reads: number[][];
  /** the client-state words it loaded (byte offsets over every client's state in turn, as a bit flip at rest counts them), each once */
  state_reads: number[][];
  /** the words of its reply (−1: it had none: the server died in it) */
  reply_words: number[];
}

/** A fault waiting for an access of its server: counted down, then applied. */
interface Armed {
  index: number;
  fault: Fault;
  task: Task;
  /** accesses to let pass before the one that is hit (0: the next one) */
  skip: number;
  /** what ends it unfired: its request's reply, the server's death (an access point), its recovery's end, or only the safety phase */
  scope: 'request' | 'span' | 'recovery' | 'run';
}

/**
 * A task's span being counted: request (or recovery) n of `list`, from the task's `accesses_made`
 * then; `list` null between spans (one record per task, refilled: spans begin at every request).
 */
interface Counting {
  list: number[] | null;
  n: number;
  from: number;
}

export class FaultInjector implements FaultPort {
  readonly fired: FiredFault[] = [];
  readonly reach: Reach = { accesses: {}, clients: {}, ops: {}, sites: [], recovery_accesses: {}, recovery_after: {}, cycles: 0 };
  /** the operation a client is in (set by whoever runs the workload: it knows the clients' progress) */
  opOf: (client: number) => number = () => -1;
  private system: System | null = null;
  private readonly done = new Set<number>();
  private readonly armed: Armed[] = [];
  private readonly counting = new Map<Task, Counting>();
  private readonly recoveries = new Map<string, number>();
  private readonly pendingReply = new Set<number>();
  private readonly site_on = new Map<string, boolean>();
  /** server → site name → `server/site`, built once per site (sites are asked at every pass) */
  private readonly site_keys = new Map<string, Map<string, string>>();
  /** the sites' draws, made only when a site fault is asked (deriving the stream is a hash: most runs need none) */
  private rng_: RandomGenerator | null = null;
  private readonly hook = (a: MemAccess) => this.onAccess(a);
  /** recordDetail's server: its task, its detail, and where its heap and client states lie */
  private detailed: { server: string; task: Task; detail: ReachDetail; heap: [number, number]; states: [number, number][] } | null = null;
  /**
   * recordAccessKinds's server: its task, the record counting its spans (once it has one), and
   * the char code of each access's letter in its spans so far, split into spans at detach (a
   * growing buffer: no string built per access)
   */
  private kinds: { server: string; task: Task; counting: Counting | null; codes: Uint8Array; length: number } | null = null;

  constructor(
    readonly plan: FaultPlan,
    private readonly seed: number,
  ) {}

  private get rng(): RandomGenerator {
    return (this.rng_ ??= streamFor(this.seed, 'fault-sites'));
  }

  /** Wires the injector into a system: its framework's fault port and its kernel's memory hook. */
  attach(system: System): this {
    if (this.system !== null) throw new Error('invariant: a fault injector attaches to one system, once');
    if (system.faults !== NO_FAULTS || system.kernel.memoryHook !== null) throw new Error('invariant: another fault injector is attached');
    this.system = system;
    system.faults = this;
    // Only a plan that flips state at rest listens to every reply (a hook on the IPC path costs every run).
    if (this.plan.faults.some((f) => f.trigger.at === 'rest')) system.hooks.add({ delivered: () => null, requestDone: (receiver, how) => this.atRest(receiver.task, how), taskRestarted: () => {} });
    return this;
  }

  /**
   * Records the kind of each memory access one server makes in its request spans
   * (reach.access_kinds, at detach): a golden run's, where regflips and wild writes are placed. It
   * keeps the memory hook on for the safety phase (one server at a time).
   */
  recordAccessKinds(server: string): void {
    if (this.kinds?.server === server) return;
    if (this.kinds !== null) throw new Error(`invariant: access kinds are recorded for one server (${this.kinds.server}), not also ${server}`);
    this.kinds = { server, task: this.sys().serverTask(server), counting: null, codes: new Uint8Array(ACCESS_KINDS_BUFFER_BYTES), length: 0 };
    this.syncHook();
  }

  /** Records, for one server, what exploring the kinds with fields needs (reach.detail and reach.access_kinds): a golden run's. */
  recordDetail(server: string): void {
    const system = this.sys();
    const def = system.config.servers.find((d) => d.name === server);
    if (def === undefined) throw new Error(`invariant: no server named ${server}`);
    this.recordAccessKinds(server);
    const page = system.machine.mmu.page_bytes;
    const detail: ReachDetail = { heap_reads: [], state_reads: [], reply_words: [] };
    (this.reach.detail ??= {})[server] = detail;
    const states = def.state_bytes === 0 ? [] : system.clientTasks.map((_, c): [number, number] => [stateAddress(c, page), stateAddress(c, page) + def.state_bytes]);
    this.detailed = { server, task: system.serverTask(server), detail, heap: [HEAP_BASE, HEAP_BASE + def.heap_pages * page], states };
    this.syncHook();
  }

  /** Unwires it: the safety phase is over, nothing fires after this. */
  detach(): void {
    const system = this.sys();
    for (const task of [...this.counting.keys()]) this.endSpan(task);
    this.armed.length = 0;
    if (this.kinds !== null && this.reach.access_kinds === undefined) this.reach.access_kinds = { [this.kinds.server]: this.kindsPerSpan(this.kinds) };
    if (system.faults === this) system.faults = NO_FAULTS;
    this.syncHook();
  }

  /**
   * The memory hook is on only while it has work: a fault armed on an access, or a golden run's
   * detail to record. Spans are counted without it (Task.accesses_made), so that ctx.mem keeps
   * its fast paths while nothing can fire at an access; what a run does is the same either way.
   */
  private syncHook(): void {
    const kernel = this.sys().kernel;
    const wanted = this.active && (this.armed.length > 0 || this.kinds !== null);
    if (wanted && kernel.memoryHook !== this.hook) kernel.memoryHook = this.hook;
    else if (!wanted && kernel.memoryHook === this.hook) kernel.memoryHook = null;
  }

  /** A task's accesses so far; reading the time first has ctx.mem settle what its fast path counted (clock.ts). */
  private accessesOf(task: Task): number {
    void this.sys().now;
    return task.accesses_made;
  }

  /** Starts counting a task's span (a request's, or a recovery's) as entry `list.length` of `list`, ending the one before. */
  private beginSpan(task: Task, list: number[]): number {
    this.endSpan(task);
    list.push(0);
    let c = this.counting.get(task);
    if (c === undefined) this.counting.set(task, (c = { list: null, n: 0, from: 0 }));
    c.list = list;
    c.n = list.length;
    c.from = this.accessesOf(task);
    return list.length;
  }

  /** Ends a task's span: its accesses since it began are counted. */
  private endSpan(task: Task): void {
    const c = this.counting.get(task);
    if (c === undefined || c.list === null) return;
    c.list[c.n - 1] += this.accessesOf(task) - c.from;
    c.list = null;
  }

  private get active(): boolean {
    return this.system !== null && this.system.faults === this;
  }

  /** Fires time-triggered faults that are due; call it between scheduling steps. */
  tick(): void {
    if (!this.active) return;
    const system = this.sys();
    const now = system.now;
    this.reach.cycles = now;
    // (asked after every scheduling step: index loops, no closures, here and in the per-request hooks)
    const faults = this.plan.faults;
    for (let index = 0; index < faults.length; index++) {
      const f = faults[index];
      if (f.trigger.at !== 'time' || f.trigger.cycles > now || this.done.has(index)) continue;
      this.done.add(index);
      const task = system.serverTask(f.server);
      if (f.kind === 'crash') {
        const t = task.threads.find((x) => x.state !== 'dead');
        if (t === undefined) continue;
        // A crash between requests hits no client; one in the middle of a request hits its client.
        this.record(index, f, { what: 'crash at time', client: this.originOf(t) }, t);
        system.kernel.faultThread(t, { kind: 'exception', vaddr: 0, message: `injected crash at ${now} cycles` });
      } else if (f.kind === 'bitflip') {
        this.record(index, f, flipAtRest(system, f));
      } else {
        // The server's next access, whatever it is doing: a request, a heartbeat, an interrupt.
        this.armed.push({ index, fault: f, task, skip: 0, scope: 'run' });
      }
    }
    this.syncHook();
  }

  beforeRequest(server: string, req: ServerRequest): RequestFault {
    if (!this.active) return null;
    const system = this.sys();
    const task = system.serverTask(server);
    // The span of the previous request ends here: an access point past its last access is not
    // reached (reaches() in campaign/trial.ts says the same), so it must not spill into this one.
    this.disarm(task, 'span');
    const n = this.beginSpan(task, (this.reach.accesses[server] ??= []));
    (this.reach.clients[server] ??= []).push(req.from_kernel ? -1 : req.client);
    (this.reach.ops[server] ??= []).push(req.from_kernel ? -1 : this.opOf(req.client));
    if (this.detailed?.task === task) {
      this.detailed.detail.heap_reads.push([]);
      this.detailed.detail.state_reads.push([]);
      this.detailed.detail.reply_words.push(-1);
    }
    let outcome: RequestFault = null;
    const faults = this.plan.faults;
    for (let index = 0; index < faults.length; index++) {
      const f = faults[index];
      if (f.server !== server || (f.trigger.at !== 'request' && f.trigger.at !== 'access') || f.trigger.n !== n || this.done.has(index)) continue;
      this.done.add(index);
      // Counted from the request's start on, past its reply: an access point may be in the heartbeats and interrupts that follow.
      if (f.trigger.at === 'access') this.armed.push({ index, fault: f, task, skip: f.trigger.k - 1, scope: 'span' });
      else outcome = this.atRequest(index, f, req, task, system.kernel.running()) ?? outcome;
    }
    this.syncHook();
    return outcome;
  }

  private atRequest(index: number, f: Fault, req: ServerRequest, task: Task, t: Thread | null): RequestFault {
    const origin = this.originOf(t);
    switch (f.kind) {
      case 'crash':
      case 'hang':
        this.record(index, f, { what: f.kind, client: origin }, t);
        return f.kind;
      case 'bitflip':
        this.record(index, f, flipInRequest(this.sys(), f, req, origin), t);
        return null;
      case 'regflip':
      case 'wild-write':
        this.armed.push({ index, fault: f, task, skip: 0, scope: 'request' });
        return null;
      case 'msg-corrupt':
        this.pendingReply.add(index);
        return null;
    }
  }

  site(server: string, name: string): boolean {
    if (!this.active) return false;
    const system = this.sys();
    const key = this.siteKey(server, name);
    if (!this.reach.sites.includes(key)) this.reach.sites.push(key);
    const faults = this.plan.faults;
    for (let index = 0; index < faults.length; index++) {
      const f = faults[index];
      if (f.server !== server || f.trigger.at !== 'site' || f.trigger.name !== name || this.done.has(index)) continue;
      if (!this.site_on.has(key)) this.site_on.set(key, drawChance(this.rng, f.trigger.p_on));
      if (this.site_on.get(key) !== true || !drawChance(this.rng, f.trigger.p_fire)) continue;
      this.done.add(index);
      const t = system.kernel.running();
      if (f.kind === 'bitflip') {
        const hit = flipAtRest(system, f);
        this.record(index, f, hit === null ? null : { what: `${hit.what} at site ${name}`, client: hit.client });
        return true;
      }
      if (t === null) continue;
      this.record(index, f, { what: `${f.kind} at site ${name}`, client: this.originOf(t) }, t);
      if (f.kind === 'hang') hangHere(`injected hang at site ${name}`);
      crashHere(t, `injected crash at site ${name}`);
    }
    return false;
  }

  private siteKey(server: string, name: string): string {
    let names = this.site_keys.get(server);
    if (names === undefined) this.site_keys.set(server, (names = new Map()));
    let key = names.get(name);
    if (key === undefined) names.set(name, (key = `${server}/${name}`));
    return key;
  }

  recovering(server: string, on: boolean): void {
    if (!this.active) return;
    const task = this.sys().serverTask(server);
    if (!on) {
      this.endSpan(task);
      this.disarm(task, 'recovery');
      this.syncHook();
      return;
    }
    // The request the server died in is over: what it left armed goes with it.
    this.disarm(task, 'request');
    this.disarm(task, 'span');
    // A recovery's accesses are counted as a request's are: where a second fault can land in it.
    (this.reach.recovery_after[server] ??= []).push(this.reach.accesses[server]?.length ?? 0);
    this.beginSpan(task, (this.reach.recovery_accesses[server] ??= []));
    const n = (this.recoveries.get(server) ?? 0) + 1;
    this.recoveries.set(server, n);
    const faults = this.plan.faults;
    for (let index = 0; index < faults.length; index++) {
      const f = faults[index];
      if (f.server !== server || f.trigger.at !== 'recovery' || f.trigger.n !== n || this.done.has(index)) continue;
      this.done.add(index);
      this.armed.push({ index, fault: f, task, skip: f.trigger.k - 1, scope: 'recovery' });
    }
    this.syncHook();
  }

  beforeReply(server: string, req: ServerRequest, reply: ServerReply): ServerReply {
    if (!this.active) return reply;
    const task = this.sys().serverTask(server);
    // A request that ends disarms what it armed for itself (a fault at the request); its span's
    // counting goes on to the next request, and so do access points (see Reach.accesses).
    this.disarm(task, 'request');
    this.syncHook();
    if (this.detailed?.task === task) this.detailed.detail.reply_words[this.detailed.detail.reply_words.length - 1] = reply.words?.length ?? 0;
    if (this.pendingReply.size === 0) return reply;
    let out = reply;
    const t = this.sys().kernel.running();
    const faults = this.plan.faults;
    for (let index = 0; index < faults.length; index++) {
      const f = faults[index];
      if (f.kind !== 'msg-corrupt' || f.server !== server || !this.pendingReply.has(index)) continue;
      this.pendingReply.delete(index);
      out = corruptReply(out, f.word, f.bit);
      this.record(index, f, { what: `reply corrupted (word ${f.word}, bit ${f.bit})`, client: this.originOf(t) }, t);
    }
    return out;
  }

  /** The kernel's memory hook (on while it has work: syncHook): records a golden run's access kinds and detail, and applies what is armed. */
  private onAccess(a: MemAccess): void {
    const task = a.thread.task;
    const kinds = this.kinds;
    if (kinds !== null && kinds.task === task) {
      const c = (kinds.counting ??= this.counting.get(task) ?? null);
      // (a request span's access, not a recovery's nor one before the first request)
      if (c !== null && c.list !== null && c.list === this.reach.accesses[kinds.server]) {
        if (kinds.length === kinds.codes.length) kinds.codes = growBytes(kinds.codes);
        kinds.codes[kinds.length++] = letterOf(a).charCodeAt(0);
        if (this.detailed !== null) this.note(a, c.n - 1);
      }
    }
    if (this.armed.length === 0) return;
    for (let i = 0; i < this.armed.length; i++) {
      const arm = this.armed[i];
      if (arm.task !== task) continue;
      if (arm.skip > 0) {
        arm.skip--;
        continue;
      }
      const f = arm.fault;
      if (!matchesAccess(f, a)) continue;
      this.armed.splice(i, 1);
      this.syncHook();
      const system = this.sys();
      const origin = this.originOf(a.thread);
      if (f.kind === 'regflip' || f.kind === 'wild-write') {
        // (a wild write aims at SSR windows: the one of the client the request's badge names)
        this.record(arm.index, f, { what: onAccess(system, f, a, system.requests.servingNow(a.thread) ?? 0), client: origin }, a.thread);
        return;
      }
      this.record(arm.index, f, { what: `${f.kind} at a memory access`, client: origin }, a.thread);
      if (f.kind === 'hang') hangHere('injected hang at a memory access');
      crashHere(a.thread, 'injected crash at a memory access');
    }
  }

  /** The accesses recorded for recordAccessKinds, one string per span of its server. */
  private kindsPerSpan(kinds: NonNullable<FaultInjector['kinds']>): string[] {
    const spans = this.reach.accesses[kinds.server] ?? [];
    const total = spans.reduce((a, b) => a + b, 0);
    if (total !== kinds.length) throw new Error(`invariant: ${kinds.server}'s spans counted ${total} accesses, its hook saw ${kinds.length}`);
    let from = 0;
    return spans.map((count) => LETTERS_TEXT.decode(kinds.codes.subarray(from, (from += count))));
  }

  /** A golden run's access, for recordDetail: the heap and state words it loads. */
  private note(a: MemAccess, i: number): void {
    const d = this.detailed;
    if (d === null) return;
    if (a.write) return;
    for (let w = a.vaddr - (a.vaddr % 4); w < a.vaddr + a.size; w += 4) {
      if (w >= d.heap[0] && w < d.heap[1]) addOnce(d.detail.heap_reads[i], w - d.heap[0]);
      const c = d.states.findIndex(([from, to]) => w >= from && w < to);
      if (c >= 0) addOnce(d.detail.state_reads[i], c * (d.states[c][1] - d.states[c][0]) + w - d.states[c][0]);
    }
  }

  /** The IPC hook's reply: a server that has just replied to its n-th request is at rest; `rest` n flips fire here. */
  private atRest(task: Task, how: 'reply' | 'recv' | 'died'): void {
    if (!this.active || how !== 'reply') return;
    const system = this.sys();
    this.plan.faults.forEach((f, index) => {
      if (this.done.has(index) || f.trigger.at !== 'rest' || f.kind !== 'bitflip' || system.serverTask(f.server) !== task) return;
      if (f.trigger.n !== (this.reach.accesses[f.server]?.length ?? 0)) return;
      this.done.add(index);
      this.record(index, f, flipAtRest(system, f));
    });
  }

  private disarm(task: Task, scope: Armed['scope']): void {
    for (let i = this.armed.length - 1; i >= 0; i--) if (this.armed[i].task === task && this.armed[i].scope === scope) this.armed.splice(i, 1);
  }

  private sys(): System {
    if (this.system === null) throw new Error('invariant: the fault injector is not attached');
    return this.system;
  }

  /** The workload client a fault in a server thread's request hits: the one on whose behalf it runs (null: none). */
  private originOf(t: Thread | null): number | null {
    return t === null ? null : this.sys().requests.originNow(t);
  }

  /** Records a fired fault; `t` is the server thread it hit in a request (null: it hit state at rest). */
  private record(index: number, f: Fault, hit: Hit | null, t: Thread | null = null): void {
    if (hit === null) return;
    const system = this.sys();
    const through = t === null ? null : (system.requests.callerNow(t)?.name ?? null);
    this.fired.push({ index, kind: f.kind, server: f.server, at_cycles: system.now, client: hit.client, hit: hit.of ?? 'request', through: hit.of === 'state' ? null : through, effect: hit.what });
    system.kernel.log('injector', 'fault', `${f.kind} -> ${f.server}: ${hit.what}`);
  }
}

/** recordAccessKinds's first buffer (it doubles as it fills) */
const ACCESS_KINDS_BUFFER_BYTES = 4096;
/** the letters' char codes are ASCII */
const LETTERS_TEXT = new TextDecoder('ascii');

function growBytes(codes: Uint8Array): Uint8Array {
  const grown = new Uint8Array(codes.length * 2);
  grown.set(codes);
  return grown;
}

function addOnce(list: number[], value: number): void {
  if (!list.includes(value)) list.push(value);
}
