// The capability fuzzer (issue 15): an attacker task holding a mix of capabilities — send-only,
// receive-only and rightless endpoint capabilities, a rightless task capability, device
// capabilities — issues random system calls with hostile arguments (random slots, badges, rights,
// ranges, typed arrays, Proxies, getters, prototype keys) while honest tasks work beside it. The
// oracle knows only what the test minted, never the kernel's tables, so a kernel that ignored a
// right or forged a badge is caught however it did it:
//
// - no endpoint is reached without the send right (the guarded server hears nothing, ever);
// - every badge a server receives is the one minted for the sender's capability;
// - the honest client sees exactly its fault-free results;
// - the victim task, named only by a rightless capability, is untouched;
// - the kernel never panics.
import fc from 'fast-check';
import { LIMITS } from '../../src/hw/limits.ts';
import type { Kernel } from '../../src/kernel/kernel.ts';
import type { Syscall, SysResult, Task, Thread } from '../../src/kernel/objects.ts';
import * as sys from '../../src/kernel/sys.ts';
import { makeKernel } from './kernel-fixtures.ts';

/** Badges minted: the honest client's and the attacker's capability to the shared server. */
export const HONEST_BADGE = 0x11;
export const ATTACKER_BADGE = 0xa0;
/** the attacker's own endpoint (send + receive) */
const ATTACKER_OWN_BADGE = 0xa1;
const HONEST_CALLS = 6;
const BUF = 0x1000;
const RO_PAGE = 0x2000;
const REPLY_BUF = 0x3000;

/** Fresh hostile objects, made anew for each use: what a buggy pointer or a hostile program passes. */
const HOSTILE: (() => unknown)[] = [
  () => new Uint8Array(8),
  () => Object.defineProperty(new Uint8Array(4), 'length', { get: () => { throw new Error('length'); } }),
  () => new ArrayBuffer(8),
  () => new DataView(new ArrayBuffer(8)),
  () => new Proxy({}, { get: () => { throw new Error('trap'); }, ownKeys: () => { throw new Error('trap'); } }),
  () => ({ get vaddr(): number { throw new Error('getter'); }, len: 4 }),
  () => JSON.parse('{"__proto__":{"vaddr":4096,"len":4},"label":1,"words":[]}') as unknown,
  () => ({ constructor: 1, label: 1, words: [] }),
  () => ({ [Symbol('k')]: 1 }),
  () => Symbol('v'),
  () => () => 1,
  () => [1, , 2],
  () => new Array(2 ** 31),
  () => { const o: Record<string, unknown> = {}; o.self = o; return o; },
  () => 1n,
  () => new Date(0),
  () => new Map([[1, 2]]),
];
const hostileArb = fc.constantFrom(...HOSTILE).map((make) => make());

/** Numbers a buggy pointer computation or a hostile program produces. */
const hostileNumberArb = fc.oneof(
  fc.constantFrom(-1, 1.5, -0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 32, 2 ** 32 - 16, 0xffffff00, 2 ** 40, 2 ** 53, 0xffffffff),
  fc.integer({ min: -0x4000, max: 0x8000 }),
  hostileArb,
);
/** Mostly well formed, so that calls get past decode and reach the mechanisms; hostile otherwise. */
const mostly = <T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof({ arbitrary: good, weight: 5 }, { arbitrary: hostileNumberArb, weight: 1 });
const numberArb = mostly(fc.nat(0x4000));
const slotArb = mostly(fc.integer({ min: -1, max: 9 }));
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined, freq: 3 });
const rangeArb = fc.oneof(
  { arbitrary: fc.record({ vaddr: fc.constantFrom(BUF, BUF + 8, REPLY_BUF, RO_PAGE, RO_PAGE + 4090, 0x8000), len: fc.nat(80) }), weight: 4 },
  { arbitrary: fc.record({ vaddr: numberArb, len: numberArb }), weight: 2 },
  { arbitrary: hostileArb, weight: 1 },
);
// No call without a timeout: an attacker blocked for good on its own endpoint would end its attack.
const timeoutArb = fc.oneof({ arbitrary: fc.constantFrom(0, 1, 500, 5_000), weight: 6 }, { arbitrary: hostileNumberArb, weight: 1 });
const msgArb = fc.oneof(
  { arbitrary: fc.record({ label: mostly(fc.nat()), words: fc.oneof({ arbitrary: fc.array(mostly(fc.nat()), { maxLength: LIMITS.msg_words_max + 1 }), weight: 5 }, { arbitrary: hostileArb, weight: 1 }), buf: maybe(rangeArb) }), weight: 5 },
  { arbitrary: hostileArb, weight: 1 },
);
const deviceReqArb = fc.oneof(
  fc.record({ action: fc.constantFrom('console-write', 'nic-send', 'nic-recv', 'nic-peek', 'disk-read', 'disk-write'), vaddr: numberArb, len: numberArb, index: numberArb, block: numberArb }),
  fc.record({ action: fc.constantFrom('timer-oneshot', 'timer-periodic', 'timer-cancel', 'nic-take', 'bogus'), at_cycles: numberArb, period_cycles: numberArb, index: numberArb }),
  hostileArb,
);
const controlArb = fc.oneof(fc.record({ action: fc.constantFrom('kill', 'shutdown', 'restart', 'abort-call', 'requeue-call'), caller_thread: numberArb }), hostileArb);

