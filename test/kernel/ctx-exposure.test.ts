// What server and client code is handed exposes no kernel object (issue 15): a walk over
// everything reachable from a thread's ctx, a server's env and request, a client's env, a system
// call's result and a caught page fault — own properties of every kind (getters and setters as
// functions, not called), prototypes, Map and Set entries — never meets the kernel, a task, a
// thread, a capability table, an address space or page table, an endpoint, the machine or the
// system. Before the fix, `ctx.mem.host` was the kernel and `ctx.mem.thread.task.caps` a task's
// capability table, writable by server code.
import { describe, expect, it } from 'vitest';
import type { Kernel } from '../../src/kernel/kernel.ts';
import { defineServer } from '../../src/servers/framework/define.ts';
import { System } from '../../src/servers/system.ts';

/** Every object and function reachable from `roots` without calling anything; stops at `limit`. */
function reachable(roots: unknown[], limit = 500_000): Set<object> {
  const seen = new Set<object>();
  const queue: unknown[] = [...roots];
  const visit = (v: unknown): void => {
    if ((typeof v === 'object' && v !== null) || typeof v === 'function') queue.push(v);
  };
  while (queue.length > 0) {
    const v = queue.pop();
    if ((typeof v !== 'object' || v === null) && typeof v !== 'function') continue;
    if (seen.has(v)) continue;
    seen.add(v);
    if (seen.size > limit) throw new Error(`walk passed ${limit} objects`);
    visit(Object.getPrototypeOf(v));
    for (const key of Reflect.ownKeys(v)) {
      const d = Object.getOwnPropertyDescriptor(v, key);
      if (d === undefined) continue;
      visit(d.value);
      visit(d.get);
      visit(d.set);
    }
    if (v instanceof Map) for (const [key, value] of v) visit(key), visit(value);
    if (v instanceof Set) for (const value of v) visit(value);
  }
  return seen;
}

/** The kernel objects server code must never reach, by name. */
function kernelObjects(system: System): Map<object, string> {
  const k: Kernel = system.kernel;
  const out = new Map<object, string>([
    [k, 'the kernel'],
    [system, 'the system'],
    [k.machine, 'the machine'],
    [k.machine.memory, 'physical memory'],
    [k.machine.mmu, 'the MMU'],
    [k.mapping, 'the mapping database'],
    [k.tasks, 'the task table'],
    [k.threads, 'the thread table'],
    [k.endpoints, 'the endpoint table'],
    [system.ssr, 'the SSR manager'],
  ]);
  for (const t of k.tasks) {
    out.set(t, `task ${t.name}`);
    out.set(t.caps, `capability table of ${t.name}`);
    out.set(t.as, `address space of ${t.name}`);
    out.set(t.as.table, `page table of ${t.name}`);
    for (const th of t.threads) out.set(th, `thread ${th.name}`);
    for (const c of t.caps) if (c !== null) out.set(c, `a capability of ${t.name}`);
  }
  for (const e of k.endpoints) out.set(e, `endpoint ${e.name}`);
  return out;
}

describe('nothing reachable from what server code holds is a kernel object', () => {
  it('ctx, env, requests, results and faults of a server and a client', () => {
    const held: unknown[] = [];
    const probe = defineServer({
      name: 'probe',
      kind: 'stateless',
      state_bytes: 0,
      heap_pages: 1,
      *init(env) {
        held.push(env, env.ctx, env.ctx.mem);
      },
      // eslint-disable-next-line require-yield
      *handle(env, req) {
        held.push(env, req);
        return { status: 'OK', words: [req.words[0] + 1] };
      },
    });
    const system = new System({
      mode: 'curios',
      servers: [probe],
      clients: [
        function* (env) {
          held.push(env, env.ctx);
          held.push(yield* env.call('probe', 1, [41]));
          try {
            env.ctx.mem.load32(0x7fff_0000);
          } catch (fault) {
            held.push(fault);
          }
        },
      ],
    });
    system.run({ steps_max: 10_000 });
    expect(system.kernel.panic_reason).toBeNull();
    expect(held.length).toBeGreaterThanOrEqual(8);

    const forbidden = kernelObjects(system);
    const reached = [...reachable(held)].filter((o) => forbidden.has(o)).map((o) => forbidden.get(o));
    expect(reached).toEqual([]);
    // The walk can see a kernel object when one is there: hand it one, and it finds it.
    const leak = { mem: held[2], oops: { deep: [system.kernel.tasks[1].caps] } };
    expect([...reachable([leak])].some((o) => forbidden.has(o))).toBe(true);
  });

  it('what server code is handed is frozen: it cannot be rewired to point anywhere else', () => {
    const seen: { frozen: boolean[] } = { frozen: [] };
    const probe = defineServer({
      name: 'probe',
      kind: 'stateless',
      state_bytes: 0,
      heap_pages: 1,
      *init(env) {
        seen.frozen.push(Object.isFrozen(env), Object.isFrozen(env.ctx), Object.isFrozen(env.ctx.mem), Object.isFrozen(env.ctx.task), Object.isFrozen(env.ctx.thread));
      },
      // eslint-disable-next-line require-yield
      *handle() {
        return { status: 'OK' };
      },
    });
    const system = new System({ mode: 'restart', servers: [probe], clients: [] });
    system.run({ steps_max: 1_000 });
    expect(seen.frozen).toEqual([true, true, true, true, true]);
  });
});
