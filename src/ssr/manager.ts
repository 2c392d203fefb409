// The SSR manager: keeper of every client's state for every server (CuriOS's Server State
// Regions). Part of the trusted base beside the kernel: it owns the SSR frames (in an address
// space of its own, with no threads) and attaches to the kernel only through its IPC hooks.
//
// - `bind(client, server)` creates a client's SSR when it connects; `unbind` deletes it;
//   `enumerate(server)` lists a server's SSRs, for recovery routines.
// What it does in a mode is read from the mode's row (src/ssr/modes.ts):
// - `ssr_mapped: 'own-request'` (curios): the calling client's SSR is mapped into the server, at
//   that client's fixed window, only while the server handles the client's request, and unmapped
//   at the reply. A stray store to another client's window is a page fault, not a corruption.
// - `ssr_mapped: 'always'` (persist, the ablation): every SSR is mapped into its server all the
//   time — "simply persisting is not enough".
// - `ssr_checked` (curios): each SSR has a header (magic, version, length, CRC-32 of the state)
//   sealed at the reply and verified before the next use and at recovery; a server may add
//   `validate`. Unchecked SSRs (persist) are never judged.
// - Commit, in every mode with SSRs: `in-place` lets the request write the SSR itself (after a
//   crash the recovery must judge it); `shadow` gives the request a copy, mapped at the caller's
//   window in place of the SSR, committed at the reply and dropped on failure.
import { crc32 } from 'node:zlib';
import type { VirtAddr } from '../hw/types.ts';
import type { Kernel, IpcHooks } from '../kernel/kernel.ts';
import type { Badge, SysResult, Task, Thread } from '../kernel/objects.ts';
import { CLIENTS_MAX, SSR_HEADER_BYTES, SSR_MAGIC, SSR_VERSION, clientOfBadge, stateWindow } from './layout.ts';
import { MODE_SPECS, type CommitPolicy, type Mode, type ModeSpec } from './modes.ts';

export interface SsrServerSpec {
  task: Task;
  /** bytes of client state after the header (at most a page less the header) */
  state_bytes: number;
  /** the server's own consistency check of one client's state (the paper's heuristic) */
  validate?: (state: DataView) => boolean;
  /** the reply a refused request gets when its SSR failed its check (the server's ESTALE) */
  stale_reply: () => SysResult;
}

export type SsrCondition = 'sealed' | 'mapped' | 'suspect' | 'reset';

export interface Ssr {
  readonly server: string;
  readonly client: number;
  /** where the SSR page lives in the manager's own address space */
  readonly home: VirtAddr;
  /** the shadow copy's page (shadow commit) */
  readonly shadow: VirtAddr;
  condition: SsrCondition;
  /** its client is to be told ESTALE at its next request (its state was reset) */
  stale: boolean;
  checksum_failures: number;
}

export interface SsrStats {
  maps: number;
  unmaps: number;
  commits: number;
  rollbacks: number;
  checksum_failures: number;
  resets: number;
  validated: number;
}

interface ServerEntry {
  spec: SsrServerSpec;
  index: number;
  ssrs: Map<number, Ssr>;
  /** the SSR mapped for the request in progress */
  current: Ssr | null;
  /** clients whose SSR was reset while the server ran (not at recovery), until the server takes them */
  resets: number[];
  /** after a restart where SSRs are mapped per request, every SSR is mapped for the recovery routine until it returns */
  recovering: boolean;
}

const NO_RESETS: readonly number[] = Object.freeze([]);

export class SsrManager implements IpcHooks {
  readonly task: Task;
  readonly stats: SsrStats = { maps: 0, unmaps: 0, commits: 0, rollbacks: 0, checksum_failures: 0, resets: 0, validated: 0 };
  private readonly servers = new Map<Task, ServerEntry>();
  private readonly page_bytes: number;
  private readonly spec: ModeSpec;

  constructor(
    private readonly kernel: Kernel,
    readonly mode: Mode,
    readonly commit: CommitPolicy,
  ) {
    this.task = kernel.createTask('ssr-manager');
    this.page_bytes = kernel.machine.mmu.page_bytes;
    this.spec = MODE_SPECS[mode];
  }

  /** true when the manager keeps client state (its mode's client state lives in SSRs); the system then installs its hooks */
  get active(): boolean {
    return this.spec.client_state === 'ssr';
  }

