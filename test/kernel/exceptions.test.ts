// Exceptions: whatever a thread throws — an Error of any kind, a string, undefined, an object that
// cannot even be printed — or a page fault it catches and tries to ignore, stops that thread and
// becomes a fault message to its task's fault handler; a thread that loops on memory without a
// system call is stopped by the watchdog. Other tasks keep running and finish their work.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/hw/limits.ts';
import { EXCEPTION_KIND_CODES, type ThreadCtx } from '../../src/kernel/kernel.ts';
import type { SysResult } from '../../src/kernel/objects.ts';
import * as sys from '../../src/kernel/sys.ts';
import { FaultRecorder, makeKernel } from '../helpers/kernel-fixtures.ts';

const OWN_PAGE = 0x1000;
const UNMAPPED = 0x7000;
const HANDLER_BADGE = 0x33;

class CustomError extends Error {
  override readonly name = 'CustomError';
}

const BEHAVIOURS = ['TypeError', 'RangeError', 'CustomError', 'string', 'undefined', 'unprintable', 'caught-fault-then-syscall', 'caught-fault-then-return', 'caught-fault-then-store'] as const;
type Behaviour = (typeof BEHAVIOURS)[number];

/** The fault code each behaviour must produce, the vaddr it reports, and a fragment of the trace's fault line. */
const EXPECTED: Record<Behaviour, { code: number; vaddr: number; trace: string }> = {
  TypeError: { code: EXCEPTION_KIND_CODES.exception, vaddr: 0, trace: 'TypeError: ' },
  RangeError: { code: EXCEPTION_KIND_CODES.exception, vaddr: 0, trace: 'RangeError: ' },
  CustomError: { code: EXCEPTION_KIND_CODES.exception, vaddr: 0, trace: 'CustomError: custom' },
  string: { code: EXCEPTION_KIND_CODES.exception, vaddr: 0, trace: 'thrown string: a string' },
  undefined: { code: EXCEPTION_KIND_CODES.exception, vaddr: 0, trace: 'thrown undefined' },
  unprintable: { code: EXCEPTION_KIND_CODES.exception, vaddr: 0, trace: 'cannot be described' },
  'caught-fault-then-syscall': { code: EXCEPTION_KIND_CODES['page-read'], vaddr: UNMAPPED, trace: 'page fault' },
  'caught-fault-then-return': { code: EXCEPTION_KIND_CODES['page-read'], vaddr: UNMAPPED, trace: 'page fault' },
  'caught-fault-then-store': { code: EXCEPTION_KIND_CODES['page-read'], vaddr: UNMAPPED, trace: 'page fault' },
};

function* misbehave(ctx: ThreadCtx, how: Behaviour): sys.Sys<void> {
  switch (how) {
    case 'TypeError': {
      const nothing = JSON.parse('null') as { field: number };
      ctx.mem.store32(OWN_PAGE, nothing.field);
      return;
    }
    case 'RangeError':
      ctx.mem.store32(OWN_PAGE, new Array<number>(-1).length);
      return;
    case 'CustomError':
      throw new CustomError('custom');
    case 'string':
      throw 'a string';
    case 'undefined':
      throw undefined;
    case 'unprintable':
      throw Object.create(null);
  }
  try {
    ctx.mem.load32(UNMAPPED);
  } catch {
    // A simulated program cannot handle its own page fault: it is stopped all the same.
  }
  if (how === 'caught-fault-then-syscall') yield* sys.yieldCpu();
  if (how === 'caught-fault-then-store') {
    try {
      ctx.mem.store32(OWN_PAGE, 0xdead);
    } catch {
      // refused too: the thread is already faulted
    }
    yield* sys.yieldCpu();
  }
}

