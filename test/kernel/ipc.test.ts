// IPC against a model, with fast-check's model-based commands: one server thread and a few
// clients on one endpoint. Each command drives real threads (instructions pushed to them from
// here) and the kernel, then the results every thread received are compared with the model's:
// buffers arrive byte-identical both ways, badges name the clients, timeouts fire at their
// deadline in virtual time, a destroyed endpoint answers EDEAD, and a call whose server dies is
// EABORTED (the server's task has no fault handler).
//
// Time: call timeouts are multiples of TIMEOUT_UNIT_CYCLES, far above what any command costs, and
// no command but AdvanceTime runs while a deadline is within GUARD_CYCLES; so a deadline passes
// only in AdvanceTime, where the kernel is idle and moves its clock to that deadline exactly.
//
// To replay a failure, pass fast-check's printed `seed` and `path` to fc.assert and its
// `replayPath` to fc.commands.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Errno } from '../../src/kernel/errors.ts';
import type { Kernel, ThreadCtx } from '../../src/kernel/kernel.ts';
import { capSlot, type Endpoint, type Message, type RecvBuf, type SysResult, type Task } from '../../src/kernel/objects.ts';
import * as sys from '../../src/kernel/sys.ts';
import { DrivenThread, makeKernel, settle } from '../helpers/kernel-fixtures.ts';

const CLIENTS = 3;
const TIMEOUT_UNIT_CYCLES = 1_000_000;
const GUARD_CYCLES = 100_000;
const BUF_BYTES_MAX = 200;
const RECV_BYTES_MAX = 160;
// Buffers in every task: what it sends from, and where it receives.
const SEND_VADDR = 0x1000;
const RECV_VADDR = 0x2000;
/** the endpoint capability's slot in every task, so that a new endpoint can take the old one's place */
const EP_SLOT = capSlot(0);

const clientBadge = (i: number): number => 1 << i;

/** What a thread got back from one system call, with the bytes that landed in its buffer. */
interface Got {
  err: Errno;
  kind: SysResult['kind'];
  badge: number;
  label: number;
  words: number[];
  value: number;
  bytes: number[];
}

const got = (fields: Partial<Got>): Got => ({ err: 'OK', kind: 'none', badge: 0, label: 0, words: [], value: 0, bytes: [], ...fields });

interface Reply {
  label: number;
  words: number[];
  bytes: number[];
}

// ---- the model ----

interface Call {
  client: number;
  label: number;
  words: number[];
  bytes: number[];
  recv_len: number | null;
  deadline_cycles: number | null;
}

interface Model {
  /** the kernel's clock after the last command (the only thing the model reads from the system) */
  now: number;
  server: 'idle' | 'receiving';
  server_recv_len: number | null;
  /** the call the server would answer with `reply` (its one-shot reply capability) */
  holding: Call | null;
  /** calls waiting for a receiver, in arrival order */
  queue: Call[];
  notify_bits: number;
  /** per client: the call it is blocked in, or null */
  waiting: (Call | null)[];
  server_log: Got[];
  client_logs: Got[][];
}

const fits = (len: number, recv_len: number | null): boolean => len === 0 || (recv_len !== null && recv_len >= len);

function deliver(m: Model, c: Call): void {
  m.server_log.push(got({ kind: 'call', badge: clientBadge(c.client), label: c.label, words: c.words, bytes: c.bytes }));
  m.server = 'idle';
  m.holding = c;
}

function finish(m: Model, c: Call, result: Got): void {
  m.client_logs[c.client].push(result);
  m.waiting[c.client] = null;
}

/** The server's receive: notifications first, then queued calls in order; a call too big for its buffer fails. */
function serverReceives(m: Model, recv_len: number | null): void {
  if (m.notify_bits !== 0) {
    m.server_log.push(got({ kind: 'notify', value: m.notify_bits }));
    m.notify_bits = 0;
    return;
  }
  for (let c = m.queue.shift(); c !== undefined; c = m.queue.shift()) {
    if (fits(c.bytes.length, recv_len)) {
      deliver(m, c);
      return;
    }
    finish(m, c, got({ err: 'EMSGSIZE' }));
  }
  m.server = 'receiving';
  m.server_recv_len = recv_len;
}