/** Well-formed calls and notifications aimed at the capability slots: the rights and badges are tested past decode. */
const aimedArb = fc.oneof(
  fc.record({
    op: fc.constantFrom('call', 'call', 'replyRecv'),
    slot: fc.constantFrom(0, 0, 1, 2, 3, 4),
    msg: fc.record({ label: fc.nat(), words: fc.array(fc.nat({ max: 0xffffffff }), { maxLength: LIMITS.msg_words_max }), buf: maybe(fc.record({ vaddr: fc.constantFrom(BUF, RO_PAGE), len: fc.nat(64) })) }),
    recv_buf: maybe(fc.record({ vaddr: fc.constantFrom(BUF, REPLY_BUF), len: fc.nat(64) })),
    timeout_cycles: fc.constantFrom(1, 5_000),
  }),
  fc.record({ op: fc.constant('notify'), slot: fc.constantFrom(0, 1, 2, 3, 4) }),
);

/** Every system call as a record of fields, well formed or not (never `exit`: the attack goes on). */
const recordArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  { arbitrary: aimedArb, weight: 4 },
  fc.record({ op: fc.constant('call'), slot: slotArb, msg: msgArb, recv_buf: maybe(rangeArb), timeout_cycles: timeoutArb }),
  fc.record({ op: fc.constant('recv'), slot: slotArb, recv_buf: maybe(rangeArb), timeout_cycles: timeoutArb }),
  fc.record({ op: fc.constant('reply'), msg: msgArb }),
  fc.record({ op: fc.constant('replyRecv'), slot: slotArb, msg: msgArb, recv_buf: maybe(rangeArb), timeout_cycles: timeoutArb }),
  fc.record({ op: fc.constant('notify'), slot: slotArb }),
  fc.record({ op: fc.constant('map'), slot: slotArb, src_vaddr: numberArb, dst_vaddr: numberArb, pages: numberArb, writable: fc.boolean(), grant: fc.boolean() }),
  fc.record({ op: fc.constant('unmap'), vaddr: numberArb, pages: numberArb, self: fc.boolean() }),
  fc.record({ op: fc.constant('device'), slot: slotArb, req: deviceReqArb }),
  fc.record({ op: fc.constant('irqBind'), device_slot: slotArb, endpoint_slot: slotArb }),
  fc.record({ op: fc.constant('control'), slot: slotArb, action: controlArb }),
  fc.record({ op: fc.constant('setSched'), slot: slotArb, priority: numberArb, quantum_cycles: numberArb }),
  fc.record({ op: fc.constantFrom('yield', 'now', 'bogus') }),
  fc.record({ op: fc.constant('spin'), cycles: numberArb }),
);

/** A call the attacker makes through the system-call library (the sealed fast path) rather than by yielding the record. */
export class ViaStub {
  constructor(readonly args: Record<string, unknown>) {}
}

/** One system call as a hostile program makes it: a record yielded as is, through a stub, or anything at all. */
export const syscallArb: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: recordArb, weight: 4 },
  { arbitrary: recordArb.map((r) => new ViaStub(r)), weight: 3 },
  hostileArb,
  numberArb,
);

