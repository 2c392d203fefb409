// The fault injector: explicit attach and detach; every BUGGIFY site can fire and replays; a fault
// during `recover` is classified and replays; after `recover` no SSR stays mapped, so a wild write
// there page-faults under curios.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyOutcome } from '../../src/campaign/classify.ts';
import { parseTrialData, replayTrial } from '../../src/campaign/replay.ts';
import { runOnce, shapeOf, TRIAL_DEFAULTS, type RunRecord, type TrialConfig } from '../../src/campaign/trial.ts';
import { planArb, samplePlan } from '../../src/faults/arbitraries.ts';
import { FaultInjector } from '../../src/faults/injector.ts';
import { FAULT_KINDS, type FaultPlan } from '../../src/faults/model.ts';
import { profileFor, targets } from '../../src/servers/catalog.ts';
import { NO_FAULTS } from '../../src/servers/framework/fault-port.ts';
import { System } from '../../src/servers/system.ts';
import { STATE_BASE } from '../../src/ssr/layout.ts';
import { MODES, type Mode } from '../../src/ssr/modes.ts';

function config(target: string, mode: Mode, workload_seed: number): TrialConfig {
  return { target, mode, commit: 'shadow', workload_seed, clients: 3, ops_per_client: 12, safety_bound_cycles: TRIAL_DEFAULTS.safety_bound_cycles, liveness_bound_cycles: TRIAL_DEFAULTS.liveness_bound_cycles, isolated: true };
}

/** The trial again, from its JSON form, as `curios replay --trial` runs it: same outcome and trace hash. */
function expectReplays(cfg: TrialConfig, plan: FaultPlan, run: RunRecord, golden: RunRecord): void {
  const data = parseTrialData(JSON.parse(JSON.stringify({ config: cfg, plan })));
  const again = replayTrial(data);
  expect(again.traceHash).toBe(run.traceHash);
  expect(again.outcome).toBe(classifyOutcome(golden, run).outcome);
}

describe('attach and detach', () => {
  it('an injector attaches once, to a system with no other; detached, nothing fires', () => {
    const system = new System({ mode: 'curios', servers: profileFor('prng').servers, clients: [] });
    const injector = new FaultInjector({ version: 1, faults: [{ server: 'prng', kind: 'crash', trigger: { at: 'time', cycles: 0 } }] }, 1).attach(system);
    expect(() => new FaultInjector({ version: 1, faults: [] }, 1).attach(system)).toThrow(/another fault injector/);
    expect(() => injector.attach(system)).toThrow(/once/);
    injector.detach();
    expect(system.faults).toBe(NO_FAULTS);
    expect(system.kernel.memoryHook).toBeNull();
    injector.tick();
    expect(injector.fired).toEqual([]);
  });
});

const SEEDS_TRIED = 30;
const sited = targets().flatMap((server) => (profileFor(server).servers.find((d) => d.name === server)?.sites ?? []).map((site) => [server, site] as const));

describe('every BUGGIFY site can fire and replays', () => {
  it('the sites are the ones the issue asks for: fs, net, timer and sched have them', () => {
    expect(new Set(sited.map(([server]) => server))).toEqual(new Set(['fs', 'net', 'timer', 'sched']));
  });

  it.each(sited)('%s: %s', (server, site) => {
    // A workload whose golden run reaches the site (the campaign draws sites the same way).
    const seed = Array.from({ length: SEEDS_TRIED }, (_, i) => i + 1).find((s) => runOnce(config(server, 'curios', s), null).reach.sites.includes(`${server}/${site}`));
    expect(seed, `no workload of ${SEEDS_TRIED} reaches ${server}/${site}`).toBeDefined();
    const cfg = config(server, 'curios', seed ?? 0);
    for (const kind of ['crash', 'hang'] as const) {
      const plan: FaultPlan = { version: 1, faults: [{ server, kind, trigger: { at: 'site', name: site, p_on: 1, p_fire: 1 } }] };
      const golden = runOnce(cfg, null);
      const run = runOnce(cfg, plan);
      expect(run.fired.map((f) => f.effect)).toEqual([`${kind} at site ${site}`]);
      expect(run.events.length).toBeGreaterThan(0);
      expect(classifyOutcome(golden, run).outcome).not.toBe('not-activated');
      expectReplays(cfg, plan, run, golden);
    }
  });
});

