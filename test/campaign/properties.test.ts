// The campaign properties: the claims curios exists to measure, checked by fast-check over fault
// plans and workloads. A failing property prints the `curios replay --trial` data that reproduces
// it (the shrunk configuration and plan).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cellsOf, digestOf, runCell, type CampaignConfig } from '../../src/campaign/campaign.ts';
import { runCells } from '../../src/campaign/pool.ts';
import { classifyOutcome } from '../../src/campaign/classify.ts';
import { runOnce, shapeOf, TRIAL_DEFAULTS, type TrialConfig } from '../../src/campaign/trial.ts';
import { placedFaultArb } from '../../src/faults/arbitraries.ts';
import type { Fault, FaultKind, FaultPlan } from '../../src/faults/model.ts';
import { sameObservation } from '../../src/servers/framework/module.ts';
import { profileFor, targets } from '../../src/servers/catalog.ts';
import { fsModule } from '../../src/servers/fs/index.ts';
import type { ServerModule } from '../../src/servers/framework/module.ts';
import { makeWorkload } from '../../src/servers/workload.ts';
import type { Mode } from '../../src/ssr/modes.ts';

/**
 * Trials of isolated clients: what a client observes depends on its own operations alone, so a
 * difference at a client outside the failed request is the fault's reach, not the ripple of the
 * faulting client's changed behaviour through state they share.
 */
function config(target: string, mode: Mode, workload_seed: number, clients = 3): TrialConfig {
  return { target, mode, commit: 'shadow', workload_seed, clients, ops_per_client: 12, safety_bound_cycles: TRIAL_DEFAULTS.safety_bound_cycles, liveness_bound_cycles: TRIAL_DEFAULTS.liveness_bound_cycles, isolated: true };
}

/** What a failing property prints: the trial as `curios replay --trial FILE` takes it. */
function reproduction(cfg: TrialConfig, plan: FaultPlan): string {
  return `reproduce with: curios replay --trial FILE, FILE = ${JSON.stringify({ config: cfg, plan })}`;
}

/** Clients whose observations differ from the golden run's. */
function clientsThatDiffer(cfg: TrialConfig, plan: FaultPlan): { differ: number[]; hit: Set<number>; fired: number } {
  const golden = runOnce(cfg, null);
  const run = runOnce(cfg, plan);
  const differ = run.records.flatMap((obs, c) => (obs.length !== golden.records[c].length || obs.some((o, i) => !sameObservation(o, golden.records[c][i])) ? [c] : []));
  return { differ, hit: new Set(run.fired.flatMap((f) => (f.client === null ? [] : [f.client]))), fired: run.fired.length };
}

/**
 * Faults whose reach the SSR design bounds: client state, the request, control flow. Corruption
 * of global state — a server's heap, or the data a driver moves to the disk on the file system's
 * behalf — reaches every client that shares it; SSRs do not protect it (nor did CuriOS), and
 * campaigns measure it (collateral, silent corruption). So does a corrupted request to a server
 * whose namespace is global: a flipped bit in the path of `mkdir /c0` makes `mkdir /c2`, a valid
 * request that takes another client's name; a flipped port in `bind` takes another's port.
 */
const GLOBAL_NAMESPACE = new Set(['disk', 'fs', 'net']);
/** A server that keeps no client state: the injector lands a flip at rest of "its SSR" in its heap (global state). */
const stateless = (server: string) => (profileFor(server).servers.find((d) => d.name === server)?.state_bytes ?? 0) === 0;
const clientScopedFault = (cfg: TrialConfig, kind: FaultKind): fc.Arbitrary<Fault> =>
  placed(cfg, kind).filter((f) => {
    const atRest = f.trigger.at === 'time' || f.trigger.at === 'site';
    if (f.kind === 'bitflip') return f.target !== 'heap' && !(GLOBAL_NAMESPACE.has(cfg.target) && f.target === 'msg') && !(stateless(cfg.target) && atRest);
    if (f.kind === 'wild-write') return f.region !== 'heap';
    return true;
  });

/** Faults of a kind placed over the trial's golden run, as a campaign places them. */
const placed = (cfg: TrialConfig, kind: FaultKind): fc.Arbitrary<Fault> => placedFaultArb(cfg.target, kind, shapeOf(cfg, runOnce(cfg, null)));

