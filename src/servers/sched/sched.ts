// sched: the scheduling policy server (MINIX 3's user-level scheduler). The kernel schedules by
// priority round-robin with what it was last told; this server decides what to tell it, and
// applies it with `setSched` on each client's task capability.
//
// Policy (every process is a client; clients live in the band 1..3, below the servers at 4 and
// the supervisor at 6, so no client setting can starve the system's servers):
// - Each process has a base priority (its `nice`, default 2, the priority clients boot with), a
//   current priority, and a quantum (default the kernel's).
// - A quantum expiry (a kernel report) is counted, for the process and globally, and lowers the
//   process's current priority by one, not below 1: a CPU-bound process sinks below interactive
//   ones.
// - Every BALANCE_EXPIRIES expiries (global count), every process goes back to its base priority
//   ("balance", which MINIX 3 runs periodically), so a sunk process cannot starve for good.
// - `nice(p)` sets base and current priority to p (1..3, else EINVAL); `setQuantum(q)` sets the
//   quantum (QUANTUM_MIN..MAX cycles, else EINVAL); `info()` answers [base, quantum] — never the
//   current priority or the counters, which depend on timing.
//
// A process is managed from its first request or report on; the run queue (heap) lists the
// managed processes in run order. It is rebuilt by `recover` from every process's record, and
// the kernel is told each process's priority again, since a failed request may have applied a
// setting its record never kept. After one process's record failed its check and was reset,
// `onClientReset` takes it out of the run queue and tells the kernel the defaults (an unmanaged
// process), which is what its reset record says. While the server is down the kernel queues one report per task
// and goes on with the priorities it has.
import type { VirtAddr } from '../../hw/types.ts';
import { CLIENTS_MAX } from '../../ssr/layout.ts';
import * as sys from '../../kernel/sys.ts';
import { defineServer, type ServerEnv, type ServerReply } from '../framework/define.ts';
import {
  BALANCE_EXPIRIES,
  PRIORITY_MAX,
  PRIORITY_DEFAULT,
  PRIORITY_MIN,
  QUANTUM_DEFAULT_CYCLES,
  QUANTUM_MAX_CYCLES,
  QUANTUM_MIN_CYCLES,
  SCHED_OPS,
  SCHED_SITES,
  SCHED_STATE_BYTES,
  byRunOrder,
  effectivePriority,
  isManaged,
  readGlobalExpiries,
  queueWithout,
  readQueue,
  readRecord,
  validRecord,
  writeGlobalExpiries,
  writeQueue,
  writeRecord,
  type ProcRecord,
  type QueueEntry,
} from './layout.ts';