describe('faults during recovery', () => {
  it.each(['sched', 'timer', 'net'])('%s: a crash inside `recover` after a first crash is classified and replays', (server) => {
    const cfg = config(server, 'curios', 7);
    const plan: FaultPlan = {
      version: 1,
      faults: [
        { server, kind: 'crash', trigger: { at: 'request', n: 3 } },
        { server, kind: 'crash', trigger: { at: 'recovery', n: 1, k: 2 } },
      ],
    };
    const golden = runOnce(cfg, null);
    const run = runOnce(cfg, plan);
    expect(run.fired.map((f) => [f.index, f.effect])).toEqual([
      [0, 'crash'],
      [1, 'crash at a memory access'],
    ]);
    expect(run.events.length).toBeGreaterThanOrEqual(2);
    expect(['recovered', 'degraded', 'degraded-collateral', 'silent-corruption', 'failed']).toContain(classifyOutcome(golden, run).outcome);
    expectReplays(cfg, plan, run, golden);
  });
});

describe('a fault lives within its request', () => {
  it('a fault armed in a request the server dies in is dropped with it: it never fires in the recovery that follows', () => {
    const cfg = config('sched', 'curios', 7);
    const plan: FaultPlan = {
      version: 1,
      faults: [
        { server: 'sched', kind: 'crash', trigger: { at: 'access', n: 3, k: 5 } },
        { server: 'sched', kind: 'wild-write', trigger: { at: 'access', n: 3, k: 6 }, region: 'random', offset: 0 },
      ],
    };
    const run = runOnce(cfg, plan);
    expect(run.fired.map((f) => f.effect)).toEqual(['crash at a memory access']);
    expect(run.events).toHaveLength(1);
  });
});

describe('faults while a server handles interrupts', () => {
  it('a hang at the time of a timer interrupt starts in the interrupt handler: no client is hit, the heartbeat finds it', () => {
    const cfg = config('timer', 'curios', 3);
    let irq_at: number | null = null;
    const golden = runOnce(cfg, null, (s) => s.kernel.trace.listen((e) => {
      if (irq_at === null && e.event === 'irq' && e.detail.endsWith('-> timer')) irq_at = e.t;
    }));
    expect(irq_at).not.toBeNull();
    const plan: FaultPlan = { version: 1, faults: [{ server: 'timer', kind: 'hang', trigger: { at: 'time', cycles: irq_at ?? 0 } }] };
    const run = runOnce(cfg, plan);
    expect(run.fired.map((f) => [f.effect, f.client])).toEqual([['hang at a memory access', null]]);
    expect(run.events.map((e) => e.cause)).toEqual(['hang']);
    expect(classifyOutcome(golden, run).outcome).not.toBe('not-activated');
    expectReplays(cfg, plan, run, golden);
  });
});

describe('access points between requests', () => {
  /**
   * The first access point (request n, access k from its start) at which `server` is not serving a
   * request in the golden run — a heartbeat, an interrupt — and how many accesses request n's own
   * handling made before it.
   */
  function firstBetween(cfg: TrialConfig, server: string): { golden: RunRecord; n: number; k: number; inside: number } {
    let found: { n: number; k: number; inside: number } | null = null;
    let inside = 0;
    let span = 0;
    let k = 0;
    // The golden run's own injector keeps the memory hook (it records the server's access kinds):
    // a run with an empty plan is the same run, its injector counting spans without a hook
    // (Task.accesses_made), and this hook sees each access.
    runOnce(cfg, { version: 1, faults: [] }, (system) => {
      const injector = system.faults as FaultInjector;
      const task = system.serverTask(server);
      if (system.kernel.memoryHook !== null) throw new Error('a memory hook is already attached');
      system.kernel.memoryHook = (a) => {
        const n = injector.reach.accesses[server]?.length ?? 0;
        if (a.thread.task !== task || n === 0 || found !== null) return;
        if (n !== span) [span, inside, k] = [n, 0, 0];
        k++;
        if (system.requests.servingNow(a.thread) !== null) inside++;
        else found = { n, k, inside };
      };
    });
    if (found === null) throw new Error(`${server} never worked between requests`);
    return { golden: runOnce(cfg, null), ...(found as { n: number; k: number; inside: number }) };
  }

  // Heartbeats make no memory access (the loop answers them with one notify), so the work between
  // requests that access points reach is interrupt handling (and reset hooks).
  it.each(['timer', 'net'])('%s: a crash placed after a request\'s reply, in the interrupt handling that follows, fires outside any request, is classified and replays', (server) => {
    const cfg = config(server, 'curios', 5);
    const { golden, n, k, inside } = firstBetween(cfg, server);
    // past the request's own accesses, yet inside the span a campaign places access points over
    expect(k).toBeGreaterThan(inside);
    expect(k).toBeLessThanOrEqual(golden.reach.accesses[server][n - 1]);
    const plan: FaultPlan = { version: 1, faults: [{ server, kind: 'crash', trigger: { at: 'access', n, k } }] };
    const run = runOnce(cfg, plan);
    expect(run.fired.map((f) => [f.effect, f.client])).toEqual([['crash at a memory access', null]]);
    expect(run.events).toHaveLength(1);
    // no request was in flight: every client sees the golden results
    expect(classifyOutcome(golden, run).outcome).toBe('recovered');
    expectReplays(cfg, plan, run, golden);
  });
});

