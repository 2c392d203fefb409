// What each fault kind does when it fires: the effects, apart from the injector that decides when
// (src/faults/injector.ts). Bit flips act on physical frames: a client's state is flipped in the
// frame that holds it, whether or not it is mapped into the server right now (a flip in an
// unmapped SSR is found by its checksum at next use; one in a mapped SSR may be sealed at the
// reply). Memory the server reaches only through its own mappings (heap, buffers) is flipped
// through its page table.
import type { MemAccess } from '../kernel/memory-view.ts';
import type { Thread } from '../kernel/objects.ts';
import { HEAP_BASE, RECV_BUF, SSR_HEADER_BYTES, stateWindow } from '../ssr/layout.ts';
import type { ServerReply, ServerRequest } from '../servers/framework/define.ts';
import { InjectedHang } from '../servers/framework/fault-port.ts';
import { STATUSES } from '../servers/framework/status.ts';
import type { System } from '../servers/system.ts';
import type { FaultKind, FaultOf, RegflipTarget } from './model.ts';

/** What a fired fault did, and the client whose state or request it hit (null: global state). */
export interface Hit {
  what: string;
  client: number | null;
  /** what of that client it hit: a request being served, or its state (a flip of a client's state wherever it is kept) */
  of?: 'state';
}

/** Stops the running thread with a processor exception (a crash). */
export function crashHere(t: Thread, message: string): never {
  t.fault = { kind: 'exception', vaddr: 0, message };
  throw new Error(message);
}

/** Makes the running thread spin from here on, burning its quantum (a hang). */
export function hangHere(message: string): never {
  throw new InjectedHang(message);
}

/**
 * The letter a golden run records for each memory access (Reach.access_kinds): a load or a store
 * of at most 4 bytes (`r`, `w`), or a bulk one (`R`, `W`); each with an access of its class.
 */
export const ACCESS_LETTERS = {
  r: { write: false, size: 4 },
  w: { write: true, size: 4 },
  R: { write: false, size: 8 },
  W: { write: true, size: 8 },
} as const satisfies Record<string, Pick<MemAccess, 'write' | 'size'>>;
export type AccessLetter = keyof typeof ACCESS_LETTERS;

/** The letter of an access (ACCESS_LETTERS). */
export function letterOf(a: Pick<MemAccess, 'write' | 'size'>): AccessLetter {
  return a.write ? (a.size > 4 ? 'W' : 'w') : a.size > 4 ? 'R' : 'r';
}

/** What decides the accesses a fault can act on: its kind, and a regflip's target. */
export type ActsOn = { kind: Exclude<FaultKind, 'regflip'> } | { kind: 'regflip'; target: RegflipTarget };

/** Whether a fault can act on this access: a regflip of a load or a store, one of at most 4 bytes of its direction; a wild write, a store; any other kind (a crash, a hang, a flipped address), any access. */
export function matchesAccess(f: ActsOn, a: Pick<MemAccess, 'write' | 'size'>): boolean {
  if (f.kind === 'wild-write') return a.write;
  if (f.kind !== 'regflip' || f.target === 'address') return true;
  return a.write === (f.target === 'store') && a.size <= 4;
}

/** A regflip or a wild write, on the access it was armed for. */
export function onAccess(system: System, f: FaultOf<'regflip'> | FaultOf<'wild-write'>, a: MemAccess, client: number): string {
  if (f.kind === 'regflip') {
    const mask = (1 << f.bit) >>> 0;
    if (f.target === 'load') a.xor_result = mask;
    else if (f.target === 'store') a.value = (a.value ^ mask) >>> 0;
    else a.vaddr = (a.vaddr ^ mask) >>> 0;
    return `${f.target} bit ${f.bit} flipped at 0x${a.vaddr.toString(16)}`;
  }
  const align = Math.max(1, Math.min(4, a.size));
  const target = wildTarget(system, f, client);
  a.vaddr = target - (target % align);
  return `store redirected to 0x${a.vaddr.toString(16)}`;
}

function wildTarget(system: System, f: FaultOf<'wild-write'>, client: number): number {
  const page = system.machine.mmu.page_bytes;
  const def = system.config.servers.find((d) => d.name === f.server);
  const heap_bytes = (def?.heap_pages ?? 1) * page;
  const state_bytes = Math.max(4, def?.state_bytes ?? 4);
  if (f.region === 'heap') return HEAP_BASE + (f.offset % heap_bytes);
  if (f.region === 'other-state') return stateWindow(victim(system, client, f.offset), page) + SSR_HEADER_BYTES + (f.offset % state_bytes);
  return f.offset >>> 0;
}

/** Another client than `client`, chosen by `offset` (itself when it is the only one). */
function victim(system: System, client: number, offset: number): number {
  const n = system.clientTasks.length;
  if (n < 2) return client;
  return (client + 1 + (offset % (n - 1))) % n;
}

/**
 * A bit flip inside a request: the heap, the request, the caller's state, or another client's.
 * `origin` is the client on whose behalf the request runs (RequestLog.originNow): whom a flip in
 * the request hits; `req.client` names the SSR window the caller's state is mapped at.
 */