export const schedServer = defineServer({
  name: 'sched',
  kind: 'needs-all',
  state_bytes: SCHED_STATE_BYTES,
  heap_pages: 1,
  sites: Object.values(SCHED_SITES),
  *init(env) {
    writeGlobalExpiries(env.mem, env.heap, 0);
    writeQueue(env.mem, env.heap, []);
  },
  *recover(env) {
    const managed = env.clients().filter((c) => isManaged(env.mem, env.stateOf(c)));
    const records = managed.map((c) => readRecord(env.mem, env.stateOf(c), 0));
    const global = records.reduce((m, r) => Math.max(m, r.stamp), 0);
    const queue = managed.map((client, i) => entryOf(client, records[i], global)).sort(byRunOrder);
    writeGlobalExpiries(env.mem, env.heap, global);
    writeQueue(env.mem, env.heap, queue);
    for (const e of queue) yield* apply(env, e);
  },
  *onClientReset(env, client) {
    writeQueue(env.mem, env.heap, queueWithout(readQueue(env.mem, env.heap, CLIENTS_MAX), client));
    yield* apply(env, { client, priority: PRIORITY_DEFAULT, base: PRIORITY_DEFAULT, quantum_cycles: QUANTUM_DEFAULT_CYCLES });
  },
  *handle(env, req): sys.Sys<ServerReply> {
    if (req.state === 0) return { status: 'EINVAL' };
    if (req.from_kernel) {
      yield* quantumExpired(env, req.client, req.state);
      return { status: 'OK' };
    }
    const global = readGlobalExpiries(env.mem, env.heap);
    const r = readRecord(env.mem, req.state, global);
    switch (req.op) {
      case SCHED_OPS.nice: {
        const priority = req.words[0] ?? 0;
        if (priority < PRIORITY_MIN || priority > PRIORITY_MAX) return { status: 'EINVAL' };
        yield* update(env, req.client, req.state, { ...r, base: priority, current: priority, stamp: global });
        return { status: 'OK' };
      }
      case SCHED_OPS.setQuantum: {
        const quantum_cycles = req.words[0] ?? 0;
        if (quantum_cycles < QUANTUM_MIN_CYCLES || quantum_cycles > QUANTUM_MAX_CYCLES) return { status: 'EINVAL' };
        yield* update(env, req.client, req.state, { ...r, current: effectivePriority(r, global), quantum_cycles, stamp: global });
        return { status: 'OK' };
      }
      case SCHED_OPS.info:
        return { status: 'OK', words: [r.base, r.quantum_cycles] };
      default:
        return { status: 'ENOSYS' };
    }
  },
  validate: validRecord,
});

/** A quantum expiry: count it, sink the process one level, and balance every N expiries. */
function* quantumExpired(env: ServerEnv, client: number, state: VirtAddr): sys.Sys<void> {
  const global = readGlobalExpiries(env.mem, env.heap) + 1;
  const r = readRecord(env.mem, state, global - 1);
  const current = Math.max(PRIORITY_MIN, effectivePriority(r, global - 1) - 1);
  writeGlobalExpiries(env.mem, env.heap, global);
  if (global % BALANCE_EXPIRIES !== 0) {
    yield* update(env, client, state, { ...r, current, expiries: r.expiries + 1, stamp: global });
    return;
  }
  // Balance: the reporting process's record says so itself; the others' records are read as
  // balanced from their stamps (they are not mapped now), and the queue and kernel are told.
  const written = { ...r, current: r.base, expiries: r.expiries + 1, stamp: global };
  writeRecord(env.mem, state, written);
  const queue = queueWithout(readQueue(env.mem, env.heap, CLIENTS_MAX), client);
  queue.push(entryOf(client, written, global));
  const balanced = queue.map((e) => ({ ...e, priority: e.base })).sort(byRunOrder);
  writeQueue(env.mem, env.heap, balanced);
  for (const e of balanced) yield* apply(env, e);
}

/** Writes a process's record, moves it to its place in the run queue, and tells the kernel. */
function* update(env: ServerEnv, client: number, state: VirtAddr, r: ProcRecord): sys.Sys<void> {
  writeRecord(env.mem, state, r);
  // BUGGIFY: the record is written, the run queue still has the process at its old place.
  env.site(SCHED_SITES.recordThenRequeue);
  const entry = entryOf(client, r, r.stamp);
  const queue = queueWithout(readQueue(env.mem, env.heap, CLIENTS_MAX), client);
  queue.push(entry);
  writeQueue(env.mem, env.heap, queue.sort(byRunOrder));
  yield* apply(env, entry);
}

function entryOf(client: number, r: ProcRecord, global_expiries: number): QueueEntry {
  return { client, priority: effectivePriority(r, global_expiries), base: r.base, quantum_cycles: r.quantum_cycles };
}

function* apply(env: ServerEnv, e: QueueEntry): sys.Sys<void> {
  const slot = env.taskCap(e.client);
  if (slot === null) return;
  const res = yield* sys.setSched(slot, e.priority, e.quantum_cycles);
  if (res.err !== 'OK') throw new Error(`sched: setSched of client ${e.client} to ${e.priority}/${e.quantum_cycles}: ${res.err}`);
}
