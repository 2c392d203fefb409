// The catalog: every server a run can use — curios's own, registered by the built-in config below,
// and the user's, from their config file — checked once, when it is built, and for each one the
// system a campaign builds around it: the server, what it depends on (started first), and the
// modules whose workload exercises it.
//
// One catalog is active per process: the command line sets it from the config file before it runs
// anything, and each campaign worker process sets it from the same file (src/campaign/config-file.ts).
// Until then it holds the built-in servers alone.
import { SERVER_LIMITS } from '../hw/limits.ts';
import { streamFor } from '../hw/seed.ts';
import { consoleModule } from './console/console.ts';
import { defineConfig, isDriver, type CuriosConfig, type ServerEntry } from './config.ts';
import { diskServer } from './disk/disk.ts';
import { checkServerDef, ServerDefinitionError, type ServerDef } from './framework/define.ts';
import type { ServerInspector } from './framework/inspector.ts';
import type { ServerModule } from './framework/module.ts';
import { fsModule } from './fs/index.ts';
import { netModule } from './net/index.ts';
import { prngModule } from './prng/prng.ts';
import { schedModule } from './sched/index.ts';
import { timerModule } from './timer/index.ts';

const mod = <L>(m: ServerModule<L>): ServerModule => m as unknown as ServerModule;

/** curios's own servers, registered as a user's are. Their order is the order of `--servers all`. */
export const BUILTIN_CONFIG: CuriosConfig = defineConfig({
  servers: [mod(consoleModule), mod(prngModule), mod(fsModule), { def: diskServer, reachedThrough: 'fs' }, mod(netModule), mod(timerModule), mod(schedModule)],
});

export interface ServerProfile {
  /** the server under test */
  target: string;
  /** every server the system runs, in start order */
  servers: ServerDef[];
  /** the modules whose operations the clients run */
  modules: ServerModule[];
}

interface Registered {
  entry: ServerEntry;
  /** the config file that registered it; null for a built-in */
  source: string | null;
}

/** The servers of the built-in config and of one user config, checked. */
export class Catalog {
  private readonly byName = new Map<string, Registered>();

  /** `source`: the user's config file (null: the built-in servers alone) */
  constructor(
    user: CuriosConfig | null = null,
    readonly source: string | null = null,
  ) {
    for (const entry of BUILTIN_CONFIG.servers) this.add(entry, null);
    if (user !== null) {
      if (typeof user !== 'object' || !Array.isArray(user.servers)) throw new ServerDefinitionError('a config exports { servers: [...] } (use defineConfig)');
      for (const entry of user.servers) this.add(entry, source);
    }
    for (const { entry } of this.byName.values()) this.checkLinks(entry);
    const servers = new Set(this.targets().flatMap((name) => this.profileFor(name).servers)).size;
    if (servers > SERVER_LIMITS.servers_max) throw new ServerDefinitionError(`${servers} servers in all: a system holds at most ${SERVER_LIMITS.servers_max} (SERVER_LIMITS.servers_max)`);
  }

  private add(entry: ServerEntry, source: string | null): void {
    if (typeof entry !== 'object' || entry === null || typeof entry.def !== 'object') throw new ServerDefinitionError('each entry of servers is a module (defineModule) or a driver { def, reachedThrough }');
    checkServerDef(entry.def);
    const name = entry.def.name;
    const known = this.byName.get(name);
    if (known !== undefined) throw new ServerDefinitionError(`server ${name}: the name is taken by ${known.source === null ? 'a built-in server' : `another server in ${known.source}`}`);
    if (!isDriver(entry)) checkWorkload(entry);
    this.byName.set(name, { entry, source });
  }

  private checkLinks(entry: ServerEntry): void {
    const name = entry.def.name;
    for (const dep of entry.def.deps ?? []) if (!this.byName.has(dep)) throw new ServerDefinitionError(`server ${name}: depends on "${dep}", which no config defines (servers: ${this.targets().join(', ')})`);
    if (isDriver(entry)) {
      const through = this.byName.get(entry.reachedThrough)?.entry;
      if (through === undefined || isDriver(through)) throw new ServerDefinitionError(`server ${name}: reachedThrough "${entry.reachedThrough}" must name a server module with a workload`);
      if (!(through.def.deps ?? []).includes(name)) throw new ServerDefinitionError(`server ${name}: ${entry.reachedThrough} does not list it in its deps, so its workload never reaches it`);
    }
    this.closure(name, []);
  }

  targets(): string[] {
    return [...this.byName.keys()];
  }

