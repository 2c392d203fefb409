// A whole system, booted from one configuration: the machine, the kernel, the SSR manager, the
// supervisor, the servers in dependency order, and the clients with their programs. Boot is the
// root task's job, so it uses the kernel's trusted interface: it creates every task, endpoint
// and capability, and wires faults to the supervisor and interrupts to the drivers.
import { Machine, type MachineConfig } from '../hw/machine.ts';
import type { Cycles } from '../hw/types.ts';
import { checkRange, inspectSpace } from '../kernel/copy.ts';
import { notifyEndpoint } from '../kernel/ipc.ts';
import { Kernel, type RunOptions, type RunStop } from '../kernel/kernel.ts';
import { result } from '../kernel/result.ts';
import { badge, type CapSlot, type Endpoint, type SysResult, type Task } from '../kernel/objects.ts';
import { SsrManager } from '../ssr/manager.ts';
import { SERVER_LIMITS } from '../hw/limits.ts';
import { HEARTBEAT_BIT, dependencyBadgeOf, faultBadgeOf, serverBit } from '../ssr/badges.ts';
import { CLIENTS_MAX, badgeOfClient } from '../ssr/layout.ts';
import { type CommitPolicy, type Mode } from '../ssr/modes.ts';
import { startClient, type ClientProgram } from './framework/client-task.ts';
import type { ServerDef } from './framework/define.ts';
import { NO_FAULTS, type FaultPort } from './framework/fault-port.ts';
import { HookChain, RequestLog } from './framework/hooks.ts';
import { serverImage } from './framework/server-task.ts';
import { statusCode } from './framework/status.ts';
import { DEFAULT_SUPERVISOR, SUPERVISOR_PRIORITY, SUPERVISOR_SLOTS, SupervisorState, supervisorMain, type SupervisorConfig } from './supervisor/supervisor.ts';

export interface SystemConfig {
  mode: Mode;
  commit?: CommitPolicy;
  /** servers in start order: a server's dependencies come before it */
  servers: ServerDef[];
  clients: ClientProgram[];
  supervisor?: Partial<SupervisorConfig>;
  machine?: MachineConfig;
}


/** What a stateful server's client whose SSR was reset is answered, by the kernel alone. */
const staleReply = (): SysResult => result({ kind: 'reply', label: statusCode('ESTALE') });

/** How long the servers get to run their pending reset hooks at the end of a run (far more than a hook takes). */
const RESET_HOOKS_CYCLES_MAX = 1_000_000;

export class System {
  readonly machine: Machine;
  readonly kernel: Kernel;
  readonly ssr: SsrManager;
  readonly supervisor: SupervisorState;
  readonly requests: RequestLog;
  readonly serverTasks = new Map<string, Task>();
  readonly serverEndpoints = new Map<string, Endpoint>();
  readonly clientTasks: Task[] = [];
  readonly mode: Mode;
  readonly commit: CommitPolicy;
  /** the fault injector, once attached (src/faults) */
  faults: FaultPort = NO_FAULTS;
  /** whether a server's code has read `env.mode` (the golden cache does not share such a run between modes) */
  mode_read = false;