  registerServer(spec: SsrServerSpec): void {
    if (spec.state_bytes < 0 || spec.state_bytes > this.page_bytes - SSR_HEADER_BYTES) throw new RangeError(`server ${spec.task.name}: state of ${spec.state_bytes} bytes does not fit an SSR page`);
    this.servers.set(spec.task, { spec, index: this.servers.size, ssrs: new Map(), current: null, recovering: false, resets: [] });
  }

  isRegistered(server: Task): boolean {
    return this.servers.has(server);
  }

  /** Creates the client's SSR for this server (when the client connects). */
  bind(client: number, server: Task): Ssr {
    const entry = this.entry(server);
    if (!Number.isInteger(client) || client < 0 || client >= CLIENTS_MAX) throw new RangeError(`client ${client} outside 0..${CLIENTS_MAX - 1}`);
    const existing = entry.ssrs.get(client);
    if (existing !== undefined) return existing;
    const home = this.homeOf(entry.index, client, 0);
    const shadow = this.homeOf(entry.index, client, 1);
    const err = this.kernel.allocPages(this.task, home, 1, true);
    const err2 = this.kernel.allocPages(this.task, shadow, 1, true);
    if (err !== 'OK' || err2 !== 'OK') throw new Error(`SSR for client ${client} of ${server.name}: ${err}/${err2}`);
    const ssr: Ssr = { server: server.name, client, home, shadow, condition: 'sealed', stale: false, checksum_failures: 0 };
    entry.ssrs.set(client, ssr);
    this.seal(ssr, entry.spec);
    this.kernel.log('ssr-manager', 'ssr-bind', `${server.name} client=${client}`);
    if (this.spec.ssr_mapped === 'always') this.mapInto(entry, ssr, ssr.home);
    return ssr;
  }

  /** Deletes the client's SSR (when the client disconnects). */
  unbind(client: number, server: Task): void {
    const entry = this.entry(server);
    const ssr = entry.ssrs.get(client);
    if (ssr === undefined) return;
    if (entry.current === ssr) throw new Error(`invariant: unbind of ${server.name} client ${client} during its request`);
    this.kernel.unmapPages(this.task, ssr.home, 1, true);
    this.kernel.unmapPages(this.task, ssr.shadow, 1, true);
    entry.ssrs.delete(client);
    this.kernel.log('ssr-manager', 'ssr-unbind', `${server.name} client=${client}`);
  }

  /** Every SSR of a server, by client number. */
  enumerate(server: Task): Ssr[] {
    return [...this.entry(server).ssrs.values()].sort((a, b) => a.client - b.client);
  }

  /**
   * The clients whose SSR was reset while the server ran, since it last asked: the server's
   * `onClientReset` hook mends what it derived from them. (Resets at recovery are not listed: the
   * recovery routine reads every SSR after them.)
   */
  takeResets(server: Task): readonly number[] {
    const entry = this.servers.get(server);
    if (entry === undefined || entry.resets.length === 0) return NO_RESETS;
    return entry.resets.splice(0);
  }

  /** Whether resets wait for the server to take them (its `onClientReset` hooks have not run for them yet). */
  hasResets(server: Task): boolean {
    return (this.servers.get(server)?.resets.length ?? 0) > 0;
  }

  /** The SSR mapped into a server right now (for the dashboard), or null. */
  mappedNow(server: Task): Ssr | null {
    return this.servers.get(server)?.current ?? null;
  }

  /** The physical address of a byte of a client's SSR state (for the fault injector and tests). */
  statePhysAddr(server: Task, client: number, offset: number): number | null {
    const ssr = this.servers.get(server)?.ssrs.get(client);
    if (ssr === undefined) return null;
    return this.physOf(ssr.home) + SSR_HEADER_BYTES + offset;
  }

  /** Checks one SSR's header against its bytes (the manager's own work: it charges cycles). */
  verify(ssr: Ssr): boolean {
    return this.matchesSeal(ssr, true);
  }

  /** Whether a client's SSR still matches its sealed header, or null when it has none; charges nothing (inspection). */
  sealIntact(server: Task, client: number): boolean | null {
    const ssr = this.servers.get(server)?.ssrs.get(client);
    return ssr === undefined ? null : this.matchesSeal(ssr, false);
  }

  /**
   * A client's state as its server would be handed it at the client's next request, read without
   * charging time (inspection: the end-state oracle): its bytes, or null when that request would
   * be refused — the SSR was reset (ESTALE pending) or, where SSRs are sealed, fails its checksum.
   */
  presentedState(server: Task, client: number): DataView | null {
    const entry = this.servers.get(server);
    const ssr = entry?.ssrs.get(client);
    if (entry === undefined || ssr === undefined || ssr.stale) return null;
    if (this.spec.ssr_checked && !this.matchesSeal(ssr, false)) return null;
    return this.stateView(ssr.home, entry.spec.state_bytes);
  }

