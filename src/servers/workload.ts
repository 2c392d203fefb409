// Workloads: what each client does, drawn from the seed — per client, scripts for several
// servers interleaved at random — and the client program that runs one and records every
// observation. A workload is data (operations), so it is stored, replayed and shrunk as data.
import { drawInt, streamFor } from '../hw/seed.ts';
import type { ClientEnv, ClientProgram } from './framework/client-task.ts';
import type { ClientOp, Observation, ServerModule } from './framework/module.ts';
import type { Sys } from '../kernel/sys.ts';

export type Workload = ClientOp[][];

export interface WorkloadSpec {
  seed: number;
  clients: number;
  ops_per_client: number;
  /** servers the clients use (by module) */
  modules: readonly ServerModule[];
  /** clients share nothing (see ServerModule.script) */
  isolated?: boolean;
}

export function makeWorkload(spec: WorkloadSpec): Workload {
  const out: Workload = [];
  for (let c = 0; c < spec.clients; c++) {
    const rng = streamFor(spec.seed, `workload/client${c}`);
    // Split the client's operations among the servers, then interleave the scripts.
    const counts = spec.modules.map(() => 0);
    for (let i = 0; i < spec.ops_per_client; i++) counts[drawInt(rng, 0, spec.modules.length - 1)]++;
    const scripts = spec.modules.map((m, i) => m.script(rng, counts[i], c, spec.isolated === true));
    const merged: ClientOp[] = [];
    const next = scripts.map(() => 0);
    while (merged.length < spec.ops_per_client) {
      const live = scripts.map((s, i) => (next[i] < s.length ? i : -1)).filter((i) => i >= 0);
      const pick = live[drawInt(rng, 0, live.length - 1)];
      merged.push(scripts[pick][next[pick]++]);
    }
    out.push(merged);
  }
  return out;
}


/** A client program that runs `ops` and records what it observed. */
export function workloadProgram(modules: ReadonlyMap<string, ServerModule>, ops: readonly ClientOp[], record: Pick<Observation[], 'push'>): ClientProgram {
  return function* (env: ClientEnv): Sys<void> {
    const locals = new Map<string, unknown>();
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i];
      const m = modules.get(op.server);
      if (m === undefined) throw new Error(`workload names unknown server ${op.server}`);
      let local = locals.get(op.server);
      if (local === undefined && !locals.has(op.server)) locals.set(op.server, (local = m.newLocal()));
      const performed = m.perform?.(env, op, local) ?? null;
      if (performed !== null) {
        record.push(yield* performed);
        continue;
      }
      const call = m.encode(op, local);
      const reply = yield* env.call(op.server, call.op, call.words, call.data);
      record.push(m.decode(op, reply, local));
    }
  };
}

/**
 * The reference model's observations for a workload, given the order in which each server was
 * handed requests (its linearization). An operation that never reached its server is null.
 */
export function modelObservations(modules: ReadonlyMap<string, ServerModule>, workload: Workload, order: ReadonlyMap<string, readonly number[]>): (Observation | null)[][] {
  const models = new Map([...modules].flatMap(([name, m]) => (m.model === undefined ? [] : [[name, m.model(workload.length)] as const])));
  // Each client's operations on each server, in its own order.
  const queues = new Map<string, number[][]>();
  for (const name of modules.keys()) queues.set(name, workload.map((ops) => ops.flatMap((op, i) => (op.server === name ? [i] : []))));
  const results = workload.map((ops) => new Array<Observation | null>(ops.length).fill(null));
  for (const [name, clients] of order) {
    const model = models.get(name);
    const perClient = queues.get(name);
    if (model === undefined || perClient === undefined) continue;
    for (const c of clients) {
      if (c < 0) continue;
      const i = perClient[c].shift();
      if (i === undefined) continue;
      results[c][i] = model.apply(c, workload[c][i]);
    }
  }
  return results;
}