  constructor(readonly config: SystemConfig) {
    this.mode = config.mode;
    this.commit = config.commit ?? 'shadow';
    if (config.clients.length > CLIENTS_MAX) throw new RangeError(`at most ${CLIENTS_MAX} clients, got ${config.clients.length}`);
    if (config.servers.length > SERVER_LIMITS.servers_max) throw new RangeError(`at most ${SERVER_LIMITS.servers_max} servers in a system, got ${config.servers.length}`);
    checkOrder(config.servers);
    this.machine = new Machine(config.machine);
    const k = (this.kernel = new Kernel(this.machine));
    this.ssr = new SsrManager(k, this.mode, this.commit);
    this.supervisor = new SupervisorState(config.servers.map((d) => d.name));
    const clientIds = config.clients.map((_, i) => i);

    // Endpoints first, so that every capability can be minted before any task starts.
    const supEp = k.createEndpoint('supervisor');
    for (const def of config.servers) this.serverEndpoints.set(def.name, k.createEndpoint(def.name));
    const clientTasks = config.clients.map((_, i) => k.createTask(`client${i}`));
    this.clientTasks.push(...clientTasks);

    const faults = this.faultPort.bind(this);
    const modeRead = this.noteModeRead.bind(this);
    config.servers.forEach((def, index) => {
      const ep = this.endpoint(def.name);
      const task = k.createTask(def.name);
      const endpoint = k.giveCap(task, k.endpointCap(ep, 0, { recv: true }));
      const pong = k.giveCap(task, k.endpointCap(supEp, serverBit(index), { send: true }));
      const devices = new Map<string, CapSlot>();
      for (const dev of def.devices ?? []) devices.set(dev, k.giveCap(task, k.deviceCap(dev)));
      if (def.devices !== undefined && def.devices.length > 0) k.bindIrq(def.devices[0], ep, serverBit(index));
      const deps = new Map<string, CapSlot>();
      for (const dep of def.deps ?? []) deps.set(dep, k.giveCap(task, k.endpointCap(this.endpoint(dep), dependencyBadgeOf(index), { send: true })));
      const tasks = new Map<number, CapSlot>();
      if (def.name === 'sched') {
        for (const c of clientIds) tasks.set(c, k.giveCap(task, { kind: 'task', task: clientTasks[c], rights: { map: false, control: false, sched: true } }));
        k.scheduler_endpoint = ep;
        clientTasks.forEach((ct, c) => (ct.sched_badge = badge(badgeOfClient(c))));
      }
      // Bound, not arrows: under tsx (esbuild's keepNames) every arrow made as a named property is
      // wrapped in a defineProperty of its name, which costs more than the call it saves.
      task.image = serverImage(k, { def, mode: this.mode, endpoint, pong, devices, deps, tasks, clients: def.state_bytes > 0 ? clientIds : [], modeRead, faults, recovered: this.ssr.recoveryDone.bind(this.ssr, task), resets: this.ssr.takeResets.bind(this.ssr, task) });
      k.setFaultHandler(task, supEp, faultBadgeOf(index));
      this.serverTasks.set(def.name, task);
      if (def.state_bytes > 0) {
        this.ssr.registerServer({ task, state_bytes: def.state_bytes, validate: def.validate, stale_reply: staleReply });
      }
    });
    // Each client connects to every server: its capability's badge names it; its SSRs are made.
    clientTasks.forEach((task, c) => {
      const servers = new Map<string, CapSlot>();
      for (const def of config.servers) {
        servers.set(def.name, k.giveCap(task, k.endpointCap(this.endpoint(def.name), badgeOfClient(c), { send: true })));
        if (def.state_bytes > 0) this.ssr.bind(c, this.serverTask(def.name));
      }
      const sleep = k.giveCap(task, k.endpointCap(k.createEndpoint(`sleep${c}`), 0, { recv: true }));
      startClient(k, task, { id: c, servers, sleep }, config.clients[c]);
    });

    const supTask = k.createTask('supervisor');
    k.giveCap(supTask, k.endpointCap(supEp, 0, { recv: true }), SUPERVISOR_SLOTS.endpoint);
    config.servers.forEach((def, i) => {
      const task = this.serverTask(def.name);
      k.giveCap(supTask, { kind: 'task', task, rights: { map: false, control: true, sched: false } }, SUPERVISOR_SLOTS.control(i));
      k.giveCap(supTask, k.endpointCap(this.endpoint(def.name), HEARTBEAT_BIT, { send: true }), SUPERVISOR_SLOTS.ping(i));
    });
    const supervisorConfig: SupervisorConfig = { ...DEFAULT_SUPERVISOR, ...config.supervisor };
    k.spawnThread(supTask, 'main', (ctx) => supervisorMain(ctx, { mode: this.mode, commit: this.commit, config: supervisorConfig, state: this.supervisor, stateless: config.servers.map((d) => d.kind === 'stateless') }), { priority: SUPERVISOR_PRIORITY });

    const hooks = new HookChain();
    if (this.ssr.active) hooks.add(this.ssr);
    this.requests = new RequestLog(new Set(this.serverTasks.values()));
    hooks.add(this.requests);
    k.ipcHooks = hooks;
    this.hooks = hooks;

    // Servers boot last, in start order, so that a server's first request finds its dependencies up.
    for (const def of config.servers) {
      const task = this.serverTask(def.name);
      if (task.image !== null) task.image(task);
    }
  }

