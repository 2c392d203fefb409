// Two smaller kernel behaviours (issue 15): a task that was shut down stays down (a restart is
// EDEAD, and its image never runs again), and a receiver whose buffer is too small for a call at
// the head of an endpoint's queue lets the next receiver take the call instead of failing it.
import { describe, expect, it } from 'vitest';
import type { Errno } from '../../src/kernel/errors.ts';
import type { SysResult } from '../../src/kernel/objects.ts';
import * as sys from '../../src/kernel/sys.ts';
import { makeKernel } from '../helpers/kernel-fixtures.ts';

describe('shutdown', () => {
  it('a task shut down cannot be restarted: EDEAD, and its image does not run again', () => {
    const k = makeKernel();
    let boots = 0;
    const server = k.createTask('server', (t) => {
      boots++;
      k.spawnThread(t, 'main', function* () {
        yield* sys.spin(10);
      });
    });
    const admin = k.createTask('admin');
    const slot = k.giveCap(admin, { kind: 'task', task: server, rights: { map: false, control: true, sched: false } });
    const errs: Errno[] = [];
    k.spawnThread(admin, 'main', function* () {
      errs.push((yield* sys.control(slot, { action: 'restart' })).err);
      errs.push((yield* sys.control(slot, { action: 'shutdown' })).err);
      errs.push((yield* sys.control(slot, { action: 'restart' })).err);
    });
    k.run();
    expect(k.panic_reason).toBeNull();
    expect(errs).toEqual(['OK', 'OK', 'EDEAD']);
    expect(boots).toBe(2);
    expect(server.alive).toBe(false);
    expect(server.threads.every((t) => t.state === 'dead')).toBe(true);
    // The trusted base cannot do it either: that would be a kernel bug, so it is an invariant.
    expect(() => k.restartTask(server)).toThrow(/shut down/);
  });
});

describe('receivers with small buffers', () => {
  it('a call too big for the receiver at the head goes to the next receiver; the first keeps waiting for one it can hold', () => {
    const k = makeKernel({ frame_bytes: 4096 });
    const ep = k.createEndpoint('svc');
    const server = k.createTask('server');
    const client = k.createTask('client');
    expect(k.allocPages(server, 0x1000, 2, true)).toBe('OK');
    expect(k.allocPages(client, 0x1000, 1, true)).toBe('OK');
    const s_slot = k.giveCap(server, k.endpointCap(ep, 0, { recv: true }));
    const c_slot = k.giveCap(client, k.endpointCap(ep, 7, { send: true }));
    const got: Record<string, SysResult[]> = { small: [], large: [] };
    // The small receiver comes first, so it is at the head of the receive queue.
    for (const [name, vaddr, len] of [['small', 0x1000, 8], ['large', 0x2000, 256]] as const) {
      k.spawnThread(server, name, function* () {
        for (;;) {
          const r = yield* sys.recv(s_slot, { recv_buf: { vaddr, len } });
          got[name].push(r);
          if (r.err === 'OK') yield* sys.reply({ label: r.buf_len, words: [] });
        }
      });
    }
    const answers: string[] = [];
    k.spawnThread(client, 'main', function* () {
      for (const len of [100, 4, 200, 8]) {
        const r = yield* sys.call(c_slot, { label: len, words: [], buf: { vaddr: 0x1000, len } });
        answers.push(`${r.err}:${r.label}`);
      }
      // Larger than every receiver's buffer: the caller's error, and no receiver is failed.
      const r = yield* sys.call(c_slot, { label: 1, words: [], buf: { vaddr: 0x1000, len: 1000 } });
      answers.push(`${r.err}`);
    });
    k.run();
    expect(k.panic_reason).toBeNull();
    expect(answers).toEqual(['OK:100', 'OK:4', 'OK:200', 'OK:8', 'EMSGSIZE']);
    expect(got.large.map((r) => r.buf_len)).toEqual([100, 200]);
    expect(got.small.map((r) => r.buf_len)).toEqual([4, 8]);
    expect([...got.small, ...got.large].every((r) => r.err === 'OK' && r.badge === 7)).toBe(true);
  });
});
