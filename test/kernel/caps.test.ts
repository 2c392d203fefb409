// Capabilities and system-call decoding. A thread can only name a slot; every way of naming a
// wrong one (out of range, not an integer, empty, revoked, the wrong kind, missing the right, a
// dead endpoint) is an error code returned to it — never a host exception — and a rejected call
// changes nothing in the kernel (seL4's decode before invoke).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/hw/limits.ts';
import type { Errno } from '../../src/kernel/errors.ts';
import type { Kernel } from '../../src/kernel/kernel.ts';
import type { Capability, DeviceName, Syscall, SysResult, Thread } from '../../src/kernel/objects.ts';
import * as sys from '../../src/kernel/sys.ts';
import { makeKernel } from '../helpers/kernel-fixtures.ts';

/** Yields anything at all as a system call: what a buggy or hostile thread can do. */
function* rawSyscall(raw: unknown): sys.Sys {
  return yield raw as Syscall;
}

/** Everything a rejected call must leave as it was, as one comparable string. */
function kernelState(k: Kernel): string {
  const cap = (c: Capability | null): unknown => {
    if (c === null) return null;
    if (c.kind === 'endpoint') return ['ep', c.endpoint.id, c.badge, c.rights.send, c.rights.recv];
    if (c.kind === 'task') return ['task', c.task.id, c.rights.map, c.rights.control, c.rights.sched];
    return ['dev', c.device];
  };
  return JSON.stringify({
    endpoints: k.endpoints.map((e) => [e.alive, e.senders.map((s) => ('kind' in s ? 'kernel' : s.id)), e.receivers.map((t) => t.id), e.notify_bits]),
    caps: k.tasks.map((t) => t.caps.map(cap)),
    pages: k.tasks.map((t) => [...t.as.nodes.entries()].map(([vpn, n]) => [vpn, n.frame, n.writable])),
    irqs: [...k.irq_bindings.entries()].map(([line, b]) => [line, b.endpoint.id, b.badge]),
    threads: k.threads.map((t) => [t.state, t.priority, t.quantum_cycles, t.reply_to?.id ?? -1]),
    timer: k.machine.timer.deadline_cycles,
  });
}

// ---- every slot × every kind of call ----

type CapSpec =
  | { kind: 'endpoint'; ep: number; send: boolean; recv: boolean; badge: number }
  | { kind: 'task'; map: boolean; control: boolean; sched: boolean }
  | { kind: 'device'; device: DeviceName }
  | { kind: 'revoked' };

const OPS = ['call', 'recv', 'replyRecv', 'notify', 'map', 'device', 'control', 'setSched', 'irqBind'] as const;
type Op = (typeof OPS)[number];
/** endpoints 0..2 live, 3 destroyed before the program runs */
const ENDPOINTS = 4;
const DEAD_EP = 3;
/** slot 0 always holds a send+receive capability to endpoint 0 (irqBind's endpoint) */
const HOME_SLOT = 0;
const NON_INTEGER_SLOTS: unknown[] = [1.5, -0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 53, '3', null, undefined, true, {}, [1]];
const SLOTS: unknown[] = [...Array.from({ length: LIMITS.cap_slots_max + 5 }, (_, i) => i - 2), ...NON_INTEGER_SLOTS];

const capSpecArb: fc.Arbitrary<CapSpec> = fc.oneof(
  fc.record({ kind: fc.constant('endpoint' as const), ep: fc.nat(ENDPOINTS - 1), send: fc.boolean(), recv: fc.boolean(), badge: fc.nat(0xff) }),
  fc.record({ kind: fc.constant('task' as const), map: fc.boolean(), control: fc.boolean(), sched: fc.boolean() }),
  fc.record({ kind: fc.constant('device' as const), device: fc.constantFrom<DeviceName>('timer', 'disk', 'console', 'nic') }),
  fc.constant({ kind: 'revoked' as const }),
);
const layoutArb = fc.array(fc.tuple(fc.integer({ min: 1, max: LIMITS.cap_slots_max - 1 }), capSpecArb), { maxLength: 24 });

interface Attempt {
  op: Op;
  slot: unknown;
}
const ALL_ATTEMPTS: Attempt[] = OPS.flatMap((op) => SLOTS.map((slot) => ({ op, slot })));