  private matchesSeal(ssr: Ssr, charge: boolean): boolean {
    const entry = this.entryByName(ssr.server);
    const view = this.pageView(ssr.home);
    if (view.getUint32(0, true) !== SSR_MAGIC || view.getUint32(4, true) !== SSR_VERSION) return false;
    if (view.getUint32(8, true) !== entry.spec.state_bytes) return false;
    return view.getUint32(12, true) === this.checksum(ssr.home, entry.spec.state_bytes, charge);
  }

  // ---- the kernel's IPC hooks ----

  delivered(receiver: Thread, badge: Badge, _caller: Thread | null): SysResult | null {
    const entry = this.servers.get(receiver.task);
    if (entry === undefined) return null;
    const ssr = entry.ssrs.get(clientOfBadge(badge));
    if (ssr === undefined) return null;
    if (this.spec.ssr_checked && (ssr.stale || !this.verify(ssr))) {
      if (!ssr.stale) {
        this.reset(entry, ssr, 'checksum failed before use');
        entry.resets.push(ssr.client);
      }
      ssr.stale = false;
      return entry.spec.stale_reply();
    }
    if (this.commit === 'shadow') {
      this.copySsr(ssr.home, ssr.shadow, entry.spec.state_bytes);
      // Where every SSR stays mapped, the copy takes the SSR's place at the caller's window.
      if (this.spec.ssr_mapped === 'always') this.unmapFrom(ssr.home);
      this.mapInto(entry, ssr, ssr.shadow);
    } else if (this.spec.ssr_mapped === 'own-request') {
      this.mapInto(entry, ssr, ssr.home);
    }
    ssr.condition = 'mapped';
    entry.current = ssr;
    return null;
  }

  requestDone(receiver: Thread, how: 'reply' | 'recv' | 'died'): void {
    const entry = this.servers.get(receiver.task);
    if (entry === undefined || entry.current === null) return;
    const ssr = entry.current;
    entry.current = null;
    if (this.commit === 'shadow') this.unmapFrom(ssr.shadow);
    else if (this.spec.ssr_mapped === 'own-request') this.unmapFrom(ssr.home);
    if (how === 'died') {
      if (this.commit === 'shadow') {
        this.stats.rollbacks++;
        ssr.condition = 'sealed';
        this.kernel.log('ssr-manager', 'ssr-rollback', `${ssr.server} client=${ssr.client}`);
      } else {
        ssr.condition = 'suspect';
      }
      // The restart maps what the mode maps (taskRestarted).
      return;
    }
    if (this.commit === 'shadow') this.copySsr(ssr.shadow, ssr.home, entry.spec.state_bytes);
    if (this.spec.ssr_checked) this.seal(ssr, entry.spec);
    else ssr.condition = 'sealed';
    if (this.commit === 'shadow' && this.spec.ssr_mapped === 'always') this.mapInto(entry, ssr, ssr.home);
    this.stats.commits++;
  }

  taskRestarted(task: Task): void {
    const entry = this.servers.get(task);
    if (entry === undefined) return;
    entry.current = null;
    // The recovery routine reads every SSR, so resets not yet taken need no hook.
    entry.resets.length = 0;
    if (this.spec.ssr_checked) for (const ssr of this.enumerate(task)) this.judge(entry, ssr);
    for (const ssr of this.enumerate(task)) this.mapInto(entry, ssr, ssr.home);
    // Mapped for the recovery routine only, where SSRs are otherwise mapped per request.
    entry.recovering = this.spec.ssr_mapped === 'own-request';
  }

  /**
   * A restarted server's recovery routine has returned: where SSRs are mapped per request
   * (curios), the SSRs all mapped for `recover` are unmapped before it runs anything else
   * (heartbeats, interrupts, requests).
   */
  recoveryDone(server: Task): void {
    const entry = this.servers.get(server);
    if (entry !== undefined && entry.recovering) this.endRecovery(entry);
  }

  // ---- inside ----

