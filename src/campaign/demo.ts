// The demo scenario: a few clients with sessions open on the stateful servers (files, sockets,
// alarms, generators); each stateful server is crashed in turn mid-workload, and the same
// workload and crashes run under each mode — and each commit policy of the modes that have one,
// so that retry (shadow) and isolation (curios) show apart. What each client saw is compared with
// the golden run of its mode: errors, stale handles, wrong results; and the end state too (the
// end-state oracle), for damage no client has read yet.
import { drawInt, streamFor } from '../hw/seed.ts';
import type { FaultPlan } from '../faults/model.ts';
import { demoProfile, inspectorsOf, modulesOf } from '../servers/catalog.ts';
import { readEndState } from '../servers/end-state.ts';
import type { ClientOp, Observation } from '../servers/framework/module.ts';
import { latentDifferences } from './oracle.ts';
import { isError, judge } from './verdict.ts';
import { System } from '../servers/system.ts';
import { makeWorkload, workloadProgram } from '../servers/workload.ts';
import { COMPARE_COMMITS, MODES, variantName, type CommitPolicy, type Mode } from '../ssr/modes.ts';
import { runWithFaults } from '../faults/run.ts';
import { armsOf } from './campaign.ts';

export interface DemoClient {
  id: number;
  ops: number;
  errors: number;
  staleHandles: number;
  wrongResults: number;
}

export interface DemoMode {
  mode: Mode;
  /** the arm's commit policy; null for a mode that has none */
  commit: CommitPolicy | null;
  clients: DemoClient[];
  restarts: number;
  traceHash: string;
  /** one line per notable thing a client saw (its first divergence from the golden run per server) */
  notes: string[];
  /** where the end state differs from the golden run's (the end-state oracle), seen by a client or not */
  endState: string[];
}

export interface DemoResult {
  seed: number;
  crashes: { server: string; request: number }[];
  /** per arm, by its name (`none`, `restart`, `persist/shadow`, …), in MODES order */
  modes: Record<string, DemoMode>;
}

const CLIENTS = 3;
const OPS_PER_CLIENT = 40;
const DEMO_CYCLES_MAX = 50_000_000;

export function runDemo(seed: number): DemoResult {
  const profile = demoProfile();
  const modules = modulesOf(profile);
  // Isolated clients (no names shared): what a client sees depends on its own operations, not on
  // which of two clients wins a race for a name in the interleaving a restart's delay makes.
  const workload = makeWorkload({ seed, clients: CLIENTS, ops_per_client: OPS_PER_CLIENT, modules: profile.modules, isolated: true });
  // The file system first (the story of stale file handles), then every other stateful server.
  const stateful = profile.servers
    .filter((d) => d.state_bytes > 0)
    .map((d) => d.name)
    .sort((a, b) => Number(b === 'fs') - Number(a === 'fs'));
  // Crash each stateful server in turn, at a request number drawn from the seed, inside the first
  // half of the requests it will get.
  const rng = streamFor(seed, 'demo/crashes');
  const perServer = new Map<string, number>();
  for (const ops of workload) for (const op of ops) perServer.set(op.server, (perServer.get(op.server) ?? 0) + 1);
  const crashes = stateful.filter((s) => (perServer.get(s) ?? 0) >= 4).map((server) => ({ server, request: drawInt(rng, 2, Math.max(2, Math.floor((perServer.get(server) ?? 4) / 2))) }));
  const plan: FaultPlan = { version: 1, faults: crashes.map((c) => ({ server: c.server, kind: 'crash', trigger: { at: 'request', n: c.request } })) };

  const run = (mode: Mode, commit: CommitPolicy | null, withFaults: boolean) => {
    const records: Observation[][] = workload.map(() => []);
    const system = new System({ mode, ...(commit === null ? {} : { commit }), servers: profile.servers, clients: workload.map((ops, c) => workloadProgram(modules, ops, records[c])) });
    if (withFaults) runWithFaults(system, plan, { seed, until_cycles: DEMO_CYCLES_MAX });
    else system.runClients(DEMO_CYCLES_MAX);
    system.runPendingResetHooks();
    return { records, system, endState: readEndState(system, inspectorsOf(profile)) };
  };
  const modes: Record<string, DemoMode> = {};
  for (const { mode, commit } of armsOf({ modes: [...MODES], commits: [...COMPARE_COMMITS] })) {
    const golden = run(mode, commit, false);
    const trial = run(mode, commit, true);
    const notes: string[] = [];
    const clients = workload.map((ops, c) => summarize(c, ops, golden.records[c], trial.records[c], notes));
    const endState = latentDifferences(golden.endState, trial.endState);
    modes[variantName(mode, commit)] = { mode, commit, clients, restarts: trial.system.supervisor.servers.reduce((n, s) => n + s.restarts, 0), traceHash: trial.system.traceHash(), notes, endState };
  }
  return { seed, crashes, modes };
}

function summarize(id: number, ops: readonly ClientOp[], golden: Observation[], seen: Observation[], notes: string[]): DemoClient {
  const s: DemoClient = { id, ops: seen.length, errors: 0, staleHandles: 0, wrongResults: 0 };
  const noted = new Set<string>();
  seen.forEach((o, i) => {
    const g = golden[i];
    const op = ops[i];
    // Errors the fault-free run gets too (opening a file that is not there) are not the crash's.
    const verdict = g === undefined ? 'same' : judge(g, o);
    if (isError(verdict)) s.errors++;
    if (verdict === 'stale') s.staleHandles++;
    if (verdict === 'wrong') s.wrongResults++;
    if (verdict !== 'same' && !noted.has(op.server)) {
      noted.add(op.server);
      notes.push(`client ${id}: ${op.server}.${op.op} expected ${g.status}, got ${o.status}${verdict === 'wrong' ? ' (a wrong result, no error)' : ''}`);
    }
  });
  return s;
}
