// Whom a fault hits: a fired fault's client is the workload client on whose behalf the faulted
// request runs, through any chain of dependency calls (client → fs → disk: the client), or null —
// never the badge number a dependency call carries. Checked against the kernel's own chain of
// callers (each thread's `reply_to`), read at the moment the fault fires, over random plans on the
// disk driver (reached through fs) and on a chain of user servers with `deps` (client → front →
// mid → leaf). The trial that found it is kept as a regression example.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyOutcome } from '../../src/campaign/classify.ts';
import { runOnce, shapeOf, TRIAL_DEFAULTS, type TrialConfig } from '../../src/campaign/trial.ts';
import { placedFaultArb, type FaultShape } from '../../src/faults/arbitraries.ts';
import { FaultInjector, type FiredFault } from '../../src/faults/injector.ts';
import type { Fault, FaultKind, FaultPlan } from '../../src/faults/model.ts';
import type { Thread } from '../../src/kernel/objects.ts';
import { defineServer, type ServerDef } from '../../src/servers/framework/define.ts';
import { fsServer } from '../../src/servers/fs/fs.ts';
import { System } from '../../src/servers/system.ts';

const CLIENTS = 3;

function config(target: string, workload_seed: number): TrialConfig {
  return { target, mode: 'curios', commit: 'shadow', workload_seed, clients: CLIENTS, ops_per_client: 12, safety_bound_cycles: TRIAL_DEFAULTS.safety_bound_cycles, liveness_bound_cycles: TRIAL_DEFAULTS.liveness_bound_cycles, isolated: true };
}

/**
 * The workload client at the top of the chain of calls a server thread is serving, from the
 * kernel's threads alone: each one in a request is replying to the thread that called it; the
 * chain ends at a client's thread (its client), or at a kernel report or no request (null).
 */
function clientAtTop(system: System, thread: Thread): number | null {
  let t: Thread | null = thread;
  for (let depth = 0; t !== null && depth <= system.config.servers.length; depth++) {
    if (!t.in_request || t.reply_to === null) return null;
    const caller: Thread = t.reply_to;
    const client = system.clientTasks.indexOf(caller.task);
    if (client >= 0) return client;
    t = caller;
  }
  return null;
}

/** At each fault the injector logs (`KIND -> SERVER: what`), the client at the top of the faulted thread's chain. */
function watchChains(system: System, tops: (number | null)[]): void {
  system.kernel.trace.listen((e) => {
    if (e.task !== 'injector' || e.event !== 'fault') return;
    const server = /-> ([^:]+):/.exec(e.detail)?.[1] ?? '';
    const task = system.serverTask(server);
    const running = system.kernel.running();
    const t = running !== null && running.task === task ? running : (task.threads.find((x) => x.state !== 'dead') ?? null);
    tops.push(t === null ? null : clientAtTop(system, t));
  });
}

/** Faults whose client is the request's: not a bit flip of state at rest, nor of another client's state (whom those hit is the state's owner). */
const inRequest = (f: Fault): boolean => f.kind !== 'bitflip' || (f.trigger.at === 'request' && f.target !== 'other-ssr');

/** Checks one run's fired faults against the chains watched; returns how many hit a client. */
function expectAttributed(plan: FaultPlan, fired: readonly FiredFault[], tops: readonly (number | null)[], through: string): number {
  expect(tops.length).toBe(fired.length);
  fired.forEach((f, i) => {
    if (f.client !== null) expect(Number.isInteger(f.client) && f.client >= 0 && f.client < CLIENTS, `client ${f.client} is not a workload client`).toBe(true);
    if (!inRequest(plan.faults[f.index])) return;
    expect(f.hit).toBe('request');
    expect({ client: f.client, through: f.client === null ? null : f.through }).toEqual({ client: tops[i], through: tops[i] === null ? null : through });
  });
  return fired.filter((f) => f.client !== null).length;
}

const KINDS: FaultKind[] = ['crash', 'hang', 'bitflip', 'regflip', 'wild-write', 'msg-corrupt'];

describe('a fired fault names the client on whose behalf its request ran', () => {
  it('the disk driver, reached through fs: the client of the fs request, through fs', () => {
    let attributed = 0;
    fc.assert(
      fc.property(fc.constantFrom(...KINDS), fc.integer({ min: 0, max: 2 ** 30 }), (kind, seed) => {
        const cfg = config('disk', seed);
        const plan: FaultPlan = { version: 1, faults: [fc.sample(placedFaultArb('disk', kind, shapeOf(cfg, runOnce(cfg, null))), { seed, numRuns: 1 })[0]] };
        const tops: (number | null)[] = [];
        const run = runOnce(cfg, plan, (system) => watchChains(system, tops));
        attributed += expectAttributed(plan, run.fired, tops, 'fs');
      }),
      { numRuns: 30 },
    );
    expect(attributed).toBeGreaterThan(0);
  });

  it('a chain of user servers with deps (client → front → mid → leaf): the client at its top, through the direct caller', () => {
    let attributed = 0;
    // A golden run records the access kinds of one server: one run for each.
    const goldens = { mid: runChain(null, 'mid'), leaf: runChain(null, 'leaf') };
    fc.assert(
      fc.property(fc.constantFrom('mid', 'leaf'), fc.constantFrom(...KINDS), fc.integer({ min: 0, max: 2 ** 30 }), (server, kind, seed) => {
        const reach = goldens[server].injector.reach;
        const shape: FaultShape = { access_kinds: reach.access_kinds?.[server] ?? [], cycles: reach.cycles, sites: [] };
        const plan: FaultPlan = { version: 1, faults: [fc.sample(placedFaultArb(server, kind, shape), { seed, numRuns: 1 })[0]] };
        const { injector, tops } = runChain(plan);
        attributed += expectAttributed(plan, injector.fired, tops, server === 'leaf' ? 'mid' : 'front');
      }),
      { numRuns: 30 },
    );
    expect(attributed).toBeGreaterThan(0);
  });
});