function syscallFor(a: Attempt): unknown {
  const msg = { label: 1, words: [] };
  switch (a.op) {
    case 'call':
      return { op: 'call', slot: a.slot, msg, timeout_cycles: 0 };
    case 'recv':
      return { op: 'recv', slot: a.slot, timeout_cycles: 0 };
    case 'replyRecv':
      return { op: 'replyRecv', slot: a.slot, msg, timeout_cycles: 0 };
    case 'notify':
      return { op: 'notify', slot: a.slot };
    case 'map':
      return { op: 'map', slot: a.slot, src_vaddr: 0, dst_vaddr: 0, pages: 1, writable: false, grant: false };
    case 'device':
      return { op: 'device', slot: a.slot, req: { action: 'console-write', vaddr: 0, len: 0 } };
    case 'control':
      return { op: 'control', slot: a.slot, action: { action: 'abort-call', caller_thread: 1_000_000 } };
    case 'setSched':
      return { op: 'setSched', slot: a.slot, priority: 2, quantum_cycles: LIMITS.quantum_cycles_default };
    case 'irqBind':
      return { op: 'irqBind', device_slot: a.slot, endpoint_slot: HOME_SLOT };
  }
}

interface Answer {
  err: Errno;
  kind: SysResult['kind'];
  value: number;
}

/** The capability-space model: what each attempt must answer, and the notification bits it leaves. */
class CapModel {
  readonly bits: number[] = Array.from({ length: ENDPOINTS }, () => 0);
  constructor(private readonly caps: (CapSpec | null)[]) {}

  answer(a: Attempt): Answer {
    const no = (err: Errno): Answer => ({ err, kind: 'none', value: 0 });
    const c = this.decode(a.slot);
    if (typeof c === 'string') return no(c);
    switch (a.op) {
      case 'call':
      case 'notify': {
        const e = this.endpoint(c, 'send');
        if (typeof e === 'string') return no(e);
        if (a.op === 'call') return no('ETIMEDOUT'); // nobody receives: a zero timeout passes at once
        this.bits[e.ep] |= e.badge;
        return no('OK');
      }
      case 'recv':
      case 'replyRecv': {
        const e = this.endpoint(c, 'recv');
        if (typeof e === 'string') return no(e);
        const bits = this.bits[e.ep];
        if (bits === 0) return no('EAGAIN');
        this.bits[e.ep] = 0;
        return { err: 'OK', kind: 'notify', value: bits };
      }
      case 'map':
        if (c.kind !== 'task') return no('ENOCAP');
        return no(c.map ? 'EFAULT' : 'EPERM'); // the prober has no page at 0 to give
      case 'control':
        if (c.kind !== 'task') return no('ENOCAP');
        return no(c.control ? 'EINVAL' : 'EPERM'); // no such caller thread
      case 'setSched':
        if (c.kind !== 'task') return no('ENOCAP');
        return no(c.sched ? 'OK' : 'EPERM');
      case 'device':
        if (c.kind !== 'device') return no('ENOCAP');
        return no(c.device === 'console' ? 'OK' : 'EPERM');
      case 'irqBind':
        return no(c.kind === 'device' ? 'OK' : 'ENOCAP');
    }
  }

  private decode(slot: unknown): Exclude<CapSpec, { kind: 'revoked' }> | Errno {
    if (typeof slot !== 'number' || !Number.isSafeInteger(slot)) return 'EINVAL';
    if (slot < 0 || slot >= LIMITS.cap_slots_max) return 'ERANGE';
    const c = this.caps[slot];
    if (c === null || c.kind === 'revoked') return 'ENOCAP';
    return c;
  }

  private endpoint(c: Exclude<CapSpec, { kind: 'revoked' }>, right: 'send' | 'recv'): Extract<CapSpec, { kind: 'endpoint' }> | Errno {
    if (c.kind !== 'endpoint') return 'ENOCAP';
    if (!c[right]) return 'EPERM';
    if (c.ep === DEAD_EP) return 'EDEAD';
    return c;
  }
}

interface Probe {
  answer: Answer;
  before: string;
  after: string;
}

