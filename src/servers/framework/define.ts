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
// - `onClientReset(env, client)`: optional, after one client's state failed its check while the
//   server ran and was reset (zeroed; the client is told ESTALE): bring global state derived from
//   that client back in line (its ports, alarms, run-queue entry, its share of a count). The old
//   state is gone, so what the hook undoes must be findable from global state (keyed by client).
//   It runs in the server's thread before the next message it handles. Resets found at recovery
//   need no hook: `recover` reads every client's state after them.
//
// Every byte a server keeps is in simulated memory, reached through `env.mem`: never in JS objects,
// which would survive a restart that real memory would not.
import { findSourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';
import { SERVER_LIMITS } from '../../hw/limits.ts';
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
  /**
   * the request's buffer, copied from the receive buffer: an array of its own, or, for a server
   * that `borrows_request_data`, a view of one the framework refills for the next request
   */
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
  /**
   * calls a server this one depends on; `data` goes in the request's buffer. The reply's bytes
   * come in a fresh array, or, when `into` is given and they fit, in `into` (the result's `data`
   * is then `into` or a view of its start: valid until `into` is next written; no allocation).
   */
  callDep(server: string, op: number, words: number[], data?: Uint8Array, into?: Uint8Array): Sys<DepCallResult>;
  /** the capability of another server's task with the sched right (the scheduler server) */
  taskCap(client: number): CapSlot | null;
  /** a named injection site, one of the server's `sites`: true when the fault injector fires it here (BUGGIFY) */
  site(name: string): boolean;
}

export interface ServerDef {
  name: string;
  kind: ServerKind;
  /** bytes of per-client state (0: none); at most SERVER_LIMITS.state_bytes_max (a page less the SSR header) */
  state_bytes: number;
  /** pages of heap for global state (1..SERVER_LIMITS.heap_pages_max) */
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
  /**
   * true: `req.data` is lent, not given — a view of one buffer the framework refills for each
   * request (no allocation per request); read it, or copy what you keep, before `handle` returns.
   * Default false: each request's bytes in an array of their own.
   */
  borrows_request_data?: boolean;
  init(env: ServerEnv): Sys<void>;
  recover?(env: ServerEnv): Sys<void>;
  onClientReset?(env: ServerEnv, client: number): Sys<void>;
  handle(env: ServerEnv, req: ServerRequest): Sys<ServerReply>;
  interrupt?(env: ServerEnv, bits: number): Sys<void>;
  validate?(state: DataView): boolean;
}

/**
 * The trusted base: the kernel, the SSR manager and the supervisor. Faults never target it, and no
 * server may take one of its names.
 */
export const TRUSTED_BASE = ['kernel', 'ssr-manager', 'supervisor'] as const;

/** A server definition that breaks a rule of the API; its message is one line naming the rule. Test with isServerDefinitionError (a config's copy of this class is another class). */
export class ServerDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServerDefinitionError';
  }
}

export function isServerDefinitionError(e: unknown): e is Error {
  return e instanceof Error && e.name === 'ServerDefinitionError';
}

const KINDS: readonly ServerKind[] = ['stateless', 'per-client', 'needs-all'];
const DEVICES = ['timer', 'disk', 'console', 'nic'] as const;
const ROUTINES = ['init', 'handle', 'recover', 'onClientReset', 'interrupt'] as const;
/**
 * Where a definition's module is kept, on the definition itself: a config is loaded in a module
 * namespace of its own (src/campaign/config-file.ts), so its copy of this file is not this one.
 */
const ORIGIN = Symbol.for('curios.server-origin');

/** Checks a server definition against the API's rules and SERVER_LIMITS; remembers the module that defined it. */
export function defineServer(def: ServerDef): ServerDef {
  checkServerDef(def);
  const site = callerSite();
  if (site !== null && !Object.hasOwn(def, ORIGIN)) Object.defineProperty(def, ORIGIN, { value: site, enumerable: false });
  return def;
}

/** The file whose code called defineServer for `def`, or null (a definition made some other way). */
export function originOf(def: ServerDef): string | null {
  // A plain record, not a class instance: a definition may come from another realm (a contained config's context).
  const site = (def as unknown as Record<symbol, CallerSite | undefined>)[ORIGIN];
  if (site === undefined || typeof site.name !== 'string') return null;
  site.file ??= fileOf(site);
  return site.file;
}