describe('exceptions', () => {
  it('anything a thread throws, or a page fault it catches, stops it with a fault message; another task finishes its work', () => {
    fc.assert(
      fc.property(fc.constantFrom(...BEHAVIOURS), fc.nat(4), fc.integer({ min: 1, max: 20 }), (how, syscalls_before, work_units) => {
        const k = makeKernel();
        const recorder = new FaultRecorder(k);
        const victim = k.createTask('victim');
        const worker = k.createTask('worker');
        expect(k.allocPages(victim, OWN_PAGE, 1, true)).toBe('OK');
        expect(k.allocPages(worker, OWN_PAGE, 1, true)).toBe('OK');
        k.setFaultHandler(victim, recorder.endpoint, HANDLER_BADGE);
        k.setFaultHandler(worker, recorder.endpoint, HANDLER_BADGE + 1);

        const victim_thread = k.spawnThread(victim, 'main', function* (ctx) {
          for (let i = 0; i < syscalls_before; i++) yield* sys.yieldCpu();
          yield* misbehave(ctx, how);
          ctx.mem.store32(OWN_PAGE + 4, 1); // reached only if the thread was not stopped
        });
        let worker_done = false;
        const worker_thread = k.spawnThread(worker, 'main', function* (ctx) {
          for (let i = 0; i < work_units; i++) {
            ctx.mem.store32(OWN_PAGE, ctx.mem.load32(OWN_PAGE) + 1);
            yield* sys.yieldCpu();
          }
          worker_done = ctx.mem.load32(OWN_PAGE) === work_units;
        });

        expect(k.run()).toBe('idle');
        expect(k.panic_reason).toBeNull();
        const want = EXPECTED[how];
        expect(recorder.records).toEqual([{ badge: HANDLER_BADGE, kind_code: want.code, task_id: victim.id, thread_id: victim_thread.id, vaddr: want.vaddr, orphan: 0 }]);
        expect(recorder.unexpected).toEqual([]);
        expect(victim_thread.state).toBe('dead');
        const fault_line = k.trace.events().find((e) => e.event === 'fault');
        expect(fault_line?.detail).toContain(want.trace);
        // Nothing the victim tried after its fault reached memory.
        const victim_frame = victim.as.nodes.get(OWN_PAGE >> 12)?.frame;
        if (victim_frame === undefined) throw new Error('the victim lost its page');
        const victim_page = k.machine.memory.frameBase(victim_frame);
        expect(k.machine.memory.view.getUint32(victim_page, true)).toBe(0);
        expect(k.machine.memory.view.getUint32(victim_page + 4, true)).toBe(0);
        expect(worker_done).toBe(true);
        expect(worker_thread.state).toBe('dead');
        expect(k.trace.events().some((e) => e.event === 'thread-exit' && e.detail === worker_thread.name)).toBe(true);
      }),
      { numRuns: 120 },
    );
  });

  it('a thread that loops on loads without a system call is stopped by the watchdog, and the other task carries on', () => {
    const k = makeKernel();
    const recorder = new FaultRecorder(k);
    const looper = k.createTask('looper');
    const worker = k.createTask('worker');
    expect(k.allocPages(looper, OWN_PAGE, 1, true)).toBe('OK');
    k.setFaultHandler(looper, recorder.endpoint, HANDLER_BADGE);
    let loads = 0;
    const loop_thread = k.spawnThread(looper, 'main', function* (ctx) {
      yield* sys.yieldCpu();
      for (;;) {
        ctx.mem.load32(OWN_PAGE);
        loads++;
      }
    });
    let rounds = 0;
    k.spawnThread(worker, 'main', function* () {
      for (; rounds < 5; rounds++) yield* sys.yieldCpu();
    });
    expect(k.run()).toBe('idle');
    expect(k.panic_reason).toBeNull();
    expect(loads).toBe(LIMITS.accesses_per_slice_max);
    expect(recorder.records).toEqual([{ badge: HANDLER_BADGE, kind_code: EXCEPTION_KIND_CODES.watchdog, task_id: looper.id, thread_id: loop_thread.id, vaddr: OWN_PAGE, orphan: 0 }]);
    expect(rounds).toBe(5);
  });

  it('a server that dies holding a call names the orphaned caller; the handler aborts it or requeues it to the next incarnation', () => {
    for (const how of ['abort-call', 'requeue-call'] as const) {
      const k = makeKernel();
      const ep = k.createEndpoint('svc');
      const faults = k.createEndpoint('faults');
      const supervisor = k.createTask('supervisor');
      const client = k.createTask('client');
      const server_threads: number[] = [];
      const server = k.createTask('server', (task) => {
        const slot = k.giveCap(task, k.endpointCap(ep, 0, { recv: true }), 0);
        const generation = task.incarnation;
        server_threads.push(k.spawnThread(task, 'main', function* () {
          const r = yield* sys.recv(slot);
          if (generation === 0) throw new Error('dies holding the call');
          yield* sys.reply({ label: r.label + 1, words: [generation] });
        }).id);
      });
      k.setFaultHandler(server, faults, 5);
      const sup_faults = k.giveCap(supervisor, k.endpointCap(faults, 0, { recv: true }));
      const sup_server = k.giveCap(supervisor, { kind: 'task', task: server, rights: { map: false, control: true, sched: false } });
      const client_slot = k.giveCap(client, k.endpointCap(ep, 1, { send: true }));

      let fault: SysResult | null = null;
      const settled: SysResult[] = [];
      k.spawnThread(supervisor, 'main', function* () {
        const f = yield* sys.recv(sup_faults);
        fault = f;
        const orphan = f.words[4] - 1;
        if (how === 'requeue-call') settled.push(yield* sys.control(sup_server, { action: 'restart' }));
        settled.push(yield* sys.control(sup_server, { action: how, caller_thread: orphan }));
      });
      let answer: SysResult | null = null;
      const client_thread = k.spawnThread(client, 'main', function* () {
        answer = yield* sys.call(client_slot, { label: 10, words: [] });
      });
      expect(k.run()).toBe('idle');
      expect(k.panic_reason).toBeNull();
      expect(fault).toMatchObject({ kind: 'kernel', badge: 5, words: [EXCEPTION_KIND_CODES.exception, server.id, server_threads[0], 0, client_thread.id + 1] });
      expect(settled.map((s) => s.err)).toEqual(how === 'abort-call' ? ['OK'] : ['OK', 'OK']);
      expect(server_threads).toHaveLength(how === 'abort-call' ? 1 : 2);
      if (how === 'abort-call') expect(answer).toMatchObject({ err: 'EABORTED' });
      else expect(answer).toMatchObject({ err: 'OK', kind: 'reply', label: 11, words: [1] });
    }
  });
});