describe('capability slots', () => {
  it('every slot from -2 to cap_slots_max+2, and non-integers, with every kind of call: the right error, and nothing changed', () => {
    fc.assert(
      fc.property(layoutArb, fc.shuffledSubarray(ALL_ATTEMPTS, { minLength: ALL_ATTEMPTS.length }), (layout, attempts) => {
        const k = makeKernel();
        const eps = Array.from({ length: ENDPOINTS }, (_, i) => k.createEndpoint(`e${i}`));
        const prober = k.createTask('prober');
        const other = k.createTask('other');
        const specs: (CapSpec | null)[] = Array.from({ length: LIMITS.cap_slots_max }, () => null);
        specs[HOME_SLOT] = { kind: 'endpoint', ep: 0, send: true, recv: true, badge: 1 };
        for (const [slot, spec] of layout) specs[slot] = spec;
        specs.forEach((spec, slot) => {
          if (spec === null) return;
          if (spec.kind === 'endpoint') k.giveCap(prober, k.endpointCap(eps[spec.ep], spec.badge, spec), slot);
          else if (spec.kind === 'task') k.giveCap(prober, { kind: 'task', task: other, rights: spec }, slot);
          else if (spec.kind === 'device') k.giveCap(prober, k.deviceCap(spec.device), slot);
          else {
            k.giveCap(prober, k.endpointCap(eps[0], 1, { send: true, recv: true }), slot);
            k.revokeCap(prober, k.giveCap(prober, k.endpointCap(eps[0], 1, { send: true, recv: true }), slot));
          }
        });
        k.destroyEndpoint(eps[DEAD_EP]);

        // An endpoint the prober was never given, with a server waiting on it: nothing may reach it.
        const hidden = k.createEndpoint('hidden');
        const server = k.createTask('server');
        const hidden_slot = k.giveCap(server, k.endpointCap(hidden, 0, { recv: true }));
        const woken: SysResult[] = [];
        const server_thread = k.spawnThread(server, 'main', function* () {
          woken.push(yield* sys.recv(hidden_slot));
        });

        const probes: Probe[] = [];
        const prober_thread = k.spawnThread(prober, 'main', function* () {
          // Nothing else runs between two of the prober's calls: one call's after is the next one's before.
          let before = kernelState(k);
          for (const a of attempts) {
            const r = yield* rawSyscall(syscallFor(a));
            const after = kernelState(k);
            probes.push({ answer: { err: r.err, kind: r.kind, value: r.value }, before, after });
            before = after;
          }
        });
        expect(k.run()).toBe('idle');
        expect(k.panic_reason).toBeNull();
        expect(prober_thread.state).toBe('dead');
        expect(probes.length).toBe(attempts.length);

        const model = new CapModel(specs);
        const want = attempts.map((a) => model.answer(a));
        expect(probes.map((p) => p.answer)).toEqual(want);
        probes.forEach((p, i) => {
          if (p.answer.err !== 'OK') expect(p.after, `${attempts[i].op} slot=${String(attempts[i].slot)}`).toBe(p.before);
        });
        expect(eps.map((e) => e.notify_bits)).toEqual(model.bits);
        expect(hidden.notify_bits).toBe(0);
        expect(hidden.receivers).toEqual([server_thread]);
        expect(woken).toEqual([]);
      }),
      { numRuns: 30 },
    );
  });
});

// ---- a call with a good endpoint and a bad message ----

const RW_PAGE = 0x1000;
const RO_PAGE = 0x2000;
const GOOD_SLOT = 0;
const RECV_ONLY_SLOT = 1;
const DEAD_SLOT = 2;
const EMPTY_SLOT = 5;

interface Variant {
  value: unknown;
  /** null: well formed */
  err: Errno | null;
}
const ok = (value: unknown): Variant => ({ value, err: null });
const bad = (err: Errno, ...values: unknown[]): Variant[] => values.map((value) => ({ value, err }));
const WORDS_9 = Array.from({ length: LIMITS.msg_words_max + 1 }, () => 1);
const BUF_TOO_BIG = LIMITS.msg_buf_bytes_max + 1;

