// MINIX 3's restart mode re-issues a request to a restarted *stateless* driver (block I/O to the
// disk driver, a write to the console): the driver keeps nothing that the failed request could have
// left half-done, so the request is simply sent again and its caller never sees the crash. A
// request to a restarted *stateful* server is failed (tested in modes.test.ts: prng).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { consoleModule } from '../../src/servers/console/console.ts';
import { diskServer } from '../../src/servers/disk/disk.ts';
import { fsModule } from '../../src/servers/fs/index.ts';
import { makeWorkload } from '../../src/servers/workload.ts';
import type { Mode } from '../../src/ssr/modes.ts';
import { buildSystem, crashAtRequest, modulesOf, runToEnd, runWorkload, type RunSpec } from '../helpers/systems.ts';

const inputs = fc.record({ seed: fc.integer({ min: 0, max: 0x7fff_ffff }), clients: fc.integer({ min: 1, max: 3 }), point: fc.nat({ max: 9_999 }) });

/** Crashes `server` at a request drawn from `point` among those the golden run makes; returns the golden and faulty runs. */
function crashOnce(spec: RunSpec, server: string, point: number) {
  const golden = runWorkload(spec);
  const requests = golden.system.requests.order.get(server)?.length ?? 0;
  fc.pre(requests > 0);
  const run = buildSystem(spec);
  const crash = (run.system.faults = crashAtRequest(run.system, server, point % requests));
  runToEnd(run.system);
  expect(crash.fired, 'the crash fired').not.toBeNull();
  return { golden, run };
}

describe('restart re-issues the in-flight request to a restarted stateless driver (MINIX 3)', () => {
  it('console: every client sees exactly the golden observations; the call was retried, not aborted', () => {
    const modules = modulesOf(consoleModule);
    fc.assert(
      fc.property(inputs, ({ seed, clients, point }) => {
        const workload = makeWorkload({ seed, clients, ops_per_client: 10, modules: [...modules.values()] });
        const { golden, run } = crashOnce({ mode: 'restart', modules, workload }, 'console', point);
        expect(run.records).toEqual(golden.records);
        expect(run.system.supervisor.events.map((e) => [e.server, e.outcome, e.retried, e.aborted])).toEqual([['console', 'restarted', 1, 0]]);
      }),
      { numRuns: 20 },
    );
  });

  it("disk: the file system's block request is sent again; every fs client sees the golden observations", () => {
    const modules = modulesOf(fsModule);
    fc.assert(
      fc.property(inputs, ({ seed, clients, point }) => {
        const workload = makeWorkload({ seed, clients, ops_per_client: 10, modules: [...modules.values()], isolated: true });
        const { golden, run } = crashOnce({ mode: 'restart', modules, workload, servers: [diskServer, fsModule.def] }, 'disk', point);
        expect(run.records).toEqual(golden.records);
        expect(run.system.supervisor.events.map((e) => [e.server, e.outcome, e.retried, e.aborted])).toEqual([['disk', 'restarted', 1, 0]]);
      }),
      { numRuns: 10 },
    );
  });

  it('none does not restart, so the same console crash fails the call and leaves the console down', () => {
    const modules = modulesOf(consoleModule);
    const workload = makeWorkload({ seed: 7, clients: 2, ops_per_client: 10, modules: [...modules.values()] });
    const spec = { mode: 'none' as Mode, modules, workload };
    const { run } = crashOnce(spec, 'console', 2);
    expect(run.system.supervisor.events.map((e) => [e.server, e.outcome, e.retried, e.aborted])).toEqual([['console', 'down', 0, 1]]);
  });
});
