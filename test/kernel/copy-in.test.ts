// Copy-in: a system call's argument is read as plain data before it is decoded. Getters, Proxies,
// functions, typed arrays, buffers, symbols, prototype keys, and arguments nested too deep or too
// wide are EINVAL to the thread that passed them — never a getter or a trap run by the kernel,
// never a kernel panic — and the thread goes on.
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
  // Issue 15: typed arrays and buffers, prototype keys, symbols, holes, class instances.
  'typed array with a throwing length': (slot, ran) => ({ op: 'call', slot, msg: { label: 1, words: [] }, extra: Object.defineProperty(new Uint8Array(4), 'length', { get: () => { ran(); throw new Error('boom'); } }) }),
  'typed array with a swapped prototype': (slot, ran) => {
    const bytes = new Uint8Array(4);
    Object.setPrototypeOf(bytes, { get length(): number { ran(); return 1e9; } });
    return { op: 'now', bytes, slot };
  },
  'typed array over a detached buffer': (slot) => {
    const buffer = new ArrayBuffer(8);
    const bytes = new Uint8Array(buffer);
    structuredClone(buffer, { transfer: [buffer] });
    return { op: 'call', slot, msg: { label: 1, words: [], bytes } };
  },
  'typed array as words': (slot) => ({ op: 'call', slot, msg: { label: 1, words: new Uint32Array([1, 2]) } }),
  ArrayBuffer: (slot) => ({ op: 'call', slot, msg: { label: 1, words: [] }, buf: new ArrayBuffer(4) }),
  DataView: (slot) => ({ op: 'call', slot, msg: { label: 1, words: [], buf: new DataView(new ArrayBuffer(4)) } }),
  'JSON __proto__ key': (slot) => ({ op: 'call', slot, msg: JSON.parse('{"label":1,"words":[],"__proto__":{"buf":{"vaddr":0,"len":4}}}') as unknown }),
  'constructor key': (slot) => ({ op: 'call', slot, msg: { label: 1, words: [] }, constructor: 1 }),
  'prototype key': (slot) => ({ op: 'call', slot, msg: { label: 1, words: [], prototype: {} } }),
  'symbol key': (slot) => ({ op: 'call', slot, msg: { label: 1, words: [] }, [Symbol('s')]: 1 }),
  'symbol value': (slot) => ({ op: 'call', slot, msg: { label: Symbol('label'), words: [] } }),
  'array with a hole': (slot) => ({ op: 'call', slot, msg: { label: 1, words: [1, , 2] } }),
  'array with an extra key': (slot) => ({ op: 'call', slot, msg: { label: 1, words: Object.assign([1], { extra: 2 }) } }),
  'array with a getter prototype': (slot, ran) => {
    const words = [1];
    Object.setPrototypeOf(words, Object.create(Array.prototype, { 0: { get: () => { ran(); return 1; } } }));
    return { op: 'call', slot, msg: { label: 1, words } };
  },
  'inherited getter': (slot, ran) => ({ op: 'call', slot, msg: Object.create({ get label(): number { ran(); return 1; } }, { words: { value: [], enumerable: true } }) }),
  'class instance': (slot) => ({ op: 'call', slot, msg: new (class Msg { label = 1; words = []; })() }),
  'non-enumerable accessor': (slot, ran) => Object.defineProperty({ op: 'call', slot, msg: { label: 1, words: [] } }, 'timeout_cycles', { get: () => { ran(); return 5; }, enumerable: false }),
  'sparse huge array': (slot) => ({ op: 'call', slot, msg: { label: 1, words: new Array(2 ** 31) } }),
};

describe('system call arguments are copied in as plain data', () => {
  it.each(Object.keys(HOSTILE))('%s is EINVAL, runs no code of the thread, and the thread and kernel go on', (kind) => {
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
  });
});