// In decode order: the slot, the message (label, words, buffer), the receive buffer, the timeout.
const FIELDS = {
  slot: [ok(GOOD_SLOT), ...bad('EINVAL', 'x', 0.5), ...bad('ERANGE', -1, LIMITS.cap_slots_max), ...bad('ENOCAP', EMPTY_SLOT), ...bad('EPERM', RECV_ONLY_SLOT), ...bad('EDEAD', DEAD_SLOT)],
  label: [ok(7), ok(0xffffffff), ...bad('EINVAL', -1, 1.5, 2 ** 32, '1', null)],
  words: [ok([]), ok([1, 0xffffffff]), ...bad('EINVAL', 'x', null, { length: 1 }, WORDS_9, [-1], [2 ** 32], [1.5], ['1'])],
  buf: [
    ok(undefined),
    ok({ vaddr: RW_PAGE, len: 16 }),
    ok({ vaddr: RO_PAGE, len: 16 }),
    ...bad('EINVAL', null, 'x', { vaddr: '0', len: 4 }, { vaddr: RW_PAGE }),
    ...bad('EMSGSIZE', { vaddr: RW_PAGE, len: BUF_TOO_BIG }),
    // Malformed ranges (negative, fractional, wrapping past 2^32) are EFAULT, like unmapped ones.
    ...bad('EFAULT', { vaddr: 0x5000, len: 4 }, { vaddr: 2 ** 32 - 2, len: 4 }, { vaddr: RO_PAGE + 0xffe, len: 8 }, { vaddr: -1, len: 4 }, { vaddr: RW_PAGE, len: -1 }, { vaddr: RW_PAGE, len: 1.5 }, { vaddr: 0.5, len: 1 }, { vaddr: Number.NaN, len: 1 }),
  ],
  recv_buf: [
    ok(undefined),
    ok({ vaddr: RW_PAGE, len: 64 }),
    ...bad('EINVAL', null, 'x'),
    ...bad('EMSGSIZE', { vaddr: RW_PAGE, len: BUF_TOO_BIG }),
    ...bad('EFAULT', { vaddr: RO_PAGE, len: 16 }, { vaddr: 0x5000, len: 4 }),
  ],
  timeout: [ok(undefined), ok(5_000_000), ...bad('EINVAL', -1, 1.5, '5', null)],
};
type CallFields = Record<keyof typeof FIELDS, Variant>;
const FIELD_ORDER = Object.keys(FIELDS) as (keyof typeof FIELDS)[];

/** Mostly well formed, so that a bad field late in the decode order is not always hidden by an earlier one. */
const variantArb = (vs: Variant[]): fc.Arbitrary<Variant> =>
  fc.oneof({ arbitrary: fc.constantFrom(...vs.filter((v) => v.err === null)), weight: 3 }, { arbitrary: fc.constantFrom(...vs.filter((v) => v.err !== null)), weight: 1 });

/**
 * Makes one call with the given fields while a server waits on the endpoint; checks that a
 * malformed call is answered with the first error in decode order and changes nothing, and that a
 * well-formed one goes through (so the setup could have shown a leak).
 */
function tryCall(f: CallFields): void {
  const k = makeKernel();
  const ep = k.createEndpoint('svc');
  const dead = k.createEndpoint('dead');
  const server = k.createTask('server');
  const client = k.createTask('client');
  expect(k.allocPages(server, RW_PAGE, 1, true)).toBe('OK');
  expect(k.allocPages(client, RW_PAGE, 1, true)).toBe('OK');
  expect(k.allocPages(client, RO_PAGE, 1, false)).toBe('OK');
  const server_slot = k.giveCap(server, k.endpointCap(ep, 0, { recv: true }));
  k.giveCap(client, k.endpointCap(ep, 9, { send: true }), GOOD_SLOT);
  k.giveCap(client, k.endpointCap(ep, 9, { recv: true }), RECV_ONLY_SLOT);
  k.giveCap(client, k.endpointCap(dead, 9, { send: true }), DEAD_SLOT);
  k.destroyEndpoint(dead);

  const served: SysResult[] = [];
  const server_thread: Thread = k.spawnThread(server, 'main', function* () {
    for (;;) {
      served.push(yield* sys.recv(server_slot, { recv_buf: { vaddr: RW_PAGE, len: 64 } }));
      yield* sys.reply({ label: 99, words: [] });
    }
  });
  k.run();
  expect(ep.receivers).toEqual([server_thread]);

  const msg: Record<string, unknown> = { label: f.label.value, words: f.words.value };
  if (f.buf.value !== undefined) msg.buf = f.buf.value;
  const call: Record<string, unknown> = { op: 'call', slot: f.slot.value, msg };
  if (f.recv_buf.value !== undefined) call.recv_buf = f.recv_buf.value;
  if (f.timeout.value !== undefined) call.timeout_cycles = f.timeout.value;
  const want = FIELD_ORDER.map((name) => f[name]).find((v) => v.err !== null)?.err ?? 'OK';

  let answer: SysResult | null = null;
  let before = '';
  let after = '';
  k.spawnThread(client, 'main', function* () {
    before = kernelState(k);
    answer = yield* rawSyscall(call);
    after = kernelState(k);
  });
  k.run();
  expect(k.panic_reason).toBeNull();
  if (want !== 'OK') {
    expect(answer).toMatchObject({ err: want, kind: 'none' });
    expect(after).toBe(before);
    expect(ep.senders).toEqual([]);
    expect(ep.receivers).toEqual([server_thread]);
    expect(served).toEqual([]);
    return;
  }
  expect(answer).toMatchObject({ err: 'OK', kind: 'reply', label: 99 });
  expect(served).toHaveLength(1);
  expect(served[0]).toMatchObject({ err: 'OK', kind: 'call', badge: 9, label: f.label.value });
}