/** Servers with client-scoped faults of a kind: the disk driver keeps no client state, so every wild write it makes lands in global state. */
const serversFor = (kind: FaultKind): string[] => targets().filter((s) => !(kind === 'wild-write' && s === 'disk'));

/**
 * One fault of a kind, in any server, changes what only the clients it hit observe. A fault in a
 * server reached through another (disk under fs) hits the client on whose behalf its request ran.
 */
const isolationProperty = (kind: FaultKind) =>
  fc.property(fc.constantFrom(...serversFor(kind)), fc.integer({ min: 0, max: 2 ** 30 }), fc.context(), (server, seed, ctx) => {
    const cfg = config(server, 'curios', seed);
    const fault = fc.sample(clientScopedFault(cfg, kind), { seed, numRuns: 1 })[0];
    const plan: FaultPlan = { version: 1, faults: [fault] };
    const { differ, hit } = clientsThatDiffer(cfg, plan);
    ctx.log(reproduction(cfg, plan));
    expect(differ.filter((c) => !hit.has(c))).toEqual([]);
  });

/** Runs of each property: CURIOS_PROPERTY_RUNS raises it for a long look (`CURIOS_PROPERTY_RUNS=500 npx vitest run test/campaign/properties.test.ts`). */
const ISOLATION_RUNS = Number(process.env.CURIOS_PROPERTY_RUNS ?? 25);

describe('curios mode isolates a failure to the client of the failed request', () => {
  for (const kind of ['crash', 'hang', 'bitflip', 'wild-write'] as const) {
    it(`one ${kind} in any server never changes what the other clients observe`, () => {
      fc.assert(isolationProperty(kind), { numRuns: ISOLATION_RUNS });
    });
  }

  it('the counter-example that found the disk-under-fs misattribution (a hang while the disk served fs for client 2) holds', () => {
    fc.assert(isolationProperty('hang'), { seed: -1142298981, path: '18', endOnFailure: true, numRuns: 1 });
  });
});

describe('restart mode (MINIX 3) forgets every client', () => {
  it('a crash of fs while a client holds an open handle leaves that handle stale', () => {
    let checked = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 30 }), fc.integer({ min: 4, max: 24 }), (seed, n) => {
        const cfg = config('fs', 'restart', seed);
        const plan: FaultPlan = { version: 1, faults: [{ server: 'fs', kind: 'crash', trigger: { at: 'request', n } }] };
        // How many of each client's fs calls were answered when the server was restarted.
        let answered: number[] | null = null;
        const run = runOnce(cfg, plan, (system) =>
          system.kernel.trace.listen((e) => {
            if (answered === null && e.event === 'restart' && e.task === 'fs') answered = Array.from({ length: cfg.clients }, (_, c) => (system.requests.order.get('fs') ?? []).filter((x) => x === c).length);
          }),
        );
        fc.pre(answered !== null);
        const before: number[] = answered ?? [];
        const ops = makeWorkload({ seed, clients: cfg.clients, ops_per_client: cfg.ops_per_client, modules: [fsModule as unknown as ServerModule], isolated: true });
        run.records.forEach((obs, c) => {
          // Handles (by slot) opened before the crash and not closed before it.
          const open = new Set<number>();
          let slots = 0;
          ops[c].forEach((op, i) => {
            if (i >= before[c]) return;
            if (op.op === 'open') {
              if (obs[i].status === 'OK') open.add(slots);
              slots++;
            } else if (op.op === 'close') open.delete(op.args[0]);
          });
          // The first use of such a handle after the crash (not the call that was in flight) is
          // EBADF — if it comes before the client opens anything again: a fresh server hands out
          // handle numbers from the start, so an old handle may then name a new file (aliasing,
          // which campaigns count as silent corruption).
          const after = (i: number) => i > before[c] || (i === before[c] && c !== run.fired[0]?.client);
          const reopen = ops[c].findIndex((op, i) => after(i) && op.op === 'open');
          const use = ops[c].findIndex((op, i) => after(i) && (reopen < 0 || i < reopen) && ['read', 'write', 'seek', 'close'].includes(op.op) && open.has(op.args[0]));
          if (use < 0) return;
          checked++;
          expect({ client: c, op: use, status: obs[use].status }).toEqual({ client: c, op: use, status: 'EBADF' });
        });
      }),
      { numRuns: 20 },
    );
    expect(checked).toBeGreaterThan(0);
  });
});

