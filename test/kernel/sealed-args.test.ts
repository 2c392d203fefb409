// The fast path of copy-in (syscall-args.ts): the system-call library seals a plain copy of each
// call's argument, and the kernel decodes it without copying again. A thread cannot seal an
// argument of its own, cannot change one once sealed, and a hostile value handed to a stub is read
// in the thread's own time: an error to the thread, or the thread's own exception — never a
// panic, never a getter run by the kernel.
import { describe, expect, it } from 'vitest';
import type { Errno } from '../../src/kernel/errors.ts';
import type { Message, SyscallYield } from '../../src/kernel/objects.ts';
import { SyscallArgs } from '../../src/kernel/syscall-args.ts';
import * as sys from '../../src/kernel/sys.ts';
import { makeKernel } from '../helpers/kernel-fixtures.ts';

describe('sealed system-call arguments', () => {
  it('cannot be made, or made from a subclass, outside the library', () => {
    const Ctor = SyscallArgs as unknown as new (args: unknown) => object;
    expect(() => new Ctor({ op: 'now' })).toThrow(TypeError);
    expect(() => new (class extends Ctor {})({ op: 'now' })).toThrow(TypeError);
    // A Proxy of a sealed argument is not one: its private brand does not pass through.
    expect(SyscallArgs.argsOf(new Proxy(SyscallArgs.simple('now'), {}))).toBeNull();
    expect(SyscallArgs.argsOf({ op: 'now' })).toBeNull();
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
});
