// Who owns a message's words once it is delivered (ipc.ts, syscall-args.ts). The receiver of a call
// gets the words array the caller's stub sealed, not a copy: the sealed argument lets go of it when
// the kernel takes it, and the caller keeps a copy of the words in its thread for a requeue. So a
// server that changes a request it received changes nothing anyone else sees: not the caller's own
// array, not the call delivered again to the next incarnation, not a message sent again with the
// same sealed argument (which decodes as EINVAL: a sealed argument carries one message, once).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/hw/limits.ts';
import type { SysResult, SyscallYield } from '../../src/kernel/objects.ts';
import * as sys from '../../src/kernel/sys.ts';
import { makeKernel } from '../helpers/kernel-fixtures.ts';

const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const words = fc.array(u32, { maxLength: LIMITS.msg_words_max });
/** What a server does to a request's words: overwrite them, shorten them, or grow them. */
const mutation = fc.record({ fill: u32, length: fc.integer({ min: 0, max: LIMITS.msg_words_max + 4 }) });

function mutate(w: number[], m: { fill: number; length: number }): void {
  w.fill(m.fill);
  w.length = m.length;
  w.fill(m.fill ^ 1);
}

describe('message ownership', () => {
  it('a server that changes a request it received and dies: the requeued call carries the words the client sent', () => {
    fc.assert(
      fc.property(words, mutation, fc.integer({ min: 0, max: 0xffff }), (sent, m, label) => {
        const k = makeKernel();
        const ep = k.createEndpoint('svc');
        const faults = k.createEndpoint('faults');
        const received: number[][] = [];
        const server = k.createTask('server', (task) => {
          const slot = k.giveCap(task, k.endpointCap(ep, 0, { recv: true }), 0);
          const generation = task.incarnation;
          k.spawnThread(task, 'main', function* () {
            const r = yield* sys.recv(slot);
            received.push([...r.words]);
            mutate(r.words, m);
            if (generation === 0) throw new Error('dies holding the call');
            yield* sys.reply({ label: r.label, words: [...received[generation]] });
          });
        });
        k.setFaultHandler(server, faults, 5);
        const supervisor = k.createTask('supervisor');
        const sup_faults = k.giveCap(supervisor, k.endpointCap(faults, 0, { recv: true }));
        const sup_server = k.giveCap(supervisor, { kind: 'task', task: server, rights: { map: false, control: true, sched: false } });
        k.spawnThread(supervisor, 'main', function* () {
          const f = yield* sys.recv(sup_faults);
          yield* sys.control(sup_server, { action: 'restart' });
          yield* sys.control(sup_server, { action: 'requeue-call', caller_thread: f.words[4] - 1 });
        });
        const client = k.createTask('client');
        const c_slot = k.giveCap(client, k.endpointCap(ep, 1, { send: true }));
        const own = [...sent];
        let answer: SysResult | null = null;
        k.spawnThread(client, 'main', function* () {
          answer = yield* sys.call(c_slot, { label, words: own });
        });
        expect(k.run()).toBe('idle');
        expect(k.panic_reason).toBeNull();
        expect(received).toEqual([sent, sent]);
        expect(answer).toMatchObject({ err: 'OK', kind: 'reply', label, words: sent });
        expect(own).toEqual(sent);
      }),
      { numRuns: 40 },
    );
  });

  it('a sealed argument yielded again after the receiver changed its words is refused, for a call and for a reply', () => {
    fc.assert(
      fc.property(words, words, mutation, (request, reply, m) => {
        const k = makeKernel();
        const ep = k.createEndpoint('svc');
        const server = k.createTask('server');
        const client = k.createTask('client');
        const s_slot = k.giveCap(server, k.endpointCap(ep, 0, { recv: true }));
        const c_slot = k.giveCap(client, k.endpointCap(ep, 1, { send: true }));
        const requests: number[][] = [];
        const answers: SysResult[] = [];
        let reply_again: SysResult | null = null;
        k.spawnThread(server, 'main', function* () {
          let r = yield* sys.recv(s_slot);
          for (;;) {
            requests.push([...r.words]);
            mutate(r.words, m);
            // The reply driven by hand and yielded twice: the second time it has no words to send.
            const sealed = sys.reply({ label: 1, words: reply }).next().value as SyscallYield;
            yield sealed;
            reply_again = (yield sealed) as SysResult;
            r = yield* sys.recv(s_slot);
          }
        });
        k.spawnThread(client, 'main', function* () {
          const sealed = sys.call(c_slot, { label: 2, words: request }).next().value as SyscallYield;
          answers.push((yield sealed) as SysResult);
          mutate(answers[0].words, m);
          answers.push((yield sealed) as SysResult);
        });
        expect(k.run()).toBe('idle');
        expect(k.panic_reason).toBeNull();
        expect(requests).toEqual([request]);
        expect(answers.map((a) => a.err)).toEqual(['OK', 'EINVAL']);
        expect(answers[0]).toMatchObject({ kind: 'reply', label: 1 });
        expect(reply_again).toMatchObject({ err: 'EINVAL' });
      }),
      { numRuns: 40 },
    );
  });
});
