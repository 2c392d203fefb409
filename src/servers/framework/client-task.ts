// Client programs: a task with one thread that runs a program (a generator) against the servers
// through `env.call`. A client sees only what crosses the boundary — a status, words and bytes —
// and its program records what it saw for the oracle.
import type { Cycles } from '../../hw/types.ts';
import type { Kernel, ThreadCtx } from '../../kernel/kernel.ts';
import type { CapSlot, Task } from '../../kernel/objects.ts';
import * as sys from '../../kernel/sys.ts';
import { Outbox } from './message.ts';
import { statusOfCode, type CallStatus } from './status.ts';

export const CLIENT_SEND_BUF = 0x0080_0000;
export const CLIENT_RECV_BUF = 0x0080_1000;
export const CLIENT_PRIORITY = 2;

export interface ClientCallResult {
  status: CallStatus;
  words: number[];
  data: Uint8Array;
}

export interface ClientEnv {
  readonly ctx: ThreadCtx;
  readonly id: number;
  call(server: string, op: number, words: number[], data?: Uint8Array): sys.Sys<ClientCallResult>;
  /** waits `cycles` of virtual time */
  sleep(cycles: Cycles): sys.Sys<void>;
  now(): sys.Sys<Cycles>;
}

export type ClientProgram = (env: ClientEnv) => sys.Sys<void>;

export interface ClientWiring {
  id: number;
  servers: Map<string, CapSlot>;
  /** a private endpoint to sleep on */
  sleep: CapSlot;
}

export function startClient(kernel: Kernel, task: Task, w: ClientWiring, program: ClientProgram): void {
  const err = kernel.allocPages(task, CLIENT_SEND_BUF, 2, true);
  if (err !== 'OK') throw new Error(`boot of ${task.name}: buffers: ${err}`);
  kernel.spawnThread(task, 'main', (ctx) => program(clientEnv(ctx, w, kernel.machine.mmu.page_bytes)), { priority: CLIENT_PRIORITY });
}

const EMPTY = new Uint8Array(0);

/** Frozen, and only closures over the wiring: client code reaches no kernel object through it. */
function clientEnv(ctx: ThreadCtx, w: ClientWiring, page: number): ClientEnv {
  const recvOpts = { recv_buf: { vaddr: CLIENT_RECV_BUF, len: page } };
  const calls = new Outbox(CLIENT_SEND_BUF);
  return Object.freeze<ClientEnv>({
    ctx,
    id: w.id,
    *call(server, op, words, data) {
      const slot = w.servers.get(server);
      if (slot === undefined) throw new Error(`client ${w.id} has no capability for server ${server}`);
      const len = data === undefined ? 0 : data.length;
      if (data !== undefined && len > 0) ctx.mem.storeBytes(CLIENT_SEND_BUF, data);
      const r = yield* sys.call(slot, calls.of(op, words, len), recvOpts);
      if (r.err !== 'OK') return { status: r.err, words: [], data: EMPTY };
      return { status: statusOfCode(r.label), words: r.words, data: r.buf_len > 0 ? ctx.mem.loadBytes(CLIENT_RECV_BUF, r.buf_len) : EMPTY };
    },
    *sleep(cycles) {
      if (cycles > 0) yield* sys.recv(w.sleep, { timeout_cycles: cycles });
    },
    now: () => sys.now(),
  });
}
