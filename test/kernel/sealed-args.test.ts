// The fast path of copy-in (syscall-args.ts): the system-call library seals a plain copy of each
// call's argument, and the kernel decodes it without copying again. A thread cannot seal an
// argument of its own, cannot change one once sealed, and a hostile value handed to a stub is read
// in the thread's own time: an error to the thread, or the thread's own exception — never a
// panic, never a getter run by the kernel. The four IPC calls in their plain shape are sealed in
// register form, and decode exactly as the same call in record form does.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { LIMITS } from '../../src/hw/limits.ts';
import { decodeSyscall } from '../../src/kernel/decode.ts';
import type { Errno } from '../../src/kernel/errors.ts';
import { dispatchSyscall } from '../../src/kernel/invoke.ts';
import { capSlot, type Message, type SyscallYield } from '../../src/kernel/objects.ts';
import { REG_OP, SyscallArgs } from '../../src/kernel/syscall-args.ts';
import * as sys from '../../src/kernel/sys.ts';
import { makeKernel } from '../helpers/kernel-fixtures.ts';

// While `ipc.on`, the IPC mechanisms only note what they were asked (op, then every argument after
// the kernel and the thread), so that a decoded call can be compared with what invoke hands on;
// otherwise they run.
const ipc = vi.hoisted(() => ({ on: false, asked: [] as unknown[][] }));
vi.mock('../../src/kernel/ipc.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/kernel/ipc.ts')>();
  const doCall: typeof real.doCall = (k, t, ...rest) => (ipc.on ? void ipc.asked.push(['call', ...rest]) : real.doCall(k, t, ...rest));
  const doRecv: typeof real.doRecv = (k, t, ...rest) => (ipc.on ? void ipc.asked.push(['recv', ...rest]) : real.doRecv(k, t, ...rest));
  const doReply: typeof real.doReply = (k, t, ...rest) => (ipc.on ? (ipc.asked.push(['reply', ...rest]), 'OK') : real.doReply(k, t, ...rest));
  return { ...real, doCall, doRecv, doReply };
});