function serverReplies(m: Model, reply: Reply): Errno {
  const c = m.holding;
  m.holding = null;
  if (c === null) return 'EINVAL';
  if (m.waiting[c.client] !== c) return 'EDEAD';
  if (!fits(reply.bytes.length, c.recv_len)) {
    finish(m, c, got({ err: 'EMSGSIZE', kind: 'reply' }));
    return 'EMSGSIZE';
  }
  finish(m, c, got({ kind: 'reply', label: reply.label, words: reply.words, bytes: reply.bytes }));
  return 'OK';
}

/** No deadline is near: any command but AdvanceTime may run without one passing. */
const quiet = (m: Readonly<Model>): boolean => m.waiting.every((c) => c === null || c.deadline_cycles === null || c.deadline_cycles > m.now + GUARD_CYCLES);

// ---- the real system ----

interface Real {
  k: Kernel;
  ep: Endpoint;
  server_task: Task;
  server: DrivenThread;
  client_tasks: Task[];
  clients: DrivenThread[];
  server_log: Got[];
  client_logs: Got[][];
  /** per thread name: the virtual time of its last `call` system call, and of its last timeout */
  call_at: Map<string, number>;
  timeout_at: Map<string, number>;
}

function record(ctx: ThreadCtx, r: SysResult): Got {
  const bytes = r.buf_len > 0 ? [...ctx.mem.loadBytes(RECV_VADDR, r.buf_len)] : [];
  return { err: r.err, kind: r.kind, badge: r.badge, label: r.label, words: r.words, value: r.value, bytes };
}

/** The server may receive on the endpoint; client i may send to it, badged with its own bit. */
function giveEndpoint(k: Kernel, ep: Endpoint, server: Task, clients: Task[]): void {
  k.giveCap(server, k.endpointCap(ep, 0, { recv: true }), EP_SLOT);
  clients.forEach((t, i) => k.giveCap(t, k.endpointCap(ep, clientBadge(i), { send: true }), EP_SLOT));
}

function buildReal(): Real {
  const k = makeKernel();
  const ep = k.createEndpoint('svc');
  const server_task = k.createTask('server');
  const client_tasks = Array.from({ length: CLIENTS }, (_, i) => k.createTask(`client${i}`));
  for (const t of [server_task, ...client_tasks]) {
    expect(k.allocPages(t, SEND_VADDR, 1, true)).toBe('OK');
    expect(k.allocPages(t, RECV_VADDR, 1, true)).toBe('OK');
  }
  giveEndpoint(k, ep, server_task, client_tasks);
  const call_at = new Map<string, number>();
  const timeout_at = new Map<string, number>();
  k.trace.listen((e) => {
    const who = e.detail.split(' ')[0];
    if (e.event === 'sys-call') call_at.set(who, e.t);
    if (e.event === 'timeout') timeout_at.set(who, e.t);
  });
  const real: Real = {
    k,
    ep,
    server_task,
    server: new DrivenThread(k, server_task, 'main'),
    client_tasks,
    clients: client_tasks.map((t) => new DrivenThread(k, t, 'main')),
    server_log: [],
    client_logs: client_tasks.map(() => []),
    call_at,
    timeout_at,
  };
  settle(k);
  return real;
}

function initialModel(): Model {
  return {
    now: 0,
    server: 'idle',
    server_recv_len: null,
    holding: null,
    queue: [],
    notify_bits: 0,
    waiting: Array.from({ length: CLIENTS }, () => null),
    server_log: [],
    client_logs: Array.from({ length: CLIENTS }, () => []),
  };
}

