// The fault injector: carries out a fault plan against a running system. It plugs into the
// server framework's FaultPort (requests, injection sites, replies) and the kernel's memory hook
// (the k-th access of a request, flipped values, wild stores), and flips bits of physical memory
// through the target server's own page table — so a flip lands only where the server could have
// reached, and "another client's state where mapped" means exactly that.
//
// Each fault fires at most once. `disarm()` ends the safety phase: nothing fires after it.
import { drawChance, streamFor, type RandomGenerator } from '../hw/seed.ts';
import type { MemAccess } from '../kernel/memory-view.ts';
import type { Thread } from '../kernel/objects.ts';
import { HEAP_BASE, RECV_BUF, SSR_HEADER_BYTES, stateWindow } from '../ssr/layout.ts';
import type { ServerReply, ServerRequest } from '../servers/framework/define.ts';
import type { FaultPort, RequestFault } from '../servers/framework/fault-port.ts';
import { STATUSES } from '../servers/framework/status.ts';
import type { System } from '../servers/system.ts';
import type { Fault, FaultPlan } from './model.ts';

export interface FiredFault {
  index: number;
  kind: Fault['kind'];
  server: string;
  at_cycles: number;
  /** the client whose request the fault hit, when it hit one */
  client: number | null;
  effect: string;
}

/** A fault waiting inside a request for its access (regflip, wild-write, crash at access k). */
interface Armed {
  index: number;
  fault: Fault;
  thread: Thread;
  client: number;
  /** accesses left before the one that is hit (0: the next matching one) */
  skip: number;
}

export class FaultInjector implements FaultPort {
  readonly fired: FiredFault[] = [];
  private readonly done = new Set<number>();
  private readonly requests = new Map<string, number>();
  private readonly armed: Armed[] = [];
  private readonly site_on = new Map<string, boolean>();
  private readonly rng: RandomGenerator;
  private active = true;

  constructor(
    private readonly system: System,
    readonly plan: FaultPlan,
    seed: number,
  ) {
    this.rng = streamFor(seed, 'fault-sites');
    system.faults = this;
    system.kernel.memoryHook = (a) => this.onAccess(a);
  }

  disarm(): void {
    this.active = false;
    this.armed.length = 0;
  }

  /** Fires time-triggered faults that are due; call it between scheduling steps. */
  tick(): void {
    if (!this.active) return;
    const now = this.system.now;
    this.plan.faults.forEach((f, index) => {
      if (this.done.has(index) || f.trigger.at !== 'time' || f.trigger.cycles > now) return;
      this.done.add(index);
      if (f.kind === 'crash') {
        const t = this.liveThread(f.server);
        if (t === null) return;
        // A crash between requests hits no client; one in the middle of a request hits its client.
        this.record(index, f, this.system.requests.servingNow(t), 'crash at time');
        this.system.kernel.faultThread(t, { kind: 'exception', vaddr: 0, message: `injected crash at ${now} cycles` });
      } else if (f.kind === 'bitflip') {
        const effect = this.flipAtRest(f);
        if (effect !== null) this.record(index, f, effect.client, effect.what);
      }
    });
  }

  beforeRequest(server: string, req: ServerRequest): RequestFault {
    if (!this.active) return null;
    const n = (this.requests.get(server) ?? 0) + 1;
    this.requests.set(server, n);
    let outcome: RequestFault = null;
    this.plan.faults.forEach((f, index) => {
      if (this.done.has(index) || f.server !== server) return;
      if (f.trigger.at === 'request' && f.trigger.n === n) {
        this.done.add(index);
        outcome = this.atRequest(index, f, req) ?? outcome;
      } else if (f.trigger.at === 'access' && f.trigger.n === n) {
        this.done.add(index);
        const t = this.system.kernel.running();
        if (t !== null) this.armed.push({ index, fault: f, thread: t, client: req.client, skip: f.trigger.k - 1 });
      }
    });
    return outcome;
  }

  site(server: string, name: string): boolean {
    if (!this.active) return false;
    let firedHere = false;
    this.plan.faults.forEach((f, index) => {
      if (this.done.has(index) || f.server !== server || f.trigger.at !== 'site' || f.trigger.name !== name) return;
      const key = `${server}/${name}`;
      if (!this.site_on.has(key)) this.site_on.set(key, drawChance(this.rng, f.trigger.p_on));
      if (this.site_on.get(key) !== true || !drawChance(this.rng, f.trigger.p_fire)) return;
      this.done.add(index);
      firedHere = true;
      const t = this.system.kernel.running();
      if (f.kind === 'crash' && t !== null) {
        this.record(index, f, null, `crash at site ${name}`);
        this.stopRunning(t, `injected crash at site ${name}`);
      } else if (f.kind === 'bitflip') {
        const effect = this.flipAtRest(f);
        if (effect !== null) this.record(index, f, effect.client, `${effect.what} at site ${name}`);
      }
    });
    return firedHere;
  }