describe('sealed system-call arguments', () => {
  it('cannot be made, or made from a subclass, outside the library', () => {
    const Ctor = SyscallArgs as unknown as new (args: unknown) => object;
    expect(() => new Ctor({ op: 'now' })).toThrow(TypeError);
    expect(() => new (class extends Ctor {})({ op: 'now' })).toThrow(TypeError);
    // A Proxy of a sealed argument is not one: its private brand does not pass through.
    expect(SyscallArgs.argsOf(new Proxy(SyscallArgs.simple('now'), {}))).toBeNull();
    expect(SyscallArgs.argsOf({ op: 'now' })).toBeNull();
    // Nor in register form: the kernel reads a register-form argument's fields only after this answered an op.
    const sealed = SyscallArgs.recv(capSlot(0));
    expect(SyscallArgs.registerOp(sealed)).toBe(REG_OP.recv);
    expect(SyscallArgs.registerOp(new Proxy(sealed, {}))).toBe(REG_OP.none);
    expect(SyscallArgs.registerOp({ op: 'recv', slot: 0 })).toBe(REG_OP.none);
  });

  it('keeps what the stub read: a thread that rewrites the yielded object changes nothing', () => {
    const k = makeKernel();
    const ep = k.createEndpoint('ep');
    const server = k.createTask('server');
    const client = k.createTask('client');
    const s_slot = k.giveCap(server, k.endpointCap(ep, 0, { recv: true }));
    const c_slot = k.giveCap(client, k.endpointCap(ep, 5, { send: true }));
    const seen: number[] = [];
    let ran = 0;
    k.spawnThread(server, 'main', function* () {
      for (;;) {
        const r = yield* sys.recv(s_slot);
        seen.push(r.label, ...r.words);
        yield* sys.reply({ label: 0, words: [] });
      }
    });
    k.spawnThread(client, 'main', function* () {
      // Drive the stub by hand, and tamper with what it yields before passing it on.
      const stub = sys.call(c_slot, { label: 7, words: [1, 2] });
      const step = stub.next();
      const args = step.value as SyscallYield;
      Object.defineProperty(args, 'op', { get: () => (ran++, 'exit') });
      Object.defineProperty(args, 'msg', { value: { label: 999, words: [] } });
      yield args;
    });
    k.run();
    expect(k.panic_reason).toBeNull();
    expect(ran).toBe(0);
    expect(seen).toEqual([7, 1, 2]);
  });

  it('reads a hostile value handed to a stub in the thread: an error code or the thread’s own exception', () => {
    const hostile: Record<string, () => Message> = {
      'Proxy words': () => ({ label: 1, words: new Proxy([1], { get: () => { throw new Error('trap'); } }) }),
      'getter label': () => ({ get label(): number { throw new Error('getter'); }, words: [] }),
      'object word': () => ({ label: 1, words: [{ valueOf: () => 1 } as unknown as number] }),
      'typed array words': () => ({ label: 1, words: new Uint32Array([1]) as unknown as number[] }),
      'cyclic words': () => { const o: Record<string, unknown> = {}; o.self = o; return { label: 1, words: o as unknown as number[] }; },
      'huge words': () => ({ label: 1, words: new Array(2 ** 31) as number[] }),
    };
    for (const [name, make] of Object.entries(hostile)) {
      const k = makeKernel();
      const ep = k.createEndpoint('ep');
      const task = k.createTask('t');
      const slot = k.giveCap(task, k.endpointCap(ep, 5, { send: true }));
      const outcome: (Errno | string)[] = [];
      k.spawnThread(task, 'main', function* () {
        try {
          outcome.push((yield* sys.call(slot, make(), { timeout_cycles: 0 })).err);
        } catch (e) {
          outcome.push(`thrown: ${(e as Error).message}`);
        }
        outcome.push((yield* sys.call(slot, { label: 1, words: [] }, { timeout_cycles: 0 })).err);
      });
      k.run();
      expect(k.panic_reason, name).toBeNull();
      expect(outcome[0], name).toMatch(/^(EINVAL|thrown: .*)$/);
      // The thread goes on, and its next call is decoded as usual (nobody receives: it times out).
      expect(outcome[1], name).toBe('ETIMEDOUT');
    }
  });

  it('decodes a call in register form exactly as the same call in record form', () => {
    const k = makeKernel();
    const ep = k.createEndpoint('ep');
    const dead = k.createEndpoint('dead');
    const task = k.createTask('t');
    // Slots 0–4: send only, receive only, both rights on a dead endpoint, a device, both rights; 5 and up empty.
    k.giveCap(task, k.endpointCap(ep, 5, { send: true }));
    k.giveCap(task, k.endpointCap(ep, 6, { recv: true }));
    k.giveCap(task, k.endpointCap(dead, 7, { send: true, recv: true }));
    k.giveCap(task, k.deviceCap('timer'));
    k.giveCap(task, k.endpointCap(ep, 8, { send: true, recv: true }));
    k.destroyEndpoint(dead);
    // Two writable pages at 0x1000, one read-only at 0x3000; nothing at 0x5000.
    expect(k.allocPages(task, 0x1000, 2, true)).toBe('OK');
    expect(k.allocPages(task, 0x3000, 1, false)).toBe('OK');
    const thread = k.spawnThread(task, 'main', function* () {});
    const odd = fc.constantFrom<unknown>(-1, 1.5, 2 ** 32, NaN, '1', null, undefined, true, {}, [1]);
    const slotArb = fc.oneof(fc.integer({ min: -2, max: 8 }), odd);
    const u32Arb = fc.oneof(fc.nat({ max: 0xffffffff }), odd);
    const rangeArb = fc.oneof(
      { arbitrary: fc.record({ vaddr: fc.oneof(fc.constantFrom(0x1000, 0x1ff0, 0x3000, 0x5000), odd), len: fc.oneof(fc.constantFrom(0, 8, 64, 5000, LIMITS.msg_buf_bytes_max + 1), odd) }), weight: 4 },
      odd,
    );
    const msgArb = fc.record(
      { label: u32Arb, words: fc.oneof({ arbitrary: fc.array(u32Arb, { maxLength: 10 }), weight: 4 }, odd), buf: rangeArb },
      { requiredKeys: ['label', 'words'] },
    );
    const optsArb = fc.oneof(
      fc.constant(undefined),
      fc.record({ recv_buf: rangeArb, timeout_cycles: fc.oneof(fc.constantFrom(0, 5, -1), odd) }, { requiredKeys: [] }),
      odd,
    );
    fc.assert(
      fc.property(fc.constantFrom('call', 'recv', 'reply', 'replyRecv'), slotArb, msgArb, optsArb, (op, slot, msg, opts) => {
        const m = msg as Message;
        const s = slot as never;
        const o = opts as never;
        const sealed = op === 'call' ? sys.call(s, m, o) : op === 'recv' ? sys.recv(s, o) : op === 'reply' ? sys.reply(m) : sys.replyRecv(m, s, o);
        expect(SyscallArgs.registerOp(sealed)).toBe(REG_OP[op]);
        // The register form, decoded and invoked in one function (invoke.ts's dispatchIpc): its error
        // is the thread's answer, and what it invokes is what the IPC mechanisms are asked.
        const before = thread.pending;
        ipc.asked = [];
        ipc.on = true;
        try {
          dispatchSyscall(k, thread, sealed);
        } finally {
          ipc.on = false;
        }
        const answer = thread.pending === before ? null : thread.pending;
        // The record form, copied in by the kernel (the general path), with what the stub reads of the options.
        const given = typeof opts === 'object' && opts !== null ? (opts as Record<string, unknown>) : {};
        const options = { recv_buf: given.recv_buf, timeout_cycles: given.timeout_cycles };
        const record = op === 'recv' ? { op, slot, ...options } : op === 'reply' ? { op, msg } : { op, slot, msg, ...options };
        const inv = decodeSyscall(k, thread, record);
        if (typeof inv === 'string') {
          expect(answer?.err).toBe(inv);
          expect(ipc.asked).toEqual([]);
          return;
        }
        expect(inv.op).toBe(op);
        const sent = 'msg' in inv ? [inv.msg.label, inv.msg.words, inv.msg.buf ?? null] : [];
        const asked =
          inv.op === 'call' ? [['call', inv.endpoint, inv.badge, ...sent, inv.recv_buf, inv.timeout_cycles]]
          : inv.op === 'recv' ? [['recv', inv.endpoint, inv.recv_buf, inv.timeout_cycles]]
          : inv.op === 'replyRecv' ? [['reply', ...sent], ['recv', inv.endpoint, inv.recv_buf, inv.timeout_cycles]]
          : [['reply', ...sent]];
        expect(ipc.asked).toEqual(asked);
        if ('endpoint' in inv) expect(ipc.asked.at(-1)?.[1]).toBe(inv.endpoint);
        // Only a reply answers at once (the mechanism's own result, here OK); the others set their own.
        expect(answer?.err ?? null).toBe(op === 'reply' ? 'OK' : null);
      }),
      { numRuns: 3000, seed: 10 },
    );
  });

  it('reads what a thread’s own iterator hands back in the thread’s boundary: a getter that throws faults the thread, never the kernel', () => {
    const k = makeKernel();
    const task = k.createTask('t');
    let reads = 0;
    k.spawnThread(task, 'main', function* () {
      // yield* reads `done` once in the generator; a getter answering false there and throwing on the next read.
      const result = { get done(): boolean { if (reads++ > 0) throw new Error('second read'); return false; }, value: { op: 'yield' } };
      yield* { [Symbol.iterator]: () => ({ next: () => result }) } as unknown as Iterable<never>;
    });
    expect(k.run({ steps_max: 10 })).toBe('idle');
    expect(k.panic_reason).toBeNull();
    expect(reads).toBe(2);
    expect(k.trace.events().some((e) => e.event === 'fault' && e.detail.includes('second read'))).toBe(true);
  });
});