  /**
   * At recovery: a sealed SSR must verify, and pass the server's `validate` (the paper's heuristic
   * consistency check: a fault inside a request can corrupt the state before it is sealed, and a
   * recovery routine fed such a state would fail again at every restart); the one the failed
   * request held may pass `validate` alone.
   */
  private judge(entry: ServerEntry, ssr: Ssr): void {
    const validate = entry.spec.validate;
    if (this.verify(ssr)) {
      if (validate === undefined || validate(this.stateView(ssr.home, entry.spec.state_bytes))) {
        ssr.condition = 'sealed';
        return;
      }
      this.reset(entry, ssr, 'sealed state failed validation at recovery');
      return;
    }
    if (ssr.condition === 'suspect' && validate !== undefined && validate(this.stateView(ssr.home, entry.spec.state_bytes))) {
      this.stats.validated++;
      this.seal(ssr, entry.spec);
      this.kernel.log('ssr-manager', 'ssr-validated', `${ssr.server} client=${ssr.client}`);
      return;
    }
    this.reset(entry, ssr, ssr.condition === 'suspect' ? 'in-flight state failed validation' : 'checksum failed at recovery');
  }

  private endRecovery(entry: ServerEntry): void {
    for (const ssr of this.enumerate(entry.spec.task)) this.unmapFrom(ssr.home);
    entry.recovering = false;
  }

  private reset(entry: ServerEntry, ssr: Ssr, why: string): void {
    this.stats.checksum_failures++;
    this.stats.resets++;
    ssr.checksum_failures++;
    const base = this.physOf(ssr.home);
    this.kernel.machine.memory.bytes.fill(0, base, base + this.page_bytes);
    this.seal(ssr, entry.spec);
    ssr.condition = 'reset';
    ssr.stale = true;
    this.kernel.log('ssr-manager', 'ssr-reset', `${ssr.server} client=${ssr.client} (${why})`);
  }

  private seal(ssr: Ssr, spec: SsrServerSpec): void {
    const view = this.pageView(ssr.home);
    view.setUint32(0, SSR_MAGIC, true);
    view.setUint32(4, SSR_VERSION, true);
    view.setUint32(8, spec.state_bytes, true);
    view.setUint32(12, this.checksum(ssr.home, spec.state_bytes), true);
    if (ssr.condition !== 'reset') ssr.condition = 'sealed';
  }

  private checksum(home: VirtAddr, state_bytes: number, charge = true): number {
    const base = this.physOf(home) + SSR_HEADER_BYTES;
    const m = this.kernel.machine;
    if (charge) m.clock.charge(m.costs.mem_access * Math.ceil(state_bytes / 4));
    return crc32(m.memory.bytes.subarray(base, base + state_bytes));
  }

  private mapInto(entry: ServerEntry, ssr: Ssr, page: VirtAddr): void {
    const err = this.kernel.transferPages(this.task, page, entry.spec.task, stateWindow(ssr.client, this.page_bytes), 1, true, false);
    if (err !== 'OK') throw new Error(`invariant: mapping SSR of ${ssr.server} client ${ssr.client}: ${err}`);
    this.stats.maps++;
  }

  private unmapFrom(page: VirtAddr): void {
    this.kernel.unmapPages(this.task, page, 1, false);
    this.stats.unmaps++;
  }

  private copySsr(from: VirtAddr, to: VirtAddr, state_bytes: number): void {
    const m = this.kernel.machine;
    const src = this.physOf(from);
    const bytes = SSR_HEADER_BYTES + state_bytes;
    m.memory.bytes.copyWithin(this.physOf(to), src, src + bytes);
    m.clock.charge(m.costs.msg_word_copy * Math.ceil(bytes / 4));
  }

  private homeOf(serverIndex: number, client: number, copy: 0 | 1): VirtAddr {
    return 0x1000_0000 + ((serverIndex * 2 + copy) * CLIENTS_MAX + client) * this.page_bytes;
  }

  private physOf(home: VirtAddr): number {
    const pte = this.task.as.table.entries.get(home / this.page_bytes);
    if (pte === undefined) throw new Error(`invariant: SSR page 0x${home.toString(16)} not in the manager's space`);
    return pte.frame * this.page_bytes;
  }

  private pageView(home: VirtAddr): DataView {
    return new DataView(this.kernel.machine.memory.bytes.buffer, this.physOf(home), this.page_bytes);
  }

  private stateView(home: VirtAddr, state_bytes: number): DataView {
    return new DataView(this.kernel.machine.memory.bytes.buffer, this.physOf(home) + SSR_HEADER_BYTES, state_bytes);
  }

  private entry(server: Task): ServerEntry {
    const entry = this.servers.get(server);
    if (entry === undefined) throw new Error(`server ${server.name} is not registered with the SSR manager`);
    return entry;
  }

  private entryByName(name: string): ServerEntry {
    for (const [task, entry] of this.servers) if (task.name === name) return entry;
    throw new Error(`invariant: no SSR server named ${name}`);
  }
}
