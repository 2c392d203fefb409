// Server benchmarks: what a client call costs in each recovery mode.
// - simulated cycles per call (a property of the model, not of the host): the fault-free
//   workload of each server run under each mode, with a tagged TLB and with an untagged one
//   (flushed on every address-space switch), printed as a table with each mode's ratio to
//   `restart` mode (MINIX 3, no SSRs) — the paper's "a protected call costs about twice a plain
//   one" is the curios/restart column;
// - host throughput: client calls per second of each server's simulated workload under `curios`,
//   against the same operations applied to the server's reference model in plain TypeScript.
import { modulesOf, profileFor } from '../src/servers/catalog.ts';
import type { Observation } from '../src/servers/framework/module.ts';
import { System } from '../src/servers/system.ts';
import { makeWorkload, workloadProgram } from '../src/servers/workload.ts';
import { MODES, type Mode } from '../src/ssr/modes.ts';
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

/** Client calls per second of one server's workload under `curios`, against its reference model doing the same operations. */
async function throughput(target: string): Promise<Row> {
  const profile = profileFor(target);
  const module = modulesOf(profile).get(target);
  if (module === undefined) throw new Error(`bench: no ${target} module`);
  let seed = 0;
  const ops_per_s = await measureOpsPerSecond(() => runWorkload(target, 'curios', true, seed++).calls);
  let model_seed = 0;
  const baseline_ops_per_s = await measureOpsPerSecond(() => {
    const workload = makeWorkload({ seed: model_seed++, clients: CLIENTS, ops_per_client: OPS_PER_CLIENT, modules: profile.modules });
    if (module.model === undefined) throw new Error(`${target} has no reference model to compare with`);
    const model = module.model(CLIENTS);
    let n = 0;
    for (let c = 0; c < CLIENTS; c++) for (const op of workload[c]) (model.apply(c, op), n++);
    return n;
  });
  return { name: `${target} calls (curios) vs its model`, ops_per_s, baseline_ops_per_s };
}

export const serversBench: Bench = {
  name: 'servers',
  async run() {
    console.log(`\n${cyclesTable()}\n`);
    const rows: Row[] = [];
    for (const target of SERVERS) rows.push(await throughput(target));
    return rows;
  },
};