  readonly hooks: HookChain;

  /** a server's code read `env.mode` */
  private noteModeRead(): void {
    this.mode_read = true;
  }

  /** the fault injector attached now, as a server asks for it at each request */
  private faultPort(): FaultPort {
    return this.faults;
  }

  serverTask(name: string): Task {
    const t = this.serverTasks.get(name);
    if (t === undefined) throw new Error(`no server named ${name}`);
    return t;
  }

  endpoint(name: string): Endpoint {
    const ep = this.serverEndpoints.get(name);
    if (ep === undefined) throw new Error(`no server named ${name} (a dependency must start before the server that uses it)`);
    return ep;
  }

  get now(): Cycles {
    return this.kernel.now;
  }

  /** true when every client's thread has finished */
  clientsDone(): boolean {
    // (asked after every scheduling step: plain loops, no closures)
    for (const t of this.clientTasks) for (const th of t.threads) if (th.state !== 'dead') return false;
    return true;
  }

  run(opts: RunOptions = {}): RunStop {
    return this.kernel.run(opts);
  }

  /**
   * The step before a run's end state is read: a client's SSR reset at its last call (answered
   * ESTALE by the kernel alone) leaves its server's `onClientReset` hook to run at the server's next
   * message, and after the clients' last call none may come. Each server with such resets pending
   * is woken by a heartbeat ping, as the supervisor's next one would wake it (the server runs its
   * pending hooks before it handles any message), and run until it is back waiting for a message,
   * so that the end state is the one it would present to its next caller. Returns the servers it woke; a run without
   * pending resets is left exactly as it was.
   */
  runPendingResetHooks(until_cycles: Cycles = this.now + RESET_HOOKS_CYCLES_MAX): string[] {
    const waiting = this.config.servers.filter((def) => def.onClientReset !== undefined && this.ssr.hasResets(this.serverTask(def.name)));
    if (waiting.length === 0) return [];
    for (const def of waiting) notifyEndpoint(this.kernel, this.endpoint(def.name), HEARTBEAT_BIT);
    const idle = (def: ServerDef): boolean => {
      const task = this.serverTask(def.name);
      return !this.ssr.hasResets(task) && task.threads.every((t) => t.state === 'dead' || (t.state === 'recv-blocked' && t.blocked_on === this.endpoint(def.name)));
    };
    this.kernel.run({ until: () => waiting.every(idle), until_cycles });
    return waiting.map((def) => def.name);
  }

  /** Runs until every client finishes (or the bound is reached). */
  runClients(until_cycles: Cycles, steps_max?: number): RunStop {
    return this.kernel.run({ until: () => this.clientsDone(), until_cycles, ...(steps_max === undefined ? {} : { steps_max }) });
  }

  traceHash(): string {
    return this.kernel.traceHash();
  }

  /**
   * Ends the system: its machine's memory and disk and its trace ring go, reset, to the next system
   * this thread builds (src/hw/buffer-pool.ts). Its trace hash stays readable; nothing else may be used.
   */
  release(): void {
    this.machine.release();
    this.kernel.trace.release();
  }

  /**
   * Reads a server's memory as the server would see it at `vaddr` (inspection for tests and the
   * dashboard: the trusted base looking in, not the server; it costs no simulated time). A range
   * that is not wholly mapped reads as null.
   */
  readServerMemory(name: string, vaddr: number, len: number): Uint8Array | null {
    return inspectSpace(this.machine, this.serverTask(name).as, vaddr, len);
  }

  /** Whether readServerMemory would read the range (it is wholly mapped) rather than null, without copying it. */
  serverMemoryMapped(name: string, vaddr: number, len: number): boolean {
    return checkRange(this.machine, this.serverTask(name).as, vaddr, len, false) === 'OK';
  }
}

function checkOrder(servers: readonly ServerDef[]): void {
  const seen = new Set<string>();
  for (const def of servers) {
    if (seen.has(def.name)) throw new Error(`server ${def.name} is listed twice`);
    for (const dep of def.deps ?? []) if (!seen.has(dep)) throw new Error(`server ${def.name} depends on ${dep}, which must be listed before it`);
    seen.add(def.name);
  }
}