/** Hands a record's fields to the library's stub for its op, whatever their types. */
function* viaStub(a: Record<string, unknown>): sys.Sys<unknown> {
  const f = a as Record<string, never>;
  switch (a.op) {
    case 'call':
      return yield* sys.call(f.slot, f.msg, f);
    case 'recv':
      return yield* sys.recv(f.slot, f);
    case 'reply':
      return yield* sys.reply(f.msg);
    case 'replyRecv':
      return yield* sys.replyRecv(f.msg, f.slot, f);
    case 'notify':
      return yield* sys.notify(f.slot);
    case 'map':
      return yield* sys.map(f.slot, f.src_vaddr, f.dst_vaddr, f.pages, f.writable, f.grant);
    case 'unmap':
      return yield* sys.unmap(f.vaddr, f.pages, f.self);
    case 'device':
      return yield* sys.device(f.slot, f.req);
    case 'irqBind':
      return yield* sys.irqBind(f.device_slot, f.endpoint_slot);
    case 'control':
      return yield* sys.control(f.slot, f.action);
    case 'setSched':
      return yield* sys.setSched(f.slot, f.priority, f.quantum_cycles);
    case 'spin':
      return yield* sys.spin(f.cycles);
    default:
      return yield* sys.yieldCpu();
  }
}

/** What one fuzzed run saw; `violations` is empty when every property held. */
export interface FuzzOutcome {
  calls_issued: number;
  /** the attacker's calls the shared server answered (coverage: the fuzzer gets past decode) */
  attacker_calls_served: number;
  violations: string[];
}

/** What the test minted, as the oracle knows it: sender task → badge, per endpoint. */
interface Minted {
  shared: Map<Task, number>;
}

/**
 * Runs the attacker's calls beside the honest tasks and checks the properties. The attacker's
 * capability slots: 0 send-only to the shared server (ATTACKER_BADGE), 1 receive-only on its own
 * endpoint, 2 send+receive on it, 3 rightless to the guarded server's endpoint, 4 rightless task
 * capability to the victim, 5 console, 6 NIC; the rest empty.
 */