describe('persist mode is not enough', () => {
  it('fast-check finds a wild write that corrupts another client’s state', () => {
    const found = fc.check(
      fc.property(fc.integer({ min: 0, max: 2 ** 30 }), fc.nat({ max: 0xffff }), fc.integer({ min: 1, max: 12 }), (seed, offset, n) => {
        const plan: FaultPlan = { version: 1, faults: [{ server: 'prng', kind: 'wild-write', trigger: { at: 'request', n }, region: 'other-state', offset }] };
        const { differ, hit } = clientsThatDiffer(config('prng', 'persist', seed), plan);
        return differ.filter((c) => !hit.has(c)).length === 0;
      }),
      { numRuns: 200, seed: 4242 },
    );
    expect(found.failed).toBe(true);
    const [seed, offset, n] = found.counterexample ?? [0, 0, 0];
    const cfg = config('prng', 'persist', seed);
    const plan: FaultPlan = { version: 1, faults: [{ server: 'prng', kind: 'wild-write', trigger: { at: 'request', n }, region: 'other-state', offset }] };
    console.log(`persist: the no-collateral property fails; shrunk plan ${JSON.stringify(plan)}\n${reproduction(cfg, plan)}`);
    // The same plan under curios: the stray store is a page fault, and the victim is untouched.
    const { differ, hit } = clientsThatDiffer(config('prng', 'curios', seed), plan);
    expect(differ.filter((c) => !hit.has(c))).toEqual([]);
  });
});

describe('liveness', () => {
  it('after any single recoverable fault, every curios trial finishes its workload within the bound', () => {
    fc.assert(
      fc.property(fc.constantFrom(...targets()), fc.constantFrom('crash', 'hang') as fc.Arbitrary<FaultKind>, fc.integer({ min: 0, max: 2 ** 30 }), (server, kind, seed) => {
        const plan: FaultPlan = { version: 1, faults: [fc.sample(placed(config(server, 'curios', seed), kind), { seed, numRuns: 1 })[0]] };
        const run = runOnce(config(server, 'curios', seed), plan);
        expect(run.done).toBe(true);
        expect(run.given_up).toBe(false);
        const outcome = classifyOutcome(runOnce(config(server, 'curios', seed), null), run).outcome;
        expect(outcome).not.toBe('failed');
      }),
      { numRuns: 25 },
    );
  });
});

describe('determinism', () => {
  it('a trial run twice gives the same trace hash', () => {
    fc.assert(
      fc.property(fc.constantFrom(...targets()), fc.constantFrom<Mode>('none', 'restart', 'persist', 'curios'), fc.integer({ min: 0, max: 2 ** 30 }), (server, mode, seed) => {
        const plan: FaultPlan = { version: 1, faults: [fc.sample(placed(config(server, mode, seed), 'crash'), { seed, numRuns: 1 })[0]] };
        expect(runOnce(config(server, mode, seed), plan).traceHash).toBe(runOnce(config(server, mode, seed), plan).traceHash);
      }),
      { numRuns: 10 },
    );
  });

  it('a campaign gives the same digest with 1 and with 2 workers, and the results of every golden run made afresh', async () => {
    const cfg: CampaignConfig = { seed: 11, servers: ['prng', 'fs'], faults: ['crash', 'bitflip'], modes: ['restart', 'curios'], trials: 5, commits: ['shadow'], clients: 2, ops_per_client: 8 };
    const one = await runCells(cfg, cellsOf(cfg), 1);
    const two = await runCells(cfg, cellsOf(cfg), 2);
    expect(one.length).toBe(cellsOf(cfg).length * 2);
    expect(digestOf(two)).toBe(digestOf(one));
    expect(two.map((r) => r.outcome)).toEqual(one.map((r) => r.outcome));
    // The workers share golden runs between a group's cells: the same results as every cell making its own in this process.
    expect(two).toEqual(cellsOf(cfg).flatMap((cell) => runCell(cfg, cell)));
  });
});
