// Clients that never finish: each client runs round after round of a seeded workload, so that a
// dashboard always has load to show. Round r of every client is makeWorkload with a seed derived
// from the run's seed and r — a pure function of (seed, round), so the faulty run and its golden
// twin run exactly the same operations.
//
// Workloads are isolated (a client touches only its own files and ports): what a client observes
// then depends on its own operations alone, and a difference from the golden run is the fault's
// doing, not a different interleaving of clients.
//
// A round ends by releasing every handle it may have taken (files, sockets, alarms): without it,
// handles left open by one round would fill the server's per-client tables and every later round
// would see only EMFILE.
import { deriveSeed } from '../../src/hw/seed.ts';
import type { Cycles } from '../../src/hw/types.ts';
import type { ClientProgram } from '../../src/servers/framework/client-task.ts';
import type { ClientOp, Observation, ServerModule } from '../../src/servers/framework/module.ts';
import { makeWorkload, workloadProgram, type Workload } from '../../src/servers/workload.ts';
import { DASHBOARD_LIMITS } from '../limits.ts';

/** Per server: the operation that takes a handle slot, and the one that gives it back. */
const HANDLE_OPS: Readonly<Record<string, { take: string; release: string }>> = {
  fs: { take: 'open', release: 'close' },
  net: { take: 'bind', release: 'close' },
  timer: { take: 'set', release: 'cancel' },
};

export class RoundSource {
  private readonly cache = new Map<number, Workload>();

  constructor(
    readonly seed: number,
    readonly clients: number,
    readonly modules: readonly ServerModule[],
    readonly ops_per_client: number = DASHBOARD_LIMITS.round_ops_per_client,
  ) {}

  /** Client c's operations in round r, its release operations last. */
  ops(client: number, round: number): ClientOp[] {
    let workload = this.cache.get(round);
    if (workload === undefined) {
      workload = makeWorkload({ seed: deriveSeed(this.seed, `dashboard/round/${round}`), clients: this.clients, ops_per_client: this.ops_per_client, modules: this.modules, isolated: true });
      this.cache.set(round, workload);
      // Map iteration is insertion order: the first key is the oldest round computed.
      if (this.cache.size > DASHBOARD_LIMITS.rounds_cached) this.cache.delete(this.cache.keys().next().value as number);
    }
    const ops = workload[client];
    return [...ops, ...releaseOps(ops)];
  }
}

/** One release per slot the round's operations may have filled, server by server. */
export function releaseOps(ops: readonly ClientOp[]): ClientOp[] {
  const out: ClientOp[] = [];
  for (const [server, pair] of Object.entries(HANDLE_OPS)) {
    const taken = ops.filter((op) => op.server === server && op.op === pair.take).length;
    for (let slot = 0; slot < taken; slot++) out.push({ server, op: pair.release, args: [slot] });
  }
  return out;
}

/**
 * What a client's program reports as it goes. `observations` is drained by the reader, who adds
 * what it took to `taken`; `round_starts` says where each recent round began in the client's
 * history, so that an observation's index names its operation.
 */
export class ClientSink {
  readonly observations: Observation[] = [];
  taken = 0;
  private readonly round_starts: { round: number; first: number }[] = [];
  /** the simulated cycle of each recent observation: index i of the client's history at i mod the length */
  private readonly stamps = new Float64Array(DASHBOARD_LIMITS.judge_queue_max);
  private stamped = 0;

  /** `clock`: the simulated time of the system the client runs in (read, never a system call). */
  constructor(private readonly clock: () => Cycles = () => 0) {}

  /** Records an observation, stamped with the simulated time it was made at. */
  push(observation: Observation): number {
    this.stamps[this.stamped++ % this.stamps.length] = this.clock();
    return this.observations.push(observation);
  }

  startRound(round: number): void {
    this.round_starts.push({ round, first: this.taken + this.observations.length });
    if (this.round_starts.length > DASHBOARD_LIMITS.rounds_cached * 8) this.round_starts.shift();
  }

  /** Takes every observation recorded since the last drain. */
  drain(): Observation[] {
    const out = this.observations.splice(0);
    this.taken += out.length;
    return out;
  }

  /** The cycle the client's index-th observation was made at, if still known: a function of the run, not of when it was read. */
  stampOf(index: number): Cycles | null {
    if (index < 0 || index >= this.stamped || index < this.stamped - this.stamps.length) return null;
    return this.stamps[index % this.stamps.length];
  }

  /** The round and position in it of the client's index-th observation, if still known. */
  locate(index: number): { round: number; at: number } | null {
    for (let i = this.round_starts.length - 1; i >= 0; i--) {
      const r = this.round_starts[i];
      if (r.first <= index) return { round: r.round, at: index - r.first };
    }
    return null;
  }
}

/** A client program that runs rounds forever, recording each observation into `sink`. */
export function endlessProgram(source: RoundSource, modules: ReadonlyMap<string, ServerModule>, client: number, sink: ClientSink): ClientProgram {
  return function* (env) {
    for (let round = 0; ; round++) {
      sink.startRound(round);
      yield* workloadProgram(modules, source.ops(client, round), sink)(env);
    }
  };
}