/** After every command: each thread got exactly what the model says, and the endpoint's queues agree. */
function expectAgrees(m: Model, r: Real): void {
  expect(r.k.panic_reason).toBeNull();
  expect(r.server_log).toEqual(m.server_log);
  expect(r.client_logs).toEqual(m.client_logs);
  expect(r.ep.senders.map((s) => ('kind' in s ? -1 : s.task.id))).toEqual(m.queue.map((c) => r.client_tasks[c.client].id));
  expect(r.ep.receivers.map((t) => t.id)).toEqual(m.server === 'receiving' ? [r.server.thread.id] : []);
  m.now = r.k.now;
}

const withBuf = (bytes: number[], vaddr: number): { buf?: RecvBuf } => (bytes.length > 0 ? { buf: { vaddr, len: bytes.length } } : {});
const recvOpts = (recv_len: number | null): { recv_buf?: RecvBuf } => (recv_len === null ? {} : { recv_buf: { vaddr: RECV_VADDR, len: recv_len } });

function replyMessage(ctx: ThreadCtx, reply: Reply): Message {
  if (reply.bytes.length > 0) ctx.mem.storeBytes(SEND_VADDR, Uint8Array.from(reply.bytes));
  return { label: reply.label, words: reply.words, ...withBuf(reply.bytes, SEND_VADDR) };
}

// ---- commands ----

class ClientCall implements fc.Command<Model, Real> {
  constructor(
    readonly client: number,
    readonly label: number,
    readonly words: number[],
    readonly bytes: number[],
    readonly recv_len: number | null,
    readonly timeout_cycles: number | undefined,
  ) {}
  check(m: Readonly<Model>): boolean {
    return quiet(m) && m.waiting[this.client] === null;
  }
  run(m: Model, r: Real): void {
    const { label, words, bytes, recv_len, timeout_cycles } = this;
    const log = r.client_logs[this.client];
        r.clients[this.client].push(function* (ctx) {
      if (bytes.length > 0) ctx.mem.storeBytes(SEND_VADDR, Uint8Array.from(bytes));
      const opts = { ...recvOpts(recv_len), ...(timeout_cycles === undefined ? {} : { timeout_cycles }) };
      log.push(record(ctx, yield* sys.call(EP_SLOT, { label, words, ...withBuf(bytes, SEND_VADDR) }, opts)));
    });
    settle(r.k);

    const at = r.call_at.get(r.clients[this.client].thread.name);
    if (at === undefined) throw new Error('the call left no trace');
    const c: Call = { client: this.client, label, words, bytes, recv_len, deadline_cycles: timeout_cycles === undefined ? null : at + timeout_cycles };
    m.waiting[this.client] = c;
    if (m.server === 'receiving') {
      if (!fits(bytes.length, m.server_recv_len)) finish(m, c, got({ err: 'EMSGSIZE' }));
      else {
        deliver(m, c);
        // A zero timeout covers the wait for the reply too: it has passed by the next step.
        if (timeout_cycles === 0) finish(m, c, got({ err: 'ETIMEDOUT' }));
      }
    } else if (timeout_cycles === 0) finish(m, c, got({ err: 'ETIMEDOUT' }));
    else m.queue.push(c);
    expectAgrees(m, r);
  }
  toString(): string {
    return `call(c${this.client}, label=${this.label}, words=[${this.words}], buf=${this.bytes.length}, recv=${this.recv_len}, timeout=${this.timeout_cycles})`;
  }
}

class ServerRecv implements fc.Command<Model, Real> {
  constructor(readonly recv_len: number | null) {}
  check(m: Readonly<Model>): boolean {
    return quiet(m) && m.server === 'idle';
  }
  run(m: Model, r: Real): void {
    const { recv_len } = this;
    const log = r.server_log;
        r.server.push(function* (ctx) {
      log.push(record(ctx, yield* sys.recv(EP_SLOT, recvOpts(recv_len))));
    });
    settle(r.k);
    serverReceives(m, recv_len);
    expectAgrees(m, r);
  }
  toString(): string {
    return `recv(${this.recv_len})`;
  }
}