export function checkServerDef(def: ServerDef): void {
  const bad = (rule: string): never => {
    throw new ServerDefinitionError(`server ${typeof def?.name === 'string' ? def.name : '(no name)'}: ${rule}`);
  };
  if (typeof def !== 'object' || def === null) throw new ServerDefinitionError('a server definition must be an object (made with defineServer)');
  if (typeof def.name !== 'string' || !/^[a-z][a-z0-9-]*$/.test(def.name)) bad(`the name must be lower-case letters, digits and dashes, got ${JSON.stringify(def.name)}`);
  if ((TRUSTED_BASE as readonly string[]).includes(def.name)) bad(`"${def.name}" is reserved for the trusted base (${TRUSTED_BASE.join(', ')})`);
  if (!KINDS.includes(def.kind)) bad(`kind must be one of ${KINDS.join(', ')}, got ${JSON.stringify(def.kind)}`);
  if (!Number.isInteger(def.state_bytes) || def.state_bytes < 0) bad(`state_bytes must be a whole number of bytes, got ${String(def.state_bytes)}`);
  if (def.state_bytes > SERVER_LIMITS.state_bytes_max) bad(`state_bytes ${def.state_bytes} is more than one SSR holds (${SERVER_LIMITS.state_bytes_max} bytes: a page less its ${SERVER_LIMITS.ssr_header_bytes}-byte header)`);
  if (!Number.isInteger(def.heap_pages) || def.heap_pages < 1 || def.heap_pages > SERVER_LIMITS.heap_pages_max) bad(`heap_pages must be 1..${SERVER_LIMITS.heap_pages_max}, got ${String(def.heap_pages)}`);
  if ((def.kind === 'stateless') !== (def.state_bytes === 0)) bad('a stateless server has no client state (state_bytes 0), and only it');
  for (const routine of ROUTINES) {
    const fn: unknown = def[routine];
    if (fn === undefined && routine !== 'init' && routine !== 'handle') continue;
    if (!isGeneratorFunction(fn)) bad(`${routine} must be a generator function (function* or *${routine}() { … }), since it yields system calls`);
  }
  if (def.validate !== undefined && typeof def.validate !== 'function') bad('validate must be a function (state: DataView) => boolean');
  if (def.borrows_request_data !== undefined && typeof def.borrows_request_data !== 'boolean') bad('borrows_request_data must be true or false');
  for (const dev of def.devices ?? []) if (!(DEVICES as readonly string[]).includes(dev)) bad(`unknown device "${dev}": expected one of ${DEVICES.join(', ')}`);
  const deps = def.deps ?? [];
  if (!Array.isArray(deps) || deps.some((d) => typeof d !== 'string')) bad('deps must be a list of server names');
  if (deps.length > SERVER_LIMITS.deps_max) bad(`at most ${SERVER_LIMITS.deps_max} deps, got ${deps.length}`);
  if (deps.includes(def.name)) bad('a server cannot depend on itself');
  for (const site of def.sites ?? []) if (typeof site !== 'string' || !/^[a-z][a-z0-9-]*$/.test(site)) bad(`site ${JSON.stringify(site)} must be lower-case letters, digits and dashes`);
}

function isGeneratorFunction(fn: unknown): boolean {
  return typeof fn === 'function' && Object.prototype.toString.call(fn) === '[object GeneratorFunction]';
}

/** Where defineServer was called: a stack frame's place, turned into a file only when asked (originOf). */
interface CallerSite {
  readonly name: string;
  readonly line: number;
  readonly column: number;
  file: string | null;
}

/** The place of the code that called defineServer (V8's structured stack, read once at definition). */
function callerSite(): CallerSite | null {
  const saved = Error.prepareStackTrace;
  try {
    Error.prepareStackTrace = (_, frames) => frames;
    const holder: { stack?: NodeJS.CallSite[] } = {};
    Error.captureStackTrace(holder, defineServer);
    const frame = holder.stack?.[0];
    const name = frame?.getFileName() ?? null;
    if (frame === undefined || name === null || name === undefined) return null;
    return { name, line: frame.getLineNumber() ?? 1, column: frame.getColumnNumber() ?? 1, file: null };
  } finally {
    Error.prepareStackTrace = saved;
  }
}

/**
 * The source file of a call site. Run from a bundle (bin/bundle.mjs), the frame is in the bundle:
 * its source map names the file. Reading the map costs tens of milliseconds, so it is read only
 * here, when a stamp is wanted (a crash seed of a user server), not at every definition.
 */
function fileOf(site: CallerSite): string {
  const original = findSourceMap(site.name)?.findEntry(site.line - 1, site.column - 1);
  const file = original !== undefined && 'originalSource' in original ? original.originalSource : site.name;
  return file.startsWith('file:') ? fileURLToPath(file) : file;
}