  /** Servers the user's config added (not built-in). */
  userTargets(): string[] {
    return [...this.byName].filter(([, r]) => r.source !== null).map(([name]) => name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  def(name: string): ServerDef {
    return this.registered(name).entry.def;
  }

  /** The config file that registered `name`, or null for a built-in server. */
  sourceOf(name: string): string | null {
    return this.registered(name).source;
  }

  module(name: string): ServerModule | null {
    const { entry } = this.registered(name);
    return isDriver(entry) ? null : entry;
  }

  profileFor(target: string): ServerProfile {
    const { entry } = this.registered(target);
    const workload = isDriver(entry) ? this.registered(entry.reachedThrough).entry : entry;
    if (isDriver(workload)) throw new Error(`invariant: ${target} is reached through a driver`);
    return { target, servers: this.closure(workload.def.name, []), modules: [workload] };
  }

  /**
   * The system the demo and the dashboard run: the servers a user's config added (with what they
   * depend on), so that the story is about them; without a config, every built-in server.
   */
  demoProfile(): ServerProfile {
    const servers: ServerDef[] = [];
    const modules: ServerModule[] = [];
    const user = this.userTargets();
    for (const name of user.length > 0 ? user : this.targets()) {
      const p = this.profileFor(name);
      for (const d of p.servers) if (!servers.includes(d)) servers.push(d);
      for (const m of p.modules) if (!modules.includes(m)) modules.push(m);
    }
    return { target: 'all', servers, modules };
  }

  /** `name` and everything it depends on, dependencies first. */
  private closure(name: string, path: string[]): ServerDef[] {
    if (path.includes(name)) throw new ServerDefinitionError(`server ${name}: a dependency cycle (${[...path, name].join(' → ')})`);
    const def = this.registered(name).entry.def;
    const out: ServerDef[] = [];
    for (const dep of def.deps ?? []) for (const d of this.closure(dep, [...path, name])) if (!out.includes(d)) out.push(d);
    out.push(def);
    return out;
  }

  private registered(name: string): Registered {
    const r = this.byName.get(name);
    if (r === undefined) throw new Error(`unknown server "${name}": expected one of ${this.targets().join(', ')}`);
    return r;
  }
}

/** Draws a module's workload a few times and checks every operation against what the module names. */
function checkWorkload(m: ServerModule): void {
  const name = m.def.name;
  const bad: (rule: string) => never = (rule) => {
    throw new ServerDefinitionError(`server ${name}: ${rule}`);
  };
  if (!Array.isArray(m.ops) || m.ops.length === 0 || m.ops.some((op) => typeof op !== 'string')) bad('a module names its operations in ops: a list of strings');
  if (m.ops.length > SERVER_LIMITS.ops_max) bad(`at most ${SERVER_LIMITS.ops_max} ops, got ${m.ops.length}`);
  for (const fn of ['script', 'encode', 'decode', 'newLocal'] as const) if (typeof m[fn] !== 'function') bad(`the module has no ${fn} function`);
  for (let seed = 0; seed < 4; seed++) {
    for (const isolated of [true, false]) {
      const client = seed % 3;
      let ops: unknown;
      try {
        ops = m.script(streamFor(seed, `config-check/${name}`), 32, client, isolated);
      } catch (e) {
        bad(`its workload throws: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (!Array.isArray(ops)) bad('its workload must return a list of operations');
      for (const op of ops as Partial<ClientOpLike>[]) {
        if (op?.server !== name) bad(`its workload emits an operation for server ${JSON.stringify(op?.server)}; a module's workload calls its own server`);
        if (typeof op.op !== 'string' || !m.ops.includes(op.op)) bad(`its workload emits op ${JSON.stringify(op.op)}, which the server does not know (ops: ${m.ops.join(', ')})`);
        const args: unknown = op.args;
        if (!Array.isArray(args) || args.some((a) => !Number.isSafeInteger(a))) bad(`its workload's op ${op.op} has args that are not a list of integers`);
        else if (args.length > SERVER_LIMITS.msg_words_max) bad(`its workload's op ${op.op} has ${args.length} args: a message carries at most ${SERVER_LIMITS.msg_words_max} words`);
        const text: unknown = op.text;
        if (text !== undefined && (typeof text !== 'string' || new TextEncoder().encode(text).length > SERVER_LIMITS.msg_buf_bytes_max)) bad(`its workload's op ${op.op} has a text that is not a string of at most ${SERVER_LIMITS.msg_buf_bytes_max} bytes (one message buffer)`);
      }
    }
  }
}

interface ClientOpLike {
  server: string;
  op: string;
  args: number[];
  text: string;
}

let active = new Catalog();

/** Makes `catalog` the one every run in this process uses (the command line and each worker process, once, before any run). */
export function useCatalog(catalog: Catalog): void {
  active = catalog;
}

export function activeCatalog(): Catalog {
  return active;
}

export function targets(): string[] {
  return active.targets();
}

export function profileFor(target: string): ServerProfile {
  return active.profileFor(target);
}

/** The system the demo runs: every server, every client-facing module. */
export function demoProfile(): ServerProfile {
  return active.demoProfile();
}

export function modulesOf(profile: ServerProfile): Map<string, ServerModule> {
  return new Map(profile.modules.map((m) => [m.def.name, m]));
}

/** The inspectors of a profile's servers that have one (the end-state oracle reads the others' client states as bytes). */
export function inspectorsOf(profile: ServerProfile): Map<string, ServerInspector> {
  return new Map(profile.modules.flatMap((m) => (m.inspector === undefined ? [] : [[m.def.name, m.inspector] as const])));
}
