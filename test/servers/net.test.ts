// net against its reference model: random interleaved workloads from several clients, fault-free
// in `curios` and `restart` mode, must be observed exactly as the model says; and a crash in
// `curios` mode must be recovered from every client's state — the port table rebuilt as it was.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClientOp, Observation, ServerModule } from '../../src/servers/framework/module.ts';
import { netModule, readNetGlobal } from '../../src/servers/net/index.ts';
import { makeWorkload, modelObservations, workloadProgram, type Workload } from '../../src/servers/workload.ts';
import { singleServer } from '../helpers/single-server.ts';

const RUN_CYCLES_MAX = 200_000_000;
const { modules: MODULES, boot, runWorkload, serverIdle, answered, crashAndRecover, phased: phasedWith } = singleServer(netModule as ServerModule, RUN_CYCLES_MAX);
/** net's clients pause long between phases: long enough for the test to crash and restart it. */
const phased = (phases: ClientOp[][], record: Observation[]) => phasedWith(phases, record, 1_000_000);

function op(name: string, args: number[], text?: string): ClientOp {
  return text === undefined ? { server: 'net', op: name, args } : { server: 'net', op: name, args, text };
}

describe('net: fault-free runs match the reference model', () => {
  for (const mode of ['curios', 'restart'] as const) {
    it(`random workloads, ${mode} mode`, () => {
      fc.assert(
        fc.property(fc.integer(), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 5, max: 40 }), (seed, clients, ops_per_client) => {
          const workload = makeWorkload({ seed, clients, ops_per_client, modules: [netModule as ServerModule] });
          const { system, records } = runWorkload(mode, workload);
          expect(records).toEqual(modelObservations(MODULES, workload, system.requests.order));
        }),
        { numRuns: 60 },
      );
    });
  }

  it('a datagram sent is received by the next request, from any client', () => {
    const workload: Workload = [
      [op('bind', [5]), op('send', [0, 7], 'to seven'), op('recv', [0]), op('recv', [0])],
      [op('bind', [7]), op('bind', [5]), op('recv', [0]), op('send', [0, 5], 'back'), op('close', [0]), op('recv', [0])],
    ];
    const { system, records } = runWorkload('curios', workload);
    expect(records).toEqual(modelObservations(MODULES, workload, system.requests.order));
    expect(records[1][1]).toEqual({ status: 'EADDRINUSE', value: [] });
    expect(records[1][5]).toEqual({ status: 'EBADF', value: [] });
  });

  it('bounds: sockets per client (EMFILE), queue length (drops), payload size (EINVAL)', () => {
    const binds = [1, 2, 3, 4, 6].map((p) => op('bind', [p]));
    const sends = [0, 1, 2, 3, 4, 5].map((i) => op('send', [0, 1], `d${i}`));
    const recvs = [0, 1, 2, 3, 4].map(() => op('recv', [0]));
    const workload: Workload = [[...binds, ...sends, op('send', [0, 2], 'x'.repeat(65)), ...recvs]];
    const { system, records } = runWorkload('curios', workload);
    const model = modelObservations(MODULES, workload, system.requests.order);
    expect(records).toEqual(model);
    expect(records[0][4].status).toBe('EMFILE');
    expect(records[0][11].status).toBe('EINVAL');
    expect(records[0].slice(12).map((o) => o.text ?? o.status)).toEqual(['d0', 'd1', 'd2', 'd3', 'EAGAIN']);
  });
});

describe('net: recovery in curios mode rebuilds the port table from every client state', () => {
  it('a crash between two phases is invisible to the clients', () => {
    const clients = 3;
    const first = (c: number): ClientOp[] => [op('bind', [10 + 2 * c]), op('bind', [11 + 2 * c]), op('send', [1, 10 + 2 * c], `self${c}`), op('recv', [0])];
    const second = (c: number): ClientOp[] => [
      op('send', [0, 10 + 2 * ((c + 1) % clients)], `from${c}`),
      op('send', [1, 11 + 2 * ((c + 2) % clients)], `also${c}`),
      op('recv', [0]),
      op('recv', [1]),
      op('close', [0]),
      op('bind', [10 + 2 * c]),
      op('recv', [0]),
    ];
    const workload: Workload = Array.from({ length: clients }, (_, c) => [...first(c), ...second(c)]);
    const records = workload.map((): Observation[] => []);
    const programs = Array.from({ length: clients }, (_, c) => phased([first(c), second(c)], records[c]));
    const system = boot('curios', programs);

    const phase_one_requests = clients * first(0).length;
    expect(system.run({ until: () => answered(system) === phase_one_requests && serverIdle(system) })).toBe('until');
    const before = readNetGlobal(system);
    expect(before.ports).toHaveLength(2 * clients);
    expect(before.pending).toEqual([]);

    crashAndRecover(system);
    expect(system.serverTask('net').incarnation).toBe(1);
    expect(readNetGlobal(system)).toEqual(before);

    expect(system.runClients(RUN_CYCLES_MAX)).toBe('until');
    expect(records).toEqual(modelObservations(MODULES, workload, system.requests.order));
  });

  it('random workloads crashed at a random request: the port table comes back as it was, no datagram is lost', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 2, max: 4 }), fc.nat(), (seed, clients, crash_pick) => {
        const workload = makeWorkload({ seed, clients, ops_per_client: 25, modules: [netModule as ServerModule] });
        const crash_after = crash_pick % (clients * 25 + 1);
        const records = workload.map((): Observation[] => []);
        const system = boot('curios', workload.map((ops, c) => workloadProgram(MODULES, ops, records[c])));
        const stop = system.run({ until: () => answered(system) >= crash_after && serverIdle(system), until_cycles: RUN_CYCLES_MAX });
        expect(stop).toBe('until');
        const before = readNetGlobal(system);
        crashAndRecover(system);
        expect(readNetGlobal(system)).toEqual(before);
        expect(system.runClients(RUN_CYCLES_MAX)).toBe('until');
        // A crash between requests is invisible: every client sees what the model says.
        expect(records).toEqual(modelObservations(MODULES, workload, system.requests.order));
      }),
      { numRuns: 40 },
    );
  });
});
