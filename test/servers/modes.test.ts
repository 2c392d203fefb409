// The four recovery modes, measured on one fault: the prng server crashes at a random request of
// a random workload (prng and console clients), and each client's observations are compared with
// the golden run — the same workload with no fault, in a System of its own.
//
// The crash fires before `handle` touches anything, so the failed request leaves every client's
// state exactly as it was: what each mode then shows is only what it does with that state.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { consoleModule } from '../../src/servers/console/console.ts';
import type { Observation } from '../../src/servers/framework/module.ts';
import { prngModule } from '../../src/servers/prng/prng.ts';
import { makeWorkload, type Workload } from '../../src/servers/workload.ts';
import type { CommitPolicy, Mode } from '../../src/ssr/modes.ts';
import { buildSystem, crashAtRequest, expectedRecords, goldenRecords, modulesOf, runToEnd, type CrashPoint, type Disruption, type Run } from '../helpers/systems.ts';

const modules = modulesOf(prngModule, consoleModule);
const OPS_PER_CLIENT = 12;
const RUNS = 30;

interface Case {
  clients: number;
  workload: Workload;
  /** the prng request (0-based) at which the server crashes */
  crash_at: number;
}

/** A workload seed, 2–4 clients, and where among the workload's prng requests the crash falls. */
const inputs = fc.record({ seed: fc.integer({ min: 0, max: 0x7fff_ffff }), clients: fc.integer({ min: 2, max: 4 }), point: fc.nat({ max: 9_999 }) });

function caseOf(input: { seed: number; clients: number; point: number }): Case {
  const workload = makeWorkload({ seed: input.seed, clients: input.clients, ops_per_client: OPS_PER_CLIENT, modules: [...modules.values()] });
  const prng_calls = workload.flat().filter((op) => op.server === 'prng').length;
  fc.pre(prng_calls > 0);
  return { clients: input.clients, workload, crash_at: input.point % prng_calls };
}

function crashRun(c: Case, mode: Mode, commit: CommitPolicy = 'shadow'): { run: Run; fired: CrashPoint } {
  const run = buildSystem({ mode, commit, modules, workload: c.workload });
  const crash = (run.system.faults = crashAtRequest(run.system, 'prng', c.crash_at));
  runToEnd(run.system);
  expect(crash.fired, 'the crash fired').not.toBeNull();
  return { run, fired: crash.fired as CrashPoint };
}

/** The golden run, checked against the reference models on the way (a fault-free run must match them). */
function golden(c: Case): Observation[][] {
  const gold = goldenRecords(modules, c.workload);
  gold.forEach((r, client) => expect(r, `golden client ${client} vs model`).toEqual(expectedRecords(modules, c.workload, client)));
  return gold;
}

function prngCalls(c: Case, client: number): number {
  return c.workload[client].filter((op) => op.server === 'prng').length;
}