/** A stateless server that touches its heap, then passes the request on to `dep` (if any) and answers with what came back. */
function relay(name: string, dep: string | null): ServerDef {
  return defineServer({
    name,
    kind: 'stateless',
    state_bytes: 0,
    heap_pages: 1,
    ...(dep === null ? {} : { deps: [dep] }),
    // eslint-disable-next-line require-yield
    *init() {},
    *handle(env, req) {
      const slot = env.heap + ((req.words[1] ?? 0) % 64) * 4;
      env.mem.store32(slot, (env.mem.load32(slot) + (req.words[0] ?? 0) + 1) >>> 0);
      if (dep === null) return { status: 'OK', words: [env.mem.load32(slot)] };
      const r = yield* env.callDep(dep, 1, req.words);
      return { status: r.status === 'OK' ? 'OK' : 'EIO', words: r.words };
    },
  });
}

const CHAIN_CALLS = 6;
const CHAIN_CYCLES_MAX = 20_000_000;

/** Three clients call front, which calls mid, which calls leaf; faults armed while the clients run. */
function runChain(plan: FaultPlan | null, recorded?: string): { injector: FaultInjector; tops: (number | null)[] } {
  const system = new System({
    mode: 'curios',
    servers: [relay('leaf', null), relay('mid', 'leaf'), relay('front', 'mid')],
    clients: Array.from({ length: CLIENTS }, (_, c) =>
      function* (env) {
        for (let i = 0; i < CHAIN_CALLS; i++) yield* env.call('front', 1, [c, i]);
      },
    ),
  });
  const injector = new FaultInjector(plan ?? { version: 1, faults: [] }, 1).attach(system);
  if (recorded !== undefined) injector.recordAccessKinds(recorded);
  const tops: (number | null)[] = [];
  watchChains(system, tops);
  system.run({ until: () => (injector.tick(), system.clientsDone()), until_cycles: CHAIN_CYCLES_MAX });
  injector.detach();
  system.release();
  return { injector, tops };
}

describe('the trial that found it (fast-check seed -1142298981, path 18, of the hang isolation property)', () => {
  // The disk hangs in a request fs made for client 2's unlink; fs is restarted and retries the
  // unlink, which had already taken effect: client 2 — and only client 2 — sees ENOENT.
  const cfg: TrialConfig = { ...config('disk', 531083699), safety_bound_cycles: 2_000_000, liveness_bound_cycles: 4_000_000 };
  const plan: FaultPlan = { version: 1, faults: [{ server: 'disk', kind: 'hang', trigger: { at: 'access', n: 234, k: 2 } }] };

  it('the hang is client 2’s, through fs, and the trial is degraded, not collateral', () => {
    const run = runOnce(cfg, plan);
    expect(run.fired.map((f) => ({ client: f.client, through: f.through }))).toEqual([{ client: 2, through: 'fs' }]);
    expect(classifyOutcome(runOnce(cfg, null), run)).toMatchObject({ outcome: 'degraded', hit: [2] });
  });
});

describe('a flip of a client\'s state hits that client\'s state, not a request', () => {
  it('at rest, and from another client\'s request (other-ssr): hit is state, the owner is the client, through nobody', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 30 }), fc.integer({ min: 1, max: 6 }), fc.nat(CLIENTS - 1), fc.boolean(), (seed, n, owner, rest) => {
        const cfg = config('fs', seed);
        const state_bytes = fsServer.state_bytes;
        const fault: Fault = rest
          ? { server: 'fs', kind: 'bitflip', trigger: { at: 'rest', n }, target: 'ssr', offset: owner * state_bytes, bit: 0 }
          : { server: 'fs', kind: 'bitflip', trigger: { at: 'request', n }, target: 'other-ssr', offset: owner, bit: 0 };
        const run = runOnce(cfg, { version: 1, faults: [fault] });
        for (const f of run.fired) expect({ hit: f.hit, through: f.through, client: rest ? f.client === owner : f.client !== null }).toEqual({ hit: 'state', through: null, client: true });
        return run.fired.length === 1;
      }),
      { numRuns: 20 },
    );
  });
});
