// How a server runs: its boot image (pages, then one thread), and the thread's loop — receive,
// answer heartbeats, hand interrupts to `interrupt`, hand calls to `handle`, reply. The same loop
// runs in every mode; only what backs `req.state` differs (see src/ssr/layout.ts).
import { LIMITS } from '../../hw/limits.ts';
import type { ThreadCtx } from '../../kernel/kernel.ts';
import type { Kernel } from '../../kernel/kernel.ts';
import type { CapSlot, SysResult, Task, TaskImage } from '../../kernel/objects.ts';
import * as sys from '../../kernel/sys.ts';
import { HEARTBEAT_BIT, clientOfBadge } from '../../ssr/badges.ts';
import { DEP_BUF, HEAP_BASE, RECV_BUF, REPLY_BUF, stateAddress, stateWindow } from '../../ssr/layout.ts';
import { MODE_SPECS, type Mode } from '../../ssr/modes.ts';
import type { DepCallResult, ServerDef, ServerEnv, ServerReply, ServerRequest } from './define.ts';
import { InjectedHang, type FaultPort } from './fault-port.ts';
import { NO_WORDS, Outbox } from './message.ts';
import { statusCode, statusOfCode } from './status.ts';

export const SERVER_PRIORITY = 4;

export interface ServerWiring {
  def: ServerDef;
  mode: Mode;
  endpoint: CapSlot;
  pong: CapSlot;
  devices: Map<string, CapSlot>;
  deps: Map<string, CapSlot>;
  tasks: Map<number, CapSlot>;
  clients: readonly number[];
  /** told when the server's code reads `env.mode` (a run that did may differ between modes the golden cache would otherwise share) */
  modeRead?: () => void;
  faults: () => FaultPort;
  /** the clients whose state the SSR manager reset while the server ran, since it last asked (drained) */
  resets: () => readonly number[];
  /** a restarted server has finished its recovery (its `init` and `recover`) */
  recovered: () => void;
}

export function serverImage(kernel: Kernel, w: ServerWiring): TaskImage {
  return (task: Task) => {
    const page = kernel.machine.mmu.page_bytes;
    must(kernel.allocPages(task, HEAP_BASE, w.def.heap_pages, true), task, 'heap');
    must(kernel.allocPages(task, RECV_BUF, 3, true), task, 'buffers');
    // Where client state lives in the server's heap (no SSRs), it is the server's own memory, lost with it.
    if (w.def.state_bytes > 0 && MODE_SPECS[w.mode].client_state === 'server-heap') {
      for (const c of w.clients) must(kernel.allocPages(task, stateWindow(c, page), 1, true), task, `state of client ${c}`);
    }
    kernel.spawnThread(task, 'main', (ctx) => serverMain(ctx, w, page), { priority: SERVER_PRIORITY });
  };
}

function must(err: string, task: Task, what: string): void {
  if (err !== 'OK') throw new Error(`boot of ${task.name}: ${what}: ${err}`);
}

// One generator for the thread's whole life, its hang included: every system call the server
// makes is resumed through each generator it is nested in, so the loop is not wrapped in another.
function* serverMain(ctx: ThreadCtx, w: ServerWiring, page: number): sys.Sys<void> {
  try {
    const env = makeEnv(ctx, w, page);
    const restarted = ctx.task.incarnation > 0;
    if (restarted) w.faults().recovering(w.def.name, true);
    yield* w.def.init(env);
    if (restarted && MODE_SPECS[w.mode].recover_runs && w.def.recover !== undefined) yield* w.def.recover(env);
    if (restarted) {
      w.faults().recovering(w.def.name, false);
      // The explicit end of recovery: the SSRs mapped for `recover` go before anything else runs.
      w.recovered();
    }
    const recvOpts = { recv_buf: { vaddr: RECV_BUF, len: page } };
    const replies = new Outbox(REPLY_BUF);
    const inbox = w.def.borrows_request_data === true ? new Inbox(page) : null;
    let r = yield* sys.recv(w.endpoint, recvOpts);
    for (;;) {
      if (r.err !== 'OK') {
        r = yield* sys.recv(w.endpoint, recvOpts);
        continue;
      }
      // Global state derived from a client whose state was reset meanwhile is brought back in line first.
      const resets = w.resets();
      if (w.def.onClientReset !== undefined) for (let i = 0; i < resets.length; i++) yield* w.def.onClientReset(env, resets[i]);
      if (r.kind === 'notify') {
        if ((r.value & HEARTBEAT_BIT) !== 0) yield* sys.notify(w.pong);
        const devices = (r.value & ~HEARTBEAT_BIT) >>> 0;
        if (devices !== 0 && w.def.interrupt !== undefined) yield* w.def.interrupt(env, devices);
        r = yield* sys.recv(w.endpoint, recvOpts);
        continue;
      }
      const req = requestOf(ctx, w, r, page, inbox);
      const fault = w.faults().beforeRequest(w.def.name, req);
      if (fault === 'crash') throw new Error(`injected crash in ${w.def.name}`);
      if (fault === 'hang') for (;;) yield* sys.spin(LIMITS.quantum_cycles_default);
      const handled = yield* w.def.handle(env, req);
      const reply = w.faults().beforeReply(w.def.name, req, handled);
      const data = reply.data ?? EMPTY;
      if (data.length > 0) ctx.mem.storeBytes(REPLY_BUF, data);
      r = yield* sys.replyRecv(replies.of(statusCode(reply.status), reply.words ?? NO_WORDS, data.length), w.endpoint, recvOpts);
      // A reply the kernel refuses (a status not in the list, words that are not u32, too many) is
      // a faulty server, not a reason to go on receiving while the caller waits forever: the thread
      // stops with a fault, the supervisor handles it, and the caller gets its mode's answer.
      if (r.err !== 'OK') throw new Error(`reply refused by the kernel (${r.err}): ${describeReply(reply)}`);
    }
  } catch (e) {
    // An injected hang: alive, burning its quantum, never answering (found only by heartbeats).
    if (!(e instanceof InjectedHang)) throw e;
    for (;;) yield* sys.spin(LIMITS.quantum_cycles_default);
  }
}