  beforeReply(server: string, req: ServerRequest, reply: ServerReply): ServerReply {
    if (!this.active) return reply;
    // A request that ends disarms what it left armed: a fault lives within its request.
    for (let i = this.armed.length - 1; i >= 0; i--) if (this.armed[i].fault.server === server) this.armed.splice(i, 1);
    let out = reply;
    this.plan.faults.forEach((f, index) => {
      if (f.kind !== 'msg-corrupt' || f.server !== server || !this.pendingReply.has(index)) return;
      this.pendingReply.delete(index);
      out = corruptReply(out, f.word, f.bit);
      this.record(index, f, req.client, `reply corrupted (word ${f.word}, bit ${f.bit})`);
    });
    return out;
  }

  private readonly pendingReply = new Set<number>();

  private atRequest(index: number, f: Fault, req: ServerRequest): RequestFault {
    switch (f.kind) {
      case 'crash':
        this.record(index, f, req.client, 'crash');
        return 'crash';
      case 'hang':
        this.record(index, f, req.client, 'hang');
        return 'hang';
      case 'bitflip': {
        const effect = this.flipInRequest(f, req);
        if (effect !== null) this.record(index, f, req.client, effect);
        return null;
      }
      case 'regflip':
      case 'wild-write': {
        const t = this.system.kernel.running();
        if (t !== null) this.armed.push({ index, fault: f, thread: t, client: req.client, skip: 0 });
        return null;
      }
      case 'msg-corrupt':
        this.pendingReply.add(index);
        return null;
    }
  }

  /** The kernel's memory hook: counts a request's accesses and applies what is armed. */
  private onAccess(a: MemAccess): void {
    if (this.armed.length === 0) return;
    for (let i = 0; i < this.armed.length; i++) {
      const arm = this.armed[i];
      if (arm.thread !== a.thread) continue;
      if (!this.matches(arm.fault, a)) continue;
      if (arm.skip > 0) {
        arm.skip--;
        continue;
      }
      this.armed.splice(i, 1);
      this.apply(arm, a);
      return;
    }
  }

  private matches(f: Fault, a: MemAccess): boolean {
    if (f.kind === 'regflip') return f.target === 'load' ? !a.write && a.size <= 4 : f.target === 'store' ? a.write && a.size <= 4 : true;
    if (f.kind === 'wild-write') return a.write;
    return true;
  }

  private apply(arm: Armed, a: MemAccess): void {
    const f = arm.fault;
    const page = this.system.machine.mmu.page_bytes;
    if (f.kind === 'crash') {
      this.record(arm.index, f, arm.client, `crash at access ${f.trigger.at === 'access' ? f.trigger.k : 0}`);
      this.stopRunning(a.thread, 'injected crash at a memory access');
    } else if (f.kind === 'regflip') {
      const mask = (1 << f.bit) >>> 0;
      if (f.target === 'load') a.xor_result = mask;
      else if (f.target === 'store') a.value = (a.value ^ mask) >>> 0;
      else a.vaddr = (a.vaddr ^ mask) >>> 0;
      this.record(arm.index, f, arm.client, `${f.target} bit ${f.bit} flipped at 0x${a.vaddr.toString(16)}`);
    } else if (f.kind === 'wild-write') {
      const align = Math.max(1, Math.min(4, a.size));
      const target = this.wildTarget(f.server, f.region, f.offset, arm.client, page);
      a.vaddr = target - (target % align);
      this.record(arm.index, f, arm.client, `store redirected to 0x${a.vaddr.toString(16)}`);
    }
  }

  private wildTarget(name: string, region: 'heap' | 'other-state' | 'random', offset: number, client: number, page: number): number {
    const server = this.system.config.servers.find((d) => d.name === name);
    const heap_bytes = (server?.heap_pages ?? 1) * page;
    const state_bytes = Math.max(4, server?.state_bytes ?? 4);
    if (region === 'heap') return HEAP_BASE + (offset % heap_bytes);
    if (region === 'other-state') return stateWindow(this.victim(client, offset), page) + SSR_HEADER_BYTES + (offset % state_bytes);
    return offset >>> 0;
  }

  /** Another client than `client`, chosen by `offset`. */
  private victim(client: number, offset: number): number {
    const n = this.system.clientTasks.length;
    if (n < 2) return client;
    return (client + 1 + (offset % (n - 1))) % n;
  }

