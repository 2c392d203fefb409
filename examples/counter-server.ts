// A server of your own, run below the command line: a per-client counter under all four recovery
// modes with a crash in the middle, in a few lines. (To use it from every curios command instead,
// register it in a config file: see examples/kv and docs/writing-a-server.md.)
// Run it with:  npx tsx examples/counter-server.ts
import { defineModule, defineServer, MODES, observe, runWithFaults, streamFor, System, workloadProgram, type Observation } from '../src/index.ts';

// Client state layout (4 bytes, in an SSR under curios): +0 the counter.
const counterServer = defineServer({
  name: 'counter',
  kind: 'per-client',
  state_bytes: 4,
  heap_pages: 1,
  *init() {},
  *handle(env, req) {
    // op 1 (`add`): add words[0] and return the new value. All state goes through env.mem.
    if (req.op !== 1) return { status: 'ENOSYS' };
    const value = (env.mem.load32(req.state) + req.words[0]) >>> 0;
    env.mem.store32(req.state, value);
    return { status: 'OK', words: [value] };
  },
  // At recovery, a state the failed request was holding must still look like a counter.
  validate: (state) => state.getUint32(0, true) < 1_000_000,
});

const counterModule = defineModule({
  server: counterServer,
  ops: ['add'],
  next: () => ({ op: 'add', args: [1] }),
  model: (clients) => {
    const counts = new Array<number>(clients).fill(0);
    return { apply: (c, op) => observe('OK', [(counts[c] += op.args[0])]) };
  },
});

const modules = new Map([['counter', counterModule]]);
const ops = counterModule.script(streamFor(1, 'example'), 6, 0, true);
for (const mode of MODES) {
  const records: Observation[][] = [[], []];
  const system = new System({ mode, servers: [counterServer], clients: records.map((r) => workloadProgram(modules, ops, r)) });
  // runWithFaults ticks the injector as it runs: a `{ at: 'time' }` trigger fires too.
  runWithFaults(system, { version: 1, faults: [{ server: 'counter', kind: 'crash', trigger: { at: 'request', n: 7 } }] }, { seed: 1, until_cycles: 10_000_000 });
  const seen = records.map((r) => r.map((o) => (o.status === 'OK' ? o.value[0] : o.status)).join(' '));
  console.log(`${mode.padEnd(8)} client 0: ${seen[0].padEnd(36)} client 1: ${seen[1]}`);
}