/** What a refused reply held, for the fault's trace line; describing it must not throw again. */
function describeReply(reply: ServerReply): string {
  const show = (v: unknown): string => (typeof v === 'number' || typeof v === 'bigint' ? String(v) : typeof v === 'string' ? JSON.stringify(v) : typeof v);
  try {
    if (typeof reply !== 'object' || reply === null) return `a ${typeof reply}, not a reply`;
    const words = Array.isArray(reply.words) ? `[${reply.words.slice(0, LIMITS.msg_words_max + 1).map(show).join(', ')}${reply.words.length > LIMITS.msg_words_max + 1 ? ', …' : ''}] (${reply.words.length} words)` : show(reply.words);
    return `status ${show(reply.status)}, words ${words}`;
  } catch {
    return 'a reply that cannot be described';
  }
}

const EMPTY = new Uint8Array(0);

/**
 * The `len` bytes of a reply at `vaddr`: loaded into `into` when it is given and they fit (a view
 * of its first `len` bytes, `into` itself when they fill it), else into a fresh array. The same
 * access either way.
 */
function replyBytes(ctx: ThreadCtx, vaddr: number, len: number, into: Uint8Array | undefined): Uint8Array {
  if (len <= 0) return EMPTY;
  if (into === undefined || len > into.length) return ctx.mem.loadBytes(vaddr, len);
  const out = len === into.length ? into : into.subarray(0, len);
  ctx.mem.loadBytesInto(vaddr, out);
  return out;
}

/**
 * The bytes of each request a server that borrows them (ServerDef.borrows_request_data) is handed:
 * one buffer the size of the receive buffer, refilled for each request, seen through a view of
 * the request's length (kept while requests come at the same length, as a disk's blocks do).
 */
class Inbox {
  readonly #bytes: Uint8Array;
  #view: Uint8Array;

  constructor(bytes: number) {
    this.#view = this.#bytes = new Uint8Array(bytes);
  }

  /** The `len` bytes at `vaddr`, loaded as loadBytes would load them. */
  load(ctx: ThreadCtx, vaddr: number, len: number): Uint8Array {
    if (this.#view.length !== len) this.#view = len <= this.#bytes.length ? this.#bytes.subarray(0, len) : new Uint8Array(len);
    ctx.mem.loadBytesInto(vaddr, this.#view);
    return this.#view;
  }
}

function requestOf(ctx: ThreadCtx, w: ServerWiring, r: SysResult, page: number, inbox: Inbox | null): ServerRequest {
  const client = clientOfBadge(r.badge);
  const knownClient = w.clients.includes(client);
  return {
    client,
    op: r.label,
    words: r.words,
    data: r.buf_len <= 0 ? EMPTY : inbox === null ? ctx.mem.loadBytes(RECV_BUF, r.buf_len) : inbox.load(ctx, RECV_BUF, r.buf_len),
    state: w.def.state_bytes > 0 && knownClient ? stateAddress(client, page) : 0,
    // Only the kernel can send a kernel message: a client cannot pass for it by its label.
    from_kernel: r.kind === 'kernel',
  };
}

/** Frozen, and only closures over the wiring: server code reaches no kernel object through it. */
function makeEnv(ctx: ThreadCtx, w: ServerWiring, page: number): ServerEnv {
  const depOpts = { recv_buf: { vaddr: DEP_BUF, len: page } };
  const depCalls = new Outbox(DEP_BUF);
  /** (read once: a site is passed at every request that reaches it) */
  const sites: readonly string[] = w.def.sites ?? [];
  return Object.freeze<ServerEnv>({
    ctx,
    mem: ctx.mem,
    get mode() {
      w.modeRead?.();
      return w.mode;
    },
    page_bytes: page,
    heap: HEAP_BASE,
    heap_bytes: w.def.heap_pages * page,
    stateOf: (client) => stateAddress(client, page),
    clients: () => w.clients.slice(),
    device(name) {
      const slot = w.devices.get(name);
      if (slot === undefined) throw new Error(`server ${w.def.name} has no ${name} device`);
      return slot;
    },
    *callDep(server: string, op: number, words: number[], data?: Uint8Array, into?: Uint8Array): sys.Sys<DepCallResult> {
      const slot = w.deps.get(server);
      if (slot === undefined) throw new Error(`server ${w.def.name} does not depend on ${server}`);
      const len = data === undefined ? 0 : data.length;
      if (data !== undefined && len > 0) ctx.mem.storeBytes(DEP_BUF, data);
      const r = yield* sys.call(slot, depCalls.of(op, words, len), depOpts);
      if (r.err !== 'OK') return { status: r.err as DepCallResult['status'], words: [], data: EMPTY };
      return { status: statusOfCode(r.label), words: r.words, data: replyBytes(ctx, DEP_BUF, r.buf_len, into) };
    },
    taskCap: (client) => w.tasks.get(client) ?? null,
    site(name) {
      if (!sites.includes(name)) throw new Error(`server ${w.def.name} declares no injection site ${name}`);
      return w.faults().site(w.def.name, name);
    },
  });
}