export function fuzzRun(calls: unknown[], k: Kernel = makeKernel({ frame_bytes: 4096 })): FuzzOutcome {
  const violations: string[] = [];
  const shared = k.createEndpoint('shared');
  const guarded = k.createEndpoint('guarded');
  const own = k.createEndpoint('attacker.own');
  const server = k.createTask('server');
  const honest = k.createTask('honest');
  const attacker = k.createTask('attacker');
  const guard = k.createTask('guard');
  const victim = k.createTask('victim');
  for (const t of [server, honest, attacker]) {
    expectOk(k.allocPages(t, BUF, 1, true));
    expectOk(k.allocPages(t, REPLY_BUF, 1, true));
  }
  expectOk(k.allocPages(attacker, RO_PAGE, 1, false));
  const minted: Minted = { shared: new Map([[honest, HONEST_BADGE], [attacker, ATTACKER_BADGE]]) };
  const s_slot = k.giveCap(server, k.endpointCap(shared, 0, { recv: true }));
  const h_slot = k.giveCap(honest, k.endpointCap(shared, HONEST_BADGE, { send: true }));
  const g_slot = k.giveCap(guard, k.endpointCap(guarded, 0, { recv: true }));
  k.giveCap(attacker, k.endpointCap(shared, ATTACKER_BADGE, { send: true }), 0);
  k.giveCap(attacker, k.endpointCap(own, ATTACKER_OWN_BADGE, { recv: true }), 1);
  k.giveCap(attacker, k.endpointCap(own, ATTACKER_OWN_BADGE, { send: true, recv: true }), 2);
  k.giveCap(attacker, k.endpointCap(guarded, 0x66, {}), 3);
  k.giveCap(attacker, { kind: 'task', task: victim, rights: { map: false, control: false, sched: false } }, 4);
  k.giveCap(attacker, k.deviceCap('console'), 5);
  k.giveCap(attacker, k.deviceCap('nic'), 6);

  // The shared server: echoes label + 1, words + 1 and its buffer reversed, and checks each badge.
  let attacker_calls_served = 0;
  let server_thread: Thread | null = null;
  server_thread = k.spawnThread(server, 'main', function* (ctx) {
    const recv_buf = { recv_buf: { vaddr: BUF, len: 64 } };
    let r: SysResult = yield* sys.recv(s_slot, recv_buf);
    for (;;) {
      if (r.err === 'OK' && r.kind === 'call') {
        const sender = server_thread?.reply_to?.task ?? null;
        const want = sender === null ? undefined : minted.shared.get(sender);
        if (want === undefined || r.badge !== want) violations.push(`badge ${r.badge} from ${sender?.name ?? '?'}, minted ${want}`);
        if (sender === attacker) attacker_calls_served++;
        const bytes = ctx.mem.loadBytes(BUF, r.buf_len).reverse();
        ctx.mem.storeBytes(REPLY_BUF, bytes);
        const reply = { label: (r.label + 1) >>> 0, words: r.words.map((w) => (w + 1) >>> 0), buf: { vaddr: REPLY_BUF, len: bytes.length } };
        r = yield* sys.replyRecv(reply, s_slot, recv_buf);
      } else {
        if (r.kind === 'notify' && (r.value & ~ATTACKER_BADGE) !== 0) violations.push(`notification bits 0x${r.value.toString(16)} beyond the attacker's badge`);
        r = yield* sys.recv(s_slot, recv_buf);
      }
    }
  });

  // The guarded server: only rightless capabilities name its endpoint, so it must hear nothing.
  k.spawnThread(guard, 'main', function* () {
    for (;;) {
      const r = yield* sys.recv(g_slot);
      violations.push(`the guarded endpoint was reached: ${r.kind} badge ${r.badge} err ${r.err}`);
    }
  });
  const v_slot = k.giveCap(victim, k.endpointCap(k.createEndpoint('victim.own'), 0, { recv: true }));
  const victim_thread = k.spawnThread(victim, 'main', function* () {
    for (;;) yield* sys.recv(v_slot);
  });

  // The honest client: fixed calls, and exactly the answers a fault-free server gives.
  let honest_done = false;
  k.spawnThread(honest, 'main', function* (ctx) {
    for (let i = 0; i < HONEST_CALLS; i++) {
      const sent = Uint8Array.from({ length: 8 }, (_, j) => (i * 8 + j) & 0xff);
      ctx.mem.storeBytes(BUF, sent);
      const r = yield* sys.call(h_slot, { label: i, words: [i, 0xffffffff], buf: { vaddr: BUF, len: 8 } }, { recv_buf: { vaddr: REPLY_BUF, len: 64 } });
      const got = r.buf_len === 8 ? [...ctx.mem.loadBytes(REPLY_BUF, 8)] : [];
      const want = { err: 'OK', label: i + 1, words: [i + 1, 0], bytes: [...sent].reverse() };
      const seen = { err: r.err, label: r.label, words: r.words, bytes: got };
      if (JSON.stringify(seen) !== JSON.stringify(want)) violations.push(`honest call ${i}: ${JSON.stringify(seen)} instead of ${JSON.stringify(want)}`);
    }
    honest_done = true;
  });

  let issued = 0;
  k.spawnThread(attacker, 'main', function* () {
    for (const c of calls) {
      issued++;
      if (!(c instanceof ViaStub)) {
        yield c as Syscall;
        continue;
      }
      try {
        yield* viaStub(c.args);
      } catch {
        // A stub reads the arguments in the attacker's own time: a getter that throws is the
        // attacker's exception (a C library faulting on a bad pointer), and the attack goes on.
      }
    }
  });

  const victim_priority = victim_thread.priority;
  k.run({ steps_max: 20 * calls.length + 10_000 });
  if (k.panic_reason !== null) violations.push(`kernel panic: ${k.panic_reason}`);
  if (!honest_done) violations.push('the honest client did not finish');
  if (victim.as.nodes.size !== 0 || victim_thread.state === 'dead' || victim_thread.priority !== victim_priority || victim.incarnation !== 0) violations.push('the victim was touched');
  return { calls_issued: issued, attacker_calls_served, violations };
}

function expectOk(err: string): void {
  if (err !== 'OK') throw new Error(`fuzzer setup: ${err}`);
}
