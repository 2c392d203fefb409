// The public server API: `defineServer`. A server is a name, a kind, the layout of its per-client
// state, and five routines; the framework runs it in a task of its own under the microkernel, in
// whichever recovery mode the system is in, without the server knowing which.
//
// - `init(env)`: a fresh start: set up global state in the heap (every boot and every restart).
// - `recover(env)`: after a restart in `persist`/`curios` mode, with every client's state
//   readable at `env.stateOf(client)` for `env.clients()`: rebuild what needs all clients.
// - `handle(env, req)`: serve one request. `req.state` is this client's state (in simulated memory;
//   read and write it through `env.mem`). Return the reply.
// - `interrupt(env, bits)`: a notification from a device the server is bound to.
// - `validate(state)`: optional, a pure check of one client's state, used at recovery on the state
//   the failed request was holding (the paper's heuristic consistency check).
//
// Every byte a server keeps is in simulated memory, reached through `env.mem`: never in JS objects,
// which would survive a restart that real memory would not.
import type { VirtAddr } from '../../hw/types.ts';
import type { Mem } from '../../kernel/memory-view.ts';
import type { ThreadCtx } from '../../kernel/kernel.ts';
import type { CapSlot } from '../../kernel/objects.ts';
import type { Sys } from '../../kernel/sys.ts';
import type { Mode } from '../../ssr/modes.ts';
import type { CallStatus, ServerStatus } from './status.ts';

export type ServerKind = 'stateless' | 'per-client' | 'needs-all';

export interface ServerRequest {
  /** the calling client, 0-based (from the badge of its capability) */
  client: number;
  /** the operation code */
  op: number;
  words: number[];
  /** the request's buffer, copied from the receive buffer */
  data: Uint8Array;
  /** this client's state, or 0 for a server without client state */
  state: VirtAddr;
  /** true when the request is a kernel report (the scheduler's quantum expiry), not a client's call */
  from_kernel: boolean;
}

export interface ServerReply {
  status: ServerStatus;
  words?: number[];
  data?: Uint8Array;
}

/** A call from one server to another it depends on (the file system to the disk driver). */
export interface DepCallResult {
  status: CallStatus;
  words: number[];
  data: Uint8Array;
}

export interface ServerEnv {
  readonly ctx: ThreadCtx;
  readonly mem: Mem;
  readonly mode: Mode;
  readonly page_bytes: number;
  /** the heap: global state lives here */
  readonly heap: VirtAddr;
  readonly heap_bytes: number;
  /** client i's state, as this server sees it */
  stateOf(client: number): VirtAddr;
  /** the clients bound to this server, in order */
  clients(): number[];
  /** the capability of a device this server drives */
  device(name: 'timer' | 'disk' | 'console' | 'nic'): CapSlot;
  /** calls a server this one depends on; `data` goes in the request's buffer */
  callDep(server: string, op: number, words: number[], data?: Uint8Array): Sys<DepCallResult>;
  /** the capability of another server's task with the sched right (the scheduler server) */
  taskCap(client: number): CapSlot | null;
  /** a named injection site, one of the server's `sites`: true when the fault injector fires it here (BUGGIFY) */
  site(name: string): boolean;
}

export interface ServerDef {
  name: string;
  kind: ServerKind;
  /** bytes of per-client state (0: none); at most a page less the SSR header */
  state_bytes: number;
  /** pages of heap for global state */
  heap_pages: number;
  /** devices whose capability the server gets; the first one's interrupts reach `interrupt` */
  devices?: ('timer' | 'disk' | 'console' | 'nic')[];
  /** servers this one calls */
  deps?: string[];
  /**
   * Its injection sites (BUGGIFY): the names its code passes to `env.site` at the points where a
   * fault is most dangerous. Campaigns draw faults at them; a plan naming another is refused.
   */
  sites?: readonly string[];
  init(env: ServerEnv): Sys<void>;
  recover?(env: ServerEnv): Sys<void>;
  handle(env: ServerEnv, req: ServerRequest): Sys<ServerReply>;
  interrupt?(env: ServerEnv, bits: number): Sys<void>;
  validate?(state: DataView): boolean;
}

export function defineServer(def: ServerDef): ServerDef {
  if (!/^[a-z][a-z0-9-]*$/.test(def.name)) throw new Error(`server name "${def.name}" must be lower-case letters, digits and dashes`);
  if (!Number.isInteger(def.state_bytes) || def.state_bytes < 0) throw new RangeError(`server ${def.name}: state_bytes must be a non-negative integer`);
  if (!Number.isInteger(def.heap_pages) || def.heap_pages < 1 || def.heap_pages > 64) throw new RangeError(`server ${def.name}: heap_pages must be 1..64`);
  if ((def.kind === 'stateless') !== (def.state_bytes === 0)) throw new Error(`server ${def.name}: a stateless server has no client state, and only it`);
  for (const site of def.sites ?? []) if (!/^[a-z][a-z0-9-]*$/.test(site)) throw new Error(`server ${def.name}: site "${site}" must be lower-case letters, digits and dashes`);
  return def;
}