  private flipInRequest(f: Extract<Fault, { kind: 'bitflip' }>, req: ServerRequest): string | null {
    const def = this.system.config.servers.find((d) => d.name === f.server);
    if (def === undefined) return null;
    const page = this.system.machine.mmu.page_bytes;
    switch (f.target) {
      case 'heap':
        return this.flipVirt(f.server, HEAP_BASE + (f.offset % (def.heap_pages * page)), f.bit, 'heap');
      case 'msg':
        if (req.words.length > 0) {
          const w = f.offset % req.words.length;
          req.words[w] = (req.words[w] ^ (1 << ((f.offset + f.bit) % 32))) >>> 0;
          return `request word ${w} flipped`;
        }
        if (req.data.length > 0) {
          req.data[f.offset % req.data.length] ^= 1 << f.bit;
          return this.flipVirt(f.server, RECV_BUF + (f.offset % req.data.length), f.bit, 'message buffer');
        }
        req.op ^= 1 << (f.bit % 4);
        return 'request op flipped';
      case 'ssr':
      case 'other-ssr': {
        if (def.state_bytes === 0) return null;
        const client = f.target === 'ssr' ? req.client : this.victim(req.client, f.offset);
        if (f.target === 'other-ssr' && client === req.client) return null;
        return this.flipVirt(f.server, stateWindow(client, page) + SSR_HEADER_BYTES + (f.offset % def.state_bytes), f.bit, `state of client ${client}`);
      }
    }
  }

  /**
   * A flip between requests: the heap, or a client's state wherever it is kept. Returns what was
   * flipped and whose state it was (that client is the one the fault hits).
   */
  private flipAtRest(f: Extract<Fault, { kind: 'bitflip' }>): { what: string; client: number | null } | null {
    const def = this.system.config.servers.find((d) => d.name === f.server);
    if (def === undefined) return null;
    const page = this.system.machine.mmu.page_bytes;
    if (f.target === 'heap' || f.target === 'msg' || def.state_bytes === 0) {
      const base = f.target === 'msg' ? RECV_BUF : HEAP_BASE;
      const what = this.flipVirt(f.server, base + (f.offset % (f.target === 'msg' ? page : def.heap_pages * page)), f.bit, f.target === 'msg' ? 'message buffer' : 'heap');
      return what === null ? null : { what, client: null };
    }
    const clients = this.system.clientTasks.length;
    const client = Math.floor(f.offset / def.state_bytes) % Math.max(1, clients);
    const offset = f.offset % def.state_bytes;
    const task = this.system.serverTask(f.server);
    if (this.system.ssr.active && this.system.ssr.isRegistered(task)) {
      const pa = this.system.ssr.statePhysAddr(task, client, offset);
      if (pa === null) return null;
      this.system.machine.memory.flipBit(pa, f.bit);
      this.system.kernel.log('injector', 'bitflip', `${f.server} SSR of client ${client} +${offset} bit ${f.bit}`);
      return { what: `SSR of client ${client} flipped`, client };
    }
    const what = this.flipVirt(f.server, stateWindow(client, page) + SSR_HEADER_BYTES + offset, f.bit, `state of client ${client}`);
    return what === null ? null : { what, client };
  }

  /** Flips a bit at a server's virtual address, if the server has that page mapped. */
  private flipVirt(server: string, vaddr: number, bit: number, what: string): string | null {
    const task = this.system.serverTask(server);
    const page = this.system.machine.mmu.page_bytes;
    const pte = task.as.table.entries.get(Math.floor(vaddr / page));
    if (pte === undefined) return null;
    this.system.machine.memory.flipBit(pte.frame * page + (vaddr % page), bit);
    this.system.kernel.log('injector', 'bitflip', `${server} ${what} 0x${vaddr.toString(16)} bit ${bit}`);
    return `${what} bit flipped`;
  }

  private stopRunning(t: Thread, message: string): void {
    t.fault = { kind: 'exception', vaddr: 0, message };
    throw new Error(message);
  }

  private liveThread(server: string): Thread | null {
    return this.system.serverTask(server).threads.find((t) => t.state !== 'dead') ?? null;
  }

  private record(index: number, f: Fault, client: number | null, effect: string): void {
    this.fired.push({ index, kind: f.kind, server: f.server, at_cycles: this.system.now, client, effect });
    this.system.kernel.log('injector', 'fault', `${f.kind} -> ${f.server}: ${effect}`);
  }
}

function corruptReply(reply: ServerReply, word: number, bit: number): ServerReply {
  const words = reply.words ?? [];
  if (word < words.length) {
    const copy = words.slice();
    copy[word] = (copy[word] ^ (1 << bit)) >>> 0;
    return { ...reply, words: copy };
  }
  if (reply.data !== undefined && reply.data.length > 0) {
    const data = reply.data.slice();
    data[(word * 32 + bit) % data.length] ^= 1 << (bit % 8);
    return { ...reply, data };
  }
  const code = STATUSES.indexOf(reply.status) ^ (1 << (bit % 4));
  return { ...reply, status: STATUSES[code % STATUSES.length] };
}
