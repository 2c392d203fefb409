// The SSR manager's API (bind, enumerate, unbind and the frames behind them) and its mapping rule,
// sampled step by step while a workload runs: an SSR frame never appears in a client's page table;
// under `curios` a server holds at most one of its SSRs at any step (the caller's), under
// `persist` it holds all of them all the time.
import { describe, expect, it } from 'vitest';
import { Machine } from '../../src/hw/machine.ts';
import { Kernel } from '../../src/kernel/kernel.ts';
import { result } from '../../src/kernel/result.ts';
import type { Task } from '../../src/kernel/objects.ts';
import { prngModule } from '../../src/servers/prng/prng.ts';
import type { System } from '../../src/servers/system.ts';
import { makeWorkload } from '../../src/servers/workload.ts';
import { SsrManager } from '../../src/ssr/manager.ts';
import { CLIENTS_MAX, SSR_HEADER_BYTES, STATE_BASE } from '../../src/ssr/layout.ts';
import { type Mode } from '../../src/ssr/modes.ts';
import { buildSystem, crashAtRequest, expectedRecords, modulesOf } from '../helpers/systems.ts';

const STATE_BYTES = 20;

function managerWith(mode: Mode): { kernel: Kernel; ssr: SsrManager; server: Task } {
  const kernel = new Kernel(new Machine());
  const ssr = new SsrManager(kernel, mode, 'shadow');
  const server = kernel.createTask('srv');
  ssr.registerServer({ task: server, state_bytes: STATE_BYTES, stale_reply: () => result({ kind: 'reply', label: 1 }) });
  return { kernel, ssr, server };
}

/** The client windows (page numbers) of a task's page table that hold one of the manager's frames. */
function ssrWindowsIn(system: System, task: Task): number[] {
  const page = system.machine.mmu.page_bytes;
  const ssrFrames = new Set([...system.ssr.task.as.table.entries.values()].map((pte) => pte.frame));
  const first = STATE_BASE / page;
  return [...task.as.table.entries]
    .filter(([vpn, pte]) => ssrFrames.has(pte.frame) && vpn >= first && vpn < first + CLIENTS_MAX)
    .map(([vpn]) => vpn - first)
    .sort((a, b) => a - b);
}

/** Every SSR frame, wherever mapped, outside the manager and the servers (e.g. in a client). */
function strayFrames(system: System): number[] {
  const ssrFrames = new Set([...system.ssr.task.as.table.entries.values()].map((pte) => pte.frame));
  return system.clientTasks.flatMap((t) => [...t.as.table.entries.values()].map((pte) => pte.frame).filter((f) => ssrFrames.has(f)));
}

describe('SSR manager API', () => {
  it('bind creates a sealed SSR (two frames: home and shadow); binding again returns the same one', () => {
    const { kernel, ssr, server } = managerWith('curios');
    const free = kernel.machine.memory.frames_free;
    const a = ssr.bind(3, server);
    expect(kernel.machine.memory.frames_free).toBe(free - 2);
    expect(a).toMatchObject({ server: 'srv', client: 3, condition: 'sealed', stale: false, checksum_failures: 0 });
    expect(ssr.verify(a)).toBe(true);
    expect(ssr.bind(3, server)).toBe(a);
    expect(kernel.machine.memory.frames_free).toBe(free - 2);
    // Not mapped into the server until a request from client 3 (curios).
    expect(server.as.table.entries.size).toBe(0);
    expect(ssr.mappedNow(server)).toBeNull();
  });

  it('enumerate lists a server\'s SSRs in client order, whatever the binding order', () => {
    const { ssr, server } = managerWith('curios');
    for (const c of [7, 2, 31, 0, 5]) ssr.bind(c, server);
    expect(ssr.enumerate(server).map((s) => s.client)).toEqual([0, 2, 5, 7, 31]);
  });

  it('unbind deletes the SSR and frees its frames; unbinding an unknown client does nothing', () => {
    const { kernel, ssr, server } = managerWith('curios');
    const free = kernel.machine.memory.frames_free;
    ssr.bind(1, server);
    ssr.bind(4, server);
    expect(kernel.machine.memory.frames_free).toBe(free - 4);
    ssr.unbind(1, server);
    expect(ssr.enumerate(server).map((s) => s.client)).toEqual([4]);
    expect(ssr.statePhysAddr(server, 1, 0)).toBeNull();
    expect(kernel.machine.memory.frames_free).toBe(free - 2);
    ssr.unbind(1, server);
    ssr.unbind(9, server);
    expect(kernel.machine.memory.frames_free).toBe(free - 2);
    ssr.unbind(4, server);
    expect(ssr.enumerate(server)).toEqual([]);
    expect(kernel.machine.memory.frames_free).toBe(free);
  });

  it('persist: bind maps the SSR into the server at the client\'s window; unbind revokes that mapping and frees the frames', () => {
    const { kernel, ssr, server } = managerWith('persist');
    const page = kernel.machine.mmu.page_bytes;
    const free = kernel.machine.memory.frames_free;
    ssr.bind(2, server);
    const pte = server.as.table.entries.get(STATE_BASE / page + 2);
    expect(pte).toBeDefined();
    expect(pte?.frame).toBe(((ssr.statePhysAddr(server, 2, 0) as number) - SSR_HEADER_BYTES) / page);
    ssr.unbind(2, server);
    expect(server.as.table.entries.size).toBe(0);
    expect(kernel.machine.memory.frames_free).toBe(free);
  });

  it('refuses what it cannot hold: an unregistered server, a client out of range, a state larger than a page', () => {
    const { kernel, ssr, server } = managerWith('curios');
    expect(() => ssr.bind(0, kernel.createTask('stranger'))).toThrow(/not registered/);
    expect(() => ssr.bind(CLIENTS_MAX, server)).toThrow(RangeError);
    expect(() => ssr.bind(-1, server)).toThrow(RangeError);
    const big = kernel.createTask('big');
    expect(() => ssr.registerServer({ task: big, state_bytes: kernel.machine.mmu.page_bytes - SSR_HEADER_BYTES + 1, stale_reply: () => result({}) })).toThrow(RangeError);
    expect(ssr.isRegistered(big)).toBe(false);
  });
});