describe('recovery modes, prng crashing at a random request', () => {
  it('restart: sessions are gone — every client sees EBADF on next until it seeds again; the in-flight call fails', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const c = caseOf(input);
        const gold = golden(c);
        const { run, fired } = crashRun(c, 'restart');
        for (let client = 0; client < c.clients; client++) {
          const inFlight = client === fired.client;
          const d: Disruption = { server: 'prng', at: fired.answered[client], state: 'lost', ...(inFlight ? { observed: 'EABORTED' as const } : {}) };
          expect(run.records[client], `client ${client}`).toEqual(expectedRecords(modules, c.workload, client, [d]));
          expectStaleUntilSeeded(c, client, run.records[client], gold[client], fired.answered[client], inFlight);
        }
        expect(run.system.supervisor.servers.find((s) => s.name === 'prng')?.restarts).toBe(1);
      }),
      { numRuns: RUNS },
    );
  });

  // Retry is an axis of its own: shadow commit rolls the in-flight request back and requeues it,
  // whether the SSRs are isolated (curios) or not (persist).
  for (const mode of ['curios', 'persist'] as const) {
    it(`${mode}, shadow commit: every client, the in-flight one too (retried), sees exactly the golden observations`, () => {
      fc.assert(
        fc.property(inputs, (input) => {
          const c = caseOf(input);
          const gold = golden(c);
          const { run } = crashRun(c, mode, 'shadow');
          expect(run.records).toEqual(gold);
          expect(run.system.supervisor.events.map((e) => [e.server, e.outcome, e.retried, e.aborted])).toEqual([['prng', 'restarted', 1, 0]]);
        }),
        { numRuns: RUNS },
      );
    });
  }

  for (const [mode, commit] of [
    ['curios', 'in-place'],
    ['persist', 'in-place'],
  ] as const) {
    it(`${mode}, ${commit} commit: state survives — the other clients see the golden observations; the in-flight call fails with EABORTED`, () => {
      fc.assert(
        fc.property(inputs, (input) => {
          const c = caseOf(input);
          const gold = golden(c);
          const { run, fired } = crashRun(c, mode, commit);
          for (let client = 0; client < c.clients; client++) {
            if (client !== fired.client) {
              expect(run.records[client], `client ${client}`).toEqual(gold[client]);
              continue;
            }
            // The failed call had no effect (the crash came before `handle`), and recovery kept the state.
            const d: Disruption = { server: 'prng', at: fired.answered[client], observed: 'EABORTED', state: 'kept' };
            expect(run.records[client], `in-flight client ${client}`).toEqual(expectedRecords(modules, c.workload, client, [d]));
            expect(run.records[client].filter((o) => o.status !== 'OK' && o.status !== 'EBADF')).toEqual([{ status: 'EABORTED', value: [] }]);
          }
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('none: the in-flight call fails with EABORTED, every later prng call with EDEAD; console keeps working', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const c = caseOf(input);
        const gold = golden(c);
        const { run, fired } = crashRun(c, 'none');
        for (let client = 0; client < c.clients; client++) {
          const inFlight = client === fired.client;
          const d: Disruption = { server: 'prng', at: fired.answered[client], state: 'dead', ...(inFlight ? { observed: 'EABORTED' as const } : {}) };
          expect(run.records[client], `client ${client}`).toEqual(expectedRecords(modules, c.workload, client, [d]));
          // Console, the other server, answers as in the golden run.
          const consoleOf = (r: Observation[]) => r.filter((_, i) => c.workload[client][i].server === 'console');
          expect(consoleOf(run.records[client])).toEqual(consoleOf(gold[client]));
          const after = prngCalls(c, client) - fired.answered[client] - (inFlight ? 1 : 0);
          expect(run.records[client].filter((o) => o.status === 'EDEAD')).toHaveLength(after);
        }
        const prng = run.system.supervisor.servers.find((s) => s.name === 'prng');
        expect(prng?.condition).toBe('down');
        expect(prng?.restarts).toBe(0);
      }),
      { numRuns: RUNS },
    );
  });
});

/**
 * The restart rule stated on the records themselves: the client's prng calls before the crash are
 * golden; after it, `next` answers EBADF until the client seeds again, and from then on golden.
 */
function expectStaleUntilSeeded(c: Case, client: number, got: Observation[], gold: Observation[], answered: number, inFlight: boolean): void {
  let j = 0;
  let stale = false;
  c.workload[client].forEach((op, i) => {
    if (op.server !== 'prng') return;
    const k = j++;
    if (k < answered) return expect(got[i], `call ${i} before the crash`).toEqual(gold[i]);
    if (k === answered) stale = true;
    if (k === answered && inFlight) return expect(got[i].status).toBe('EABORTED');
    if (op.op === 'seed') stale = false;
    if (stale) return expect(got[i], `call ${i}: next on a lost session`).toEqual({ status: 'EBADF', value: [] });
    expect(got[i], `call ${i} after seeding again`).toEqual(gold[i]);
  });
}

describe('determinism', () => {
  const MODES_AND_COMMITS = [
    ['none', 'shadow'],
    ['restart', 'shadow'],
    ['persist', 'shadow'],
    ['persist', 'in-place'],
    ['curios', 'shadow'],
    ['curios', 'in-place'],
  ] as const;
  for (const [mode, commit] of MODES_AND_COMMITS) {
    it(`${mode} (${commit}): the same seed and fault give the same trace hash and the same observations`, () => {
      fc.assert(
        fc.property(inputs, (input) => {
          const c = caseOf(input);
          const a = crashRun(c, mode, commit);
          const b = crashRun(c, mode, commit);
          expect(b.run.system.traceHash()).toBe(a.run.system.traceHash());
          expect(b.run.system.now).toBe(a.run.system.now);
          expect(b.run.records).toEqual(a.run.records);
          expect(b.fired).toEqual(a.fired);
        }),
        { numRuns: 4 },
      );
    });
  }

  it('the trace hash tells the modes apart, and a crash from no crash', () => {
    const c = caseOf({ seed: 5, clients: 3, point: 4 });
    const hashes = MODES_AND_COMMITS.map(([mode, commit]) => crashRun(c, mode, commit).run.system.traceHash());
    const golden = buildSystem({ mode: 'curios', modules, workload: c.workload });
    runToEnd(golden.system);
    expect(new Set([...hashes, golden.system.traceHash()]).size).toBe(hashes.length + 1);
  });
});
