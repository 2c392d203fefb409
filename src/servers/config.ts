// The registration API: what a config file (curios.config.ts) exports, and the helpers that build
// it. A config lists server modules — a `defineServer` definition plus what a campaign needs: its
// workload and an optional reference model — and drivers that no client calls
// directly (the disk, reached through the file system). curios's own servers are registered
// through this same API (src/servers/catalog.ts), so nothing about them is special.
import type { RandomGenerator } from '../hw/seed.ts';
import type { Sys } from '../kernel/sys.ts';
import type { ClientCallResult, ClientEnv } from './framework/client-task.ts';
import type { ServerDef } from './framework/define.ts';
import { observe, textDecoder, textEncoder, type ClientOp, type EncodedCall, type Observation, type ReferenceModel, type ServerModule } from './framework/module.ts';
import type { ServerInspector } from './framework/inspector.ts';

/** A server no client calls itself: its faults are reached through another server's workload. */
export interface DriverEntry {
  def: ServerDef;
  /** the server whose workload exercises this one (it lists this one in its deps) */
  reachedThrough: string;
}

export type ServerEntry = ServerModule | DriverEntry;

export interface CuriosConfig {
  /** the servers this config adds, each a module (defineModule) or a driver */
  servers: ServerEntry[];
}

/** Types a config file's default export: `export default defineConfig({ servers: [kv] })`. */
export function defineConfig(config: CuriosConfig): CuriosConfig {
  return config;
}

export function isDriver(e: ServerEntry): e is DriverEntry {
  return (e as Partial<DriverEntry>).reachedThrough !== undefined;
}

/** One operation, as the simpler workload generator draws it (the server is filled in). */
export interface OpDraw {
  op: string;
  args?: number[];
  text?: string;
}

export interface ModuleSpec<Local = null> {
  server: ServerDef;
  /** the operation names; op `ops[i]` reaches the server's `handle` as `req.op === i + 1` */
  ops: readonly string[];
  /**
   * The workload: `length` operations client `client` makes on this server, drawn from `rng`
   * alone, so that a run stays a function of its seed. `isolated`: the client must touch nothing
   * another client touches (its own keys, files, ports), so that what it observes depends on its
   * own operations alone.
   */
  script?: (rng: RandomGenerator, length: number, client: number, isolated: boolean) => ClientOp[];
  /** the simpler workload: one operation at a time (instead of `script`) */
  next?: (rng: RandomGenerator, client: number, isolated: boolean) => OpDraw;
  /** what a fault-free client should observe */
  model?: (clients: number) => ReferenceModel;
  /** the client's own table of what the server gave it (default: none) */
  newLocal?: () => Local;
  /** default: op code from `ops`, `args` as words, `text` as the buffer */
  encode?: (op: ClientOp, local: Local) => EncodedCall;
  /** default: the status, the reply's words, its buffer as text when there is one */
  decode?: (op: ClientOp, reply: ClientCallResult, local: Local) => Observation;
  perform?: (env: ClientEnv, op: ClientOp, local: Local) => Sys<Observation> | null;
  /** how the end-state oracle reads the server's end state (default: each client state's bytes) */
  inspector?: ServerInspector;
}

/** A server module from a spec, with the default client library where the spec gives none. */
export function defineModule<Local = null>(spec: ModuleSpec<Local>): ServerModule<Local> {
  const name = spec.server.name;
  const ops = [...spec.ops];
  const { next, script: given } = spec;
  const script = given ?? (next === undefined ? undefined : (rng: RandomGenerator, length: number, client: number, isolated: boolean) => Array.from({ length }, (): ClientOp => drawOp(name, next(rng, client, isolated))));
  if (script === undefined || (given !== undefined && next !== undefined)) throw new TypeError(`server ${name}: a module takes a workload, either script or next (not both)`);
  return {
    def: spec.server,
    ops,
    newLocal: spec.newLocal ?? (() => null as Local),
    script,
    encode: spec.encode ?? ((op) => encodeByName(ops, op)),
    decode: spec.decode ?? ((_op, reply) => observe(reply.status, reply.words.slice(), reply.data.length > 0 ? textDecoder.decode(reply.data) : undefined)),
    ...(spec.perform === undefined ? {} : { perform: spec.perform }),
    ...(spec.model === undefined ? {} : { model: spec.model }),
    ...(spec.inspector === undefined ? {} : { inspector: spec.inspector }),
  };
}

function drawOp(server: string, d: OpDraw): ClientOp {
  return d.text === undefined ? { server, op: d.op, args: d.args ?? [] } : { server, op: d.op, args: d.args ?? [], text: d.text };
}

function encodeByName(ops: readonly string[], op: ClientOp): EncodedCall {
  const words = op.args.map((a) => a >>> 0);
  return op.text === undefined ? { op: ops.indexOf(op.op) + 1, words } : { op: ops.indexOf(op.op) + 1, words, data: textEncoder.encode(op.text) };
}
