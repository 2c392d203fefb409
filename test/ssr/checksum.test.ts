// SSR integrity: a bit flipped in a client's SSR while no request holds it is caught by the
// checksum at that client's next use. The client is told ESTALE and its state is reset (so prng
// answers EBADF until it seeds again); every other client goes on with the golden results.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NO_FAULTS, type FaultPort } from '../../src/servers/framework/fault-port.ts';
import { prngModule } from '../../src/servers/prng/prng.ts';
import { makeWorkload } from '../../src/servers/workload.ts';
import { buildSystem, expectedRecords, goldenRecords, modulesOf, runToEnd } from '../helpers/systems.ts';

const modules = modulesOf(prngModule);
const PRNG_STATE_BYTES = prngModule.def.state_bytes;

interface Flip {
  victim: number;
  /** how many of the victim's calls the server had answered when its SSR was hit */
  answered: number;
}

describe('SSR checksums', () => {
  it('a bit flipped between requests: that client gets ESTALE at its next use and starts afresh; the others see the golden results', () => {
    const inputs = fc.record({
      seed: fc.integer({ min: 0, max: 0x7fff_ffff }),
      clients: fc.integer({ min: 2, max: 4 }),
      point: fc.nat({ max: 9_999 }),
      victim_pick: fc.nat({ max: 2 }),
      offset: fc.integer({ min: 0, max: PRNG_STATE_BYTES - 1 }),
      bit: fc.integer({ min: 0, max: 7 }),
      commit: fc.constantFrom('shadow' as const, 'in-place' as const),
    });
    fc.assert(
      fc.property(inputs, (input) => {
        const workload = makeWorkload({ seed: input.seed, clients: input.clients, ops_per_client: 8, modules: [...modules.values()] });
        const flip_at = input.point % workload.flat().length;
        const gold = goldenRecords(modules, workload);
        const run = buildSystem({ mode: 'curios', commit: input.commit, modules, workload });
        const { system } = run;
        const task = system.serverTask('prng');
        let flip: Flip | null = null;
        let seen = 0;
        // While the server starts serving request `flip_at` of client X, flip a bit of another client's SSR:
        // that SSR is sealed and not mapped (the server serves one request at a time).
        const port: FaultPort = {
          ...NO_FAULTS,
          beforeRequest(_server, req) {
            if (seen++ !== flip_at) return null;
            const others = workload.map((_, c) => c).filter((c) => c !== req.client);
            const victim = others[input.victim_pick % others.length];
            const at = system.ssr.statePhysAddr(task, victim, input.offset);
            if (at === null) throw new Error(`client ${victim} has no SSR`);
            expect(system.ssr.mappedNow(task)?.client).toBe(req.client);
            system.machine.memory.flipBit(at, input.bit);
            flip = { victim, answered: (system.requests.order.get('prng') ?? []).filter((c) => c === victim).length };
            return null;
          },
          site: () => false,
          beforeReply: (_s, _r, reply) => reply,
        };
        system.faults = port;
        runToEnd(system);
        const f = flip as Flip | null;
        if (f === null) throw new Error('the flip did not happen');
        const caught = f.answered < workload[f.victim].length;
        for (let c = 0; c < workload.length; c++) {
          if (c !== f.victim) {
            expect(run.records[c], `client ${c}`).toEqual(gold[c]);
            continue;
          }
          expect(run.records[c], `victim ${c}`).toEqual(expectedRecords(modules, workload, c, [{ server: 'prng', at: f.answered, observed: 'ESTALE', state: 'lost' }]));
          expect(run.records[c].filter((o) => o.status === 'ESTALE')).toHaveLength(caught ? 1 : 0);
        }
        expect(system.ssr.stats.checksum_failures).toBe(caught ? 1 : 0);
        expect(system.ssr.stats.resets).toBe(caught ? 1 : 0);
        const ssr = system.ssr.enumerate(task)[f.victim];
        // Caught: reset and sealed afresh. Not caught (the victim made no call after the flip): still corrupt.
        expect(system.ssr.verify(ssr), 'the victim SSR verifies at the end').toBe(caught);
        expect(ssr.checksum_failures).toBe(caught ? 1 : 0);
        expect(system.supervisor.events, 'a checksum failure is not a server failure').toEqual([]);
      }),
      { numRuns: 25 },
    );
  });

  it('a flipped bit that no request reads again stays detectable: verify() reports it', () => {
    const workload = makeWorkload({ seed: 3, clients: 2, ops_per_client: 4, modules: [...modules.values()] });
    const run = buildSystem({ mode: 'curios', modules, workload });
    runToEnd(run.system);
    const task = run.system.serverTask('prng');
    const [first, second] = run.system.ssr.enumerate(task);
    expect(run.system.ssr.verify(first)).toBe(true);
    const at = run.system.ssr.statePhysAddr(task, 0, 4);
    if (at === null) throw new Error('client 0 has no SSR');
    run.system.machine.memory.flipBit(at, 3);
    expect(run.system.ssr.verify(first)).toBe(false);
    expect(run.system.ssr.verify(second)).toBe(true);
    run.system.machine.memory.flipBit(at, 3);
    expect(run.system.ssr.verify(first)).toBe(true);
  });
});
