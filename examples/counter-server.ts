// A complete server of your own: a per-client counter, run under all four recovery modes with a
// crash in the middle. Run it with:  npx tsx examples/counter-server.ts
import { defineServer } from '../src/servers/framework/define.ts';
import { observe, type ClientOp, type ServerModule } from '../src/servers/framework/module.ts';
import { FaultInjector } from '../src/faults/injector.ts';
import { System } from '../src/servers/system.ts';
import { workloadProgram } from '../src/servers/workload.ts';
import type { Observation } from '../src/servers/framework/module.ts';
import { MODES } from '../src/ssr/modes.ts';
import { streamFor } from '../src/hw/seed.ts';

// Client state layout (4 bytes, in an SSR under curios): +0 the counter.
const counterServer = defineServer({
  name: 'counter',
  kind: 'per-client',
  state_bytes: 4,
  heap_pages: 1,
  *init() {},
  *handle(env, req) {
    // op 1: add words[0] and return the new value. All state goes through env.mem.
    if (req.op !== 1) return { status: 'ENOSYS' };
    const value = (env.mem.load32(req.state) + req.words[0]) >>> 0;
    env.mem.store32(req.state, value);
    return { status: 'OK', words: [value] };
  },
  // At recovery, a state the failed request was holding must still look like a counter.
  validate: (state) => state.getUint32(0, true) < 1_000_000,
});

const counterModule: ServerModule<null> = {
  def: counterServer,
  newLocal: () => null,
  script: (_rng, length) => Array.from({ length }, (): ClientOp => ({ server: 'counter', op: 'add', args: [1] })),
  encode: (op) => ({ op: 1, words: op.args }),
  decode: (_op, reply) => observe(reply.status, reply.status === 'OK' ? [reply.words[0]] : []),
  model: (clients) => {
    const counts = new Array<number>(clients).fill(0);
    return { apply: (c, op) => observe('OK', [(counts[c] += op.args[0])]) };
  },
};

const modules = new Map([['counter', counterModule as ServerModule]]);
const ops = counterModule.script(streamFor(1, 'example'), 6, 0, true);
for (const mode of MODES) {
  const records: Observation[][] = [[], []];
  const system = new System({ mode, servers: [counterServer], clients: records.map((r) => workloadProgram(modules, ops, r)) });
  new FaultInjector({ version: 1, faults: [{ server: 'counter', kind: 'crash', trigger: { at: 'request', n: 7 } }] }, 1).attach(system);
  system.runClients(10_000_000);
  const seen = records.map((r) => r.map((o) => (o.status === 'OK' ? o.value[0] : o.status)).join(' '));
  console.log(`${mode.padEnd(8)} client 0: ${seen[0].padEnd(36)} client 1: ${seen[1]}`);
}
