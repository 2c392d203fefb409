// Server benchmarks: what a client call costs in each recovery mode.
// - simulated cycles per call (a property of the model, not of the host): the fault-free
//   workload of each server run under each mode, with a tagged TLB and with an untagged one
//   (flushed on every address-space switch), printed as a table with each mode's ratio to
//   `restart` mode (MINIX 3, no SSRs) — the paper's "a protected call costs about twice a plain
//   one" is the curios/restart column;
// - host throughput: calls per second of simulated fs workload under `curios`, against the
//   same number of calls to the fs reference model in plain TypeScript.
import { modulesOf, profileFor } from '../src/servers/catalog.ts';
import type { Observation } from '../src/servers/framework/module.ts';
import { System } from '../src/servers/system.ts';
import { makeWorkload, workloadProgram } from '../src/servers/workload.ts';
import { MODES, type Mode } from '../src/ssr/layout.ts';
import { measureOpsPerSecond, type Bench, type Row } from './run.ts';

const SERVERS = ['prng', 'fs', 'net', 'timer', 'sched'];
const CLIENTS = 3;
const OPS_PER_CLIENT = 40;
const SEED = 7;

interface Run {
  cycles: number;
  calls: number;
  done: boolean;
}

function runWorkload(target: string, mode: Mode, tlb_tagged: boolean, seed = SEED): Run {
  const profile = profileFor(target);
  const modules = modulesOf(profile);
  const workload = makeWorkload({ seed, clients: CLIENTS, ops_per_client: OPS_PER_CLIENT, modules: profile.modules });
  const records: Observation[][] = workload.map(() => []);
  const system = new System({ mode, commit: 'shadow', servers: profile.servers, clients: workload.map((ops, c) => workloadProgram(modules, ops, records[c])), machine: { tlb_tagged } });
  system.run({ until: () => system.clientsDone(), until_cycles: 50_000_000 });
  return { cycles: system.now, calls: CLIENTS * OPS_PER_CLIENT, done: system.clientsDone() };
}

/** Simulated cycles per client call, per server × mode × TLB; printed, not returned as rows. */
function cyclesTable(): string {
  const lines = [`${'simulated cycles per call'.padEnd(28)} ${MODES.map((m) => m.padStart(9)).join(' ')}   ${'curios/restart'.padStart(14)}`];
  for (const tagged of [true, false]) {
    for (const target of SERVERS) {
      const per = MODES.map((mode) => {
        const r = runWorkload(target, mode, tagged);
        if (!r.done) throw new Error(`bench: ${target} under ${mode} did not finish`);
        return r.cycles / r.calls;
      });
      const restart = per[MODES.indexOf('restart')];
      const curios = per[MODES.indexOf('curios')];
      lines.push(`${`${target}, ${tagged ? 'tagged' : 'untagged'} TLB`.padEnd(28)} ${per.map((c) => c.toFixed(0).padStart(9)).join(' ')}   ${(curios / restart).toFixed(2).padStart(14)}`);
    }
  }
  return lines.join('\n');
}

async function fsThroughput(): Promise<Row> {
  const profile = profileFor('fs');
  const fs = modulesOf(profile).get('fs');
  if (fs === undefined) throw new Error('bench: no fs module');
  let seed = 0;
  const ops_per_s = await measureOpsPerSecond(() => {
    const r = runWorkload('fs', 'curios', true, seed++);
    return r.calls;
  });
  // The baseline: the same kind of workload applied to the reference model, no simulation.
  let mseed = 0;
  const baseline_ops_per_s = await measureOpsPerSecond(() => {
    const workload = makeWorkload({ seed: mseed++, clients: CLIENTS, ops_per_client: OPS_PER_CLIENT, modules: profile.modules });
    const model = fs.model(CLIENTS);
    let n = 0;
    for (let c = 0; c < CLIENTS; c++) for (const op of workload[c]) (model.apply(c, op), n++);
    return n;
  });
  return { name: 'fs calls under curios vs its model', ops_per_s, baseline_ops_per_s };
}

export const serversBench: Bench = {
  name: 'servers',
  async run() {
    console.log(`\n${cyclesTable()}\n`);
    return [await fsThroughput()];
  },
};