describe('decode before invoke', () => {
  it('each malformed field alone, with everything else well formed, is refused before the waiting receiver sees anything', () => {
    const good = Object.fromEntries(FIELD_ORDER.map((name) => [name, FIELDS[name][0]])) as CallFields;
    tryCall(good);
    for (const name of FIELD_ORDER) {
      for (const v of FIELDS[name]) tryCall({ ...good, [name]: v });
    }
  });

  it('any mix of malformed fields is refused with the first error in decode order', () => {
    fc.assert(
      fc.property(
        fc.record({
          slot: variantArb(FIELDS.slot),
          label: variantArb(FIELDS.label),
          words: variantArb(FIELDS.words),
          buf: variantArb(FIELDS.buf),
          recv_buf: variantArb(FIELDS.recv_buf),
          timeout: variantArb(FIELDS.timeout),
        }),
        tryCall,
      ),
      { numRuns: 200 },
    );
  });
});

// ---- garbage ----

const KNOWN_OPS = ['call', 'recv', 'reply', 'replyRecv', 'notify', 'yield', 'spin', 'now', 'map', 'unmap', 'device', 'irqBind', 'control', 'setSched', 'exit'];
/** ops whose every argument is checked; yield, now and exit take none */
const OPS_WITH_ARGS = KNOWN_OPS.filter((op) => !['yield', 'now', 'exit'].includes(op));

/** Never a safe integer, never a well-formed record. */
const junkArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.string(),
  fc.double().filter((d) => !Number.isSafeInteger(d)),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt(),
  fc.constant(Symbol('junk')),
  fc.constant(() => 0),
  fc.array(fc.nat(), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.nat(), { maxKeys: 3 }),
);

const garbageArb: fc.Arbitrary<unknown> = fc.oneof(
  junkArb,
  fc.record({ op: fc.oneof(fc.string().filter((s) => !KNOWN_OPS.includes(s)), fc.nat(), fc.constant(null), fc.constant(undefined)) }),
  fc.record({
    op: fc.constantFrom(...OPS_WITH_ARGS),
    slot: junkArb,
    device_slot: junkArb,
    endpoint_slot: junkArb,
    msg: junkArb,
    cycles: junkArb,
    vaddr: junkArb,
    pages: junkArb,
    self: junkArb,
  }),
);

describe('garbage system calls', () => {
  it('anything yielded that is not a well-formed system call is EINVAL, and the thread carries on', () => {
    fc.assert(
      fc.property(fc.array(garbageArb, { minLength: 1, maxLength: 30 }), (garbage) => {
        const k = makeKernel();
        const task = k.createTask('junk');
        const errs: Errno[] = [];
        let last: SysResult | null = null;
        const t = k.spawnThread(task, 'main', function* () {
          for (const g of garbage) errs.push((yield* rawSyscall(g)).err);
          last = yield* sys.spin(10);
        });
        k.run();
        expect(k.panic_reason).toBeNull();
        expect(errs).toEqual(garbage.map(() => 'EINVAL'));
        expect(last).toMatchObject({ err: 'OK' });
        expect(t.state).toBe('dead');
        expect(t.fault).toBeNull();
      }),
      { numRuns: 200 },
    );
  });
});