describe('SSR mapping while a workload runs (sampled after every kernel step)', () => {
  const modules = modulesOf(prngModule);
  const workload = makeWorkload({ seed: 11, clients: 4, ops_per_client: 10, modules: [...modules.values()] });

  /** Runs the workload one kernel step at a time, with the prng server crashing at request `crash_at` if given. */
  function sample(mode: Mode, commit: 'shadow' | 'in-place', crash_at?: number): { system: System; windows: number[][]; stray: number } {
    const { system, records } = buildSystem({ mode, commit, modules, workload });
    if (crash_at !== undefined) system.faults = crashAtRequest(system, 'prng', crash_at);
    const server = system.serverTask('prng');
    const windows: number[][] = [];
    let stray = 0;
    for (let steps = 0; !system.clientsDone(); steps++) {
      if (steps > 1_000_000) throw new Error('the workload did not finish');
      system.run({ steps_max: 1 });
      expect(system.kernel.panic_reason).toBeNull();
      stray += strayFrames(system).length;
      const w = ssrWindowsIn(system, server);
      windows.push(w);
      // The one mapped window is the client being served.
      if (mode === 'curios' && w.length === 1) expect(system.ssr.mappedNow(server)?.client).toBe(w[0]);
    }
    if (crash_at === undefined || commit === 'shadow') records.forEach((r, c) => expect(r, `client ${c}`).toEqual(expectedRecords(modules, workload, c)));
    return { system, windows, stray };
  }

  for (const commit of ['shadow', 'in-place'] as const) {
    it(`curios (${commit}): no client ever holds an SSR frame; the server holds at most one SSR at any step, and each client's in turn`, () => {
      const { windows, stray } = sample('curios', commit);
      expect(stray).toBe(0);
      expect(Math.max(...windows.map((w) => w.length))).toBe(1);
      expect(new Set(windows.flat())).toEqual(new Set(workload.map((_, c) => c)));
      expect(windows.filter((w) => w.length === 0).length, 'mostly unmapped').toBeGreaterThan(0);
    });
  }

  it('persist: no client ever holds an SSR frame; the server holds every client\'s SSR at every step', () => {
    const { windows, stray } = sample('persist', 'shadow');
    expect(stray).toBe(0);
    const all = workload.map((_, c) => c);
    expect(windows.every((w) => w.length === all.length && w.every((c, i) => c === all[i]))).toBe(true);
  });

  it('curios with a crash: the restarted server holds every SSR for its recovery routine only until its first request, then one at a time again', () => {
    const { system, windows, stray } = sample('curios', 'shadow', 13);
    expect(system.supervisor.servers.find((s) => s.name === 'prng')?.restarts).toBe(1);
    expect(stray).toBe(0);
    const all = workload.map((_, c) => c);
    const wide = windows.map((w, i) => (w.length > 1 ? i : -1)).filter((i) => i >= 0);
    expect(wide.length, 'the recovery window was seen').toBeGreaterThan(0);
    for (const i of wide) expect(windows[i]).toEqual(all);
    // One contiguous recovery window, after which the rule is one SSR at a time again.
    expect(wide[wide.length - 1] - wide[0]).toBe(wide.length - 1);
    expect(windows.slice(wide[wide.length - 1] + 1).some((w) => w.length === 1)).toBe(true);
  });
});