class ServerReply implements fc.Command<Model, Real> {
  constructor(readonly reply: Reply) {}
  check(m: Readonly<Model>): boolean {
    return quiet(m) && m.server === 'idle';
  }
  run(m: Model, r: Real): void {
    const reply = this.reply;
    const log = r.server_log;
    r.server.push(function* (ctx) {
      log.push(got({ err: (yield* sys.reply(replyMessage(ctx, reply))).err }));
    });
    settle(r.k);
    m.server_log.push(got({ err: serverReplies(m, reply) }));
    expectAgrees(m, r);
  }
  toString(): string {
    return `reply(label=${this.reply.label}, buf=${this.reply.bytes.length})`;
  }
}

class ServerReplyRecv implements fc.Command<Model, Real> {
  constructor(
    readonly reply: Reply,
    readonly recv_len: number | null,
  ) {}
  check(m: Readonly<Model>): boolean {
    return quiet(m) && m.server === 'idle';
  }
  run(m: Model, r: Real): void {
    const { reply, recv_len } = this;
    const log = r.server_log;
        r.server.push(function* (ctx) {
      log.push(record(ctx, yield* sys.replyRecv(replyMessage(ctx, reply), EP_SLOT, recvOpts(recv_len))));
    });
    settle(r.k);
    serverReplies(m, reply);
    serverReceives(m, recv_len);
    expectAgrees(m, r);
  }
  toString(): string {
    return `replyRecv(label=${this.reply.label}, buf=${this.reply.bytes.length}, recv=${this.recv_len})`;
  }
}

class ClientNotify implements fc.Command<Model, Real> {
  constructor(readonly client: number) {}
  check(m: Readonly<Model>): boolean {
    return quiet(m) && m.waiting[this.client] === null;
  }
  run(m: Model, r: Real): void {
    const log = r.client_logs[this.client];
        r.clients[this.client].push(function* () {
      log.push(got({ err: (yield* sys.notify(EP_SLOT)).err }));
    });
    settle(r.k);
    m.client_logs[this.client].push(got({}));
    m.notify_bits |= clientBadge(this.client);
    if (m.server === 'receiving') {
      m.server = 'idle';
      m.server_log.push(got({ kind: 'notify', value: m.notify_bits }));
      m.notify_bits = 0;
    }
    expectAgrees(m, r);
  }
  toString(): string {
    return `notify(c${this.client})`;
  }
}

/** The server thread is killed (no fault handler: the call it held is aborted) and a new one starts. */
class KillServer implements fc.Command<Model, Real> {
  check(m: Readonly<Model>): boolean {
    return quiet(m);
  }
  run(m: Model, r: Real): void {
    r.k.killTask(r.server_task, 'killed by the test');
    r.server.respawn();
    settle(r.k);
    const c = m.holding;
    if (c !== null && m.waiting[c.client] === c) finish(m, c, got({ err: 'EABORTED' }));
    m.holding = null;
    m.server = 'idle';
    expectAgrees(m, r);
  }
  toString(): string {
    return 'killServer';
  }
}

/** The endpoint is destroyed (its queued callers and waiting receiver get EDEAD) and a new one takes its slots. */
class DestroyEndpoint implements fc.Command<Model, Real> {
  check(m: Readonly<Model>): boolean {
    return quiet(m);
  }
  run(m: Model, r: Real): void {
    const old = r.ep;
    r.k.destroyEndpoint(old);
    settle(r.k);
    for (const c of m.queue) finish(m, c, got({ err: 'EDEAD' }));
    m.queue = [];
    if (m.server === 'receiving') m.server_log.push(got({ err: 'EDEAD' }));
    m.server = 'idle';
    m.notify_bits = 0;
    expectAgrees(m, r);
    expect(old.senders).toEqual([]);
    expect(old.receivers).toEqual([]);

    r.ep = r.k.createEndpoint('svc');
    giveEndpoint(r.k, r.ep, r.server_task, r.client_tasks);
  }
  toString(): string {
    return 'destroyEndpoint';
  }
}