describe('the end of recovery', () => {
  /** The state windows a server has mapped now. */
  const mappedStates = (system: System, server: string) => [...system.serverTask(server).as.table.entries.keys()].filter((vpn) => vpn * system.machine.mmu.page_bytes >= STATE_BASE);

  it('after `recover` returns, no SSR is mapped into the server (curios): a wild write there page-faults', () => {
    const cfg = config('timer', 'curios', 3);
    const golden = runOnce(cfg, null);
    let system: System | null = null;
    const plan: FaultPlan = { version: 1, faults: [{ server: 'timer', kind: 'crash', trigger: { at: 'request', n: 2 } }] };
    let restartedIdle = 0;
    let recovered_at: number | null = null;
    runOnce(cfg, plan, (s) => {
      system = s;
      s.kernel.trace.listen((e) => {
        const task = s.serverTask('timer');
        if (task.incarnation === 0) return;
        if (recovered_at === null && e.event === 'unmap' && mappedStates(s, 'timer').length === 0) recovered_at = e.t;
        // Whenever the restarted timer server waits for work, none of its clients' SSRs is mapped.
        // (A delivery's own `map` event comes just before the manager records its request.)
        if (e.event !== 'map' && task.threads.some((t) => t.state === 'recv-blocked') && s.ssr.mappedNow(task) === null) {
          restartedIdle++;
          expect(mappedStates(s, 'timer')).toEqual([]);
        }
      });
    });
    expect(system).not.toBeNull();
    expect(restartedIdle).toBeGreaterThan(0);
    expect(recovered_at).not.toBeNull();
    // A wild write to another client's state at the first store after recovery (an interrupt's
    // work, or a request of one client): a page fault, not a corruption.
    const wild: FaultPlan = { version: 1, faults: [plan.faults[0], { server: 'timer', kind: 'wild-write', trigger: { at: 'time', cycles: (recovered_at ?? 0) + 1 }, region: 'other-state', offset: 0 }] };
    const run = runOnce(cfg, wild);
    expect(run.fired.map((f) => f.kind)).toEqual(['crash', 'wild-write']);
    expect(run.events.map((e) => e.cause)).toEqual(['exception', 'page-fault']);
    expect(classifyOutcome(golden, run).outcome).not.toBe('silent-corruption');
  });
});

describe('spans counted without a memory hook', () => {
  it('count what a hook on every access counts, and a run with the hook on throughout is the same run', () => {
    fc.assert(
      fc.property(fc.constantFrom(...targets()), fc.constantFrom(...MODES), fc.constantFrom(...FAULT_KINDS), fc.nat({ max: 2 ** 30 }), (server, mode, kind, seed) => {
        const cfg = config(server, mode, seed);
        const golden = runOnce(cfg, null);
        const plan = samplePlan(planArb(server, [kind], shapeOf(cfg, golden), 2), seed);
        // recordDetail keeps the hook on for the whole safety phase: one letter per access it sees.
        const hooked = runOnce(cfg, plan, (s) => (s.faults as FaultInjector).recordDetail(server));
        const plain = runOnce(cfg, plan);
        expect(hooked.reach.access_kinds?.[server]?.map((k) => k.length)).toEqual(plain.reach.accesses[server] ?? []);
        const { detail: _, access_kinds: __, ...reach } = hooked.reach;
        expect(reach).toEqual(plain.reach);
        expect(hooked.traceHash).toBe(plain.traceHash);
        expect(hooked.fired).toEqual(plain.fired);
        expect(hooked.cycles).toBe(plain.cycles);
      }),
      { numRuns: 40 },
    );
  });
});
