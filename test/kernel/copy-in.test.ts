// Copy-in: a system call's argument is read as plain data before it is decoded. Getters, Proxies,
// functions, and arguments nested too deep or too wide are EINVAL to the thread that passed them —
// never a getter or a trap run by the kernel, never a kernel panic — and the thread goes on.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as sys from '../../src/kernel/sys.ts';
import type { Syscall } from '../../src/kernel/objects.ts';
import { makeKernel } from '../helpers/kernel-fixtures.ts';

/** Arguments that are not plain data, each built around an otherwise valid `call`. */
const HOSTILE: Record<string, (slot: number, ran: () => void) => unknown> = {
  'throwing getter': (slot, ran) => ({ op: 'call', get slot(): number { ran(); throw new Error('boom'); }, msg: { label: 1, words: [] } }),
  'getter answering differently': (slot, ran) => {
    let n = 0;
    return { op: 'call', get slot(): number { ran(); return n++ === 0 ? slot : 999; }, msg: { label: 1, words: [] } };
  },
  'proxy argument': (_slot, ran) => new Proxy({}, { get: () => { ran(); throw new Error('trap'); }, has: () => { ran(); return true; } }),
  'proxy message': (slot, ran) => ({ op: 'call', slot, msg: new Proxy({ label: 1, words: [] }, { get: (t, k) => { ran(); return Reflect.get(t, k); } }) }),
  'getter in the words': (slot, ran) => ({ op: 'call', slot, msg: { label: 1, words: Object.defineProperty([0], 0, { get: () => { ran(); return 1; } }) } }),
  'function value': (slot) => ({ op: 'call', slot, msg: { label: 1, words: [] }, timeout_cycles: () => 5 }),
  'too deep': (slot) => ({ op: 'call', slot, msg: { label: 1, words: [], buf: { vaddr: { deeper: { still: 1 } }, len: 1 } } }),
  'too wide': (slot) => ({ op: 'call', slot, msg: { label: 1, words: Array.from({ length: 100 }, () => 0) } }),
};

describe('system call arguments are copied in as plain data', () => {
  it('every hostile argument is EINVAL, runs no code of the thread, and the thread and kernel go on', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(HOSTILE)), (kind) => {
        const k = makeKernel();
        const ep = k.createEndpoint('ep');
        const server = k.createTask('server');
        const client = k.createTask('client');
        const s_slot = k.giveCap(server, k.endpointCap(ep, 0, { recv: true }));
        const c_slot = k.giveCap(client, k.endpointCap(ep, 1, { send: true }));
        let ran = 0;
        const seen: string[] = [];
        k.spawnThread(server, 'main', function* () {
          const r = yield* sys.recv(s_slot);
          yield* sys.reply({ label: r.label + 1, words: [] });
        });
        k.spawnThread(client, 'main', function* () {
          // What a thread may yield is typed; a hostile one yields anything.
          const bad = yield HOSTILE[kind](c_slot, () => ran++) as Syscall;
          seen.push(bad.err);
          // The same thread then makes a good call, and it works.
          const good = yield* sys.call(c_slot, { label: 41, words: [] });
          seen.push(`${good.err}:${good.label}`);
        });
        expect(k.run()).toBe('idle');
        expect(k.panic_reason).toBeNull();
        expect(ran).toBe(0);
        expect(seen).toEqual(['EINVAL', 'OK:42']);
      }),
      { numRuns: 30 },
    );
  });
});