/** Lets virtual time run to the earliest deadline; every call whose deadline has passed gets ETIMEDOUT. */
class AdvanceTime implements fc.Command<Model, Real> {
  check(m: Readonly<Model>): boolean {
    return m.waiting.some((c) => c !== null && c.deadline_cycles !== null);
  }
  run(m: Model, r: Real): void {
    const deadlines = m.waiting.flatMap((c) => (c === null || c.deadline_cycles === null ? [] : [c.deadline_cycles]));
    const first = Math.min(...deadlines);
    const k = r.k;
    const due = (): boolean => k.threads.some((t) => t.state !== 'dead' && t.deadline_cycles !== null && t.deadline_cycles <= k.now);
    const stop = k.run({ until: () => k.now >= first && k.scheduler.readyCount() === 0 && !due() });
    expect(stop).toBe('until');
    const now = k.now;
    for (const c of m.waiting) {
      if (c === null || c.deadline_cycles === null || c.deadline_cycles > now) continue;
      const at = r.timeout_at.get(r.clients[c.client].thread.name);
      if (at === undefined) throw new Error(`client ${c.client} did not time out`);
      // The first deadline is met exactly (the kernel was idle); later ones within the guard.
      if (c.deadline_cycles === first) expect(at).toBe(first);
      expect(at).toBeGreaterThanOrEqual(c.deadline_cycles);
      expect(at - c.deadline_cycles).toBeLessThan(GUARD_CYCLES);
      m.queue = m.queue.filter((q) => q !== c);
      finish(m, c, got({ err: 'ETIMEDOUT' }));
    }
    expectAgrees(m, r);
  }
  toString(): string {
    return 'advanceTime';
  }
}

// ---- arbitraries ----

const wordArb = fc.integer({ min: 0, max: 0xffffffff });
const wordsArb = fc.array(wordArb, { maxLength: 8 });
const bytesArb: fc.Arbitrary<number[]> = fc.oneof(fc.constant<number[]>([]), fc.array(fc.nat(255), { minLength: 1, maxLength: BUF_BYTES_MAX }));
const recvLenArb = fc.option(fc.integer({ min: 0, max: RECV_BYTES_MAX }), { nil: null, freq: 4 });
const timeoutArb = fc.option(fc.constantFrom(0, TIMEOUT_UNIT_CYCLES, 2 * TIMEOUT_UNIT_CYCLES, 3 * TIMEOUT_UNIT_CYCLES), { nil: undefined });
const replyArb: fc.Arbitrary<Reply> = fc.record({ label: wordArb, words: wordsArb, bytes: bytesArb });

const callArb = fc
  .tuple(fc.nat(CLIENTS - 1), wordArb, wordsArb, bytesArb, recvLenArb, timeoutArb)
  .map(([client, label, words, bytes, recv_len, timeout]) => new ClientCall(client, label, words, bytes, recv_len, timeout));
const recvArb = recvLenArb.map((len) => new ServerRecv(len));
const replyCmdArb = replyArb.map((reply) => new ServerReply(reply));
const replyRecvArb = fc.tuple(replyArb, recvLenArb).map(([reply, len]) => new ServerReplyRecv(reply, len));
const advanceArb = fc.constant(new AdvanceTime());

// fc.commands picks among the list uniformly: repeating an entry weighs it.
const commandArbs = [
  callArb,
  callArb,
  callArb,
  recvArb,
  recvArb,
  replyCmdArb,
  replyRecvArb,
  replyRecvArb,
  fc.nat(CLIENTS - 1).map((i) => new ClientNotify(i)),
  fc.constant(new KillServer()),
  fc.constant(new DestroyEndpoint()),
  advanceArb,
  advanceArb,
];

describe('IPC against a model', () => {
  it('calls, receives, replies, notifications, kills, endpoint destruction and timeouts', () => {
    fc.assert(
      fc.property(fc.commands(commandArbs, { maxCommands: 40, size: 'max' }), (cmds) => {
        fc.modelRun(() => ({ model: initialModel(), real: buildReal() }), cmds);
      }),
      { numRuns: 150 },
    );
  });
});