export function flipInRequest(system: System, f: FaultOf<'bitflip'>, req: ServerRequest, origin: number | null): Hit | null {
  const def = system.config.servers.find((d) => d.name === f.server);
  if (def === undefined) return null;
  const page = system.machine.mmu.page_bytes;
  switch (f.target) {
    case 'heap':
      return hitOf(flipVirt(system, f.server, HEAP_BASE + (f.offset % (def.heap_pages * page)), f.bit, 'heap'), origin);
    case 'msg':
      if (req.words.length > 0) {
        const w = f.offset % req.words.length;
        req.words[w] = (req.words[w] ^ (1 << ((f.offset + f.bit) % 32))) >>> 0;
        return { what: `request word ${w} flipped`, client: origin };
      }
      if (req.data.length > 0) {
        req.data[f.offset % req.data.length] ^= 1 << f.bit;
        return hitOf(flipVirt(system, f.server, RECV_BUF + (f.offset % req.data.length), f.bit, 'message buffer'), origin);
      }
      req.op ^= 1 << (f.bit % 4);
      return { what: 'request op flipped', client: origin };
    case 'ssr':
      // The caller's state as the request sees it (its shadow copy under shadow commit).
      if (def.state_bytes === 0) return null;
      return hitOf(flipVirt(system, f.server, stateWindow(req.client, page) + SSR_HEADER_BYTES + (f.offset % def.state_bytes), f.bit, `state of client ${req.client}`), origin);
    case 'other-ssr': {
      if (def.state_bytes === 0) return null;
      const client = victim(system, req.client, f.offset);
      if (client === req.client) return null;
      return flipState(system, f.server, client, f.offset % def.state_bytes, f.bit);
    }
  }
}

/**
 * A flip between requests: the heap or the message buffer (global state), or a client's state
 * wherever it is kept — `offset` runs over every client's state in turn.
 */
export function flipAtRest(system: System, f: FaultOf<'bitflip'>): Hit | null {
  const def = system.config.servers.find((d) => d.name === f.server);
  if (def === undefined) return null;
  const page = system.machine.mmu.page_bytes;
  if (f.target === 'heap' || f.target === 'msg' || def.state_bytes === 0) {
    const base = f.target === 'msg' ? RECV_BUF : HEAP_BASE;
    const what = flipVirt(system, f.server, base + (f.offset % (f.target === 'msg' ? page : def.heap_pages * page)), f.bit, f.target === 'msg' ? 'message buffer' : 'heap');
    return hitOf(what, null);
  }
  const client = Math.floor(f.offset / def.state_bytes) % Math.max(1, system.clientTasks.length);
  return flipState(system, f.server, client, f.offset % def.state_bytes, f.bit);
}

/** Flips a bit of a client's state in the frame that holds it: its SSR, or the server's own page. */
function flipState(system: System, server: string, client: number, offset: number, bit: number): Hit | null {
  const task = system.serverTask(server);
  if (system.ssr.active && system.ssr.isRegistered(task)) {
    const pa = system.ssr.statePhysAddr(task, client, offset);
    if (pa === null) return null;
    system.machine.memory.flipBit(pa, bit);
    system.kernel.log('injector', 'bitflip', `${server} SSR of client ${client} +${offset} bit ${bit}`);
    return { what: `SSR of client ${client} flipped`, client, of: 'state' };
  }
  const page = system.machine.mmu.page_bytes;
  const what = flipVirt(system, server, stateWindow(client, page) + SSR_HEADER_BYTES + offset, bit, `state of client ${client}`);
  return what === null ? null : { what, client, of: 'state' };
}

function hitOf(what: string | null, client: number | null): Hit | null {
  return what === null ? null : { what, client };
}

/** Flips a bit at a server's virtual address, if the server has that page mapped. */
function flipVirt(system: System, server: string, vaddr: number, bit: number, what: string): string | null {
  const task = system.serverTask(server);
  const page = system.machine.mmu.page_bytes;
  const pte = task.as.table.entries.get(Math.floor(vaddr / page));
  if (pte === undefined) return null;
  system.machine.memory.flipBit(pte.frame * page + (vaddr % page), bit);
  system.kernel.log('injector', 'bitflip', `${server} ${what} 0x${vaddr.toString(16)} bit ${bit}`);
  return `${what} bit flipped`;
}

/** A bit of the reply about to cross the boundary: a word, else the buffer, else the status. */
export function corruptReply(reply: ServerReply, word: number, bit: number): ServerReply {
  const words = reply.words ?? [];
  if (word < words.length) {
    const copy = words.slice();
    copy[word] = (copy[word] ^ (1 << bit)) >>> 0;
    return { ...reply, words: copy };
  }
  if (reply.data !== undefined && reply.data.length > 0) {
    const data = reply.data.slice();
    data[(word * 32 + bit) % data.length] ^= 1 << (bit % 8);
    return { ...reply, data };
  }
  const code = STATUSES.indexOf(reply.status) ^ (1 << (bit % 4));
  return { ...reply, status: STATUSES[code % STATUSES.length] };
}
