// The system's IPC hook chain: the kernel has one hook slot; the trusted base hangs several
// listeners on it in order (the SSR manager first, then observers such as the request log and the
// fault injector). The first listener that refuses a delivery ends it: later ones never see it.
import type { IpcHooks } from '../../kernel/kernel.ts';
import type { Badge, SysResult, Task, Thread } from '../../kernel/objects.ts';
import { CALL_BADGES, clientOfBadge } from '../../ssr/badges.ts';

export class HookChain implements IpcHooks {
  private readonly hooks: IpcHooks[] = [];

  add(hook: IpcHooks): void {
    this.hooks.push(hook);
  }

  // (index loops: these run at every delivery and every reply)
  delivered(receiver: Thread, badge: Badge, caller: Thread | null): SysResult | null {
    const hooks = this.hooks;
    for (let i = 0; i < hooks.length; i++) {
      const refusal = hooks[i].delivered(receiver, badge, caller);
      if (refusal !== null) return refusal;
    }
    return null;
  }

  requestDone(receiver: Thread, how: 'reply' | 'recv' | 'died'): void {
    const hooks = this.hooks;
    for (let i = 0; i < hooks.length; i++) hooks[i].requestDone(receiver, how);
  }

  taskRestarted(task: Task): void {
    for (const h of this.hooks) h.taskRestarted(task);
  }
}

/**
 * Records, per server, the order in which it answered requests: the linearization of its
 * history (a server handles one request at a time, and a request that died unanswered did not
 * happen — if it is retried, it is counted when the retry is answered). It also knows, per server
 * thread, on whose behalf it runs: a request's *origin* is the workload client at the top of its
 * chain of calls (client → fs → disk: the client), which is whom a fault in it hits.
 */
export class RequestLog implements IpcHooks {
  /** server name → the client numbers of its answered requests, in order (-1: a kernel report) */
  readonly order = new Map<string, number[]>();
  /**
   * server thread → what it is serving: one record per thread, refilled at each delivery and marked
   * NOT_SERVING between requests, never deleted (a Map's delete and set allocate).
   */
  private readonly serving = new Map<Thread, Serving>();

  constructor(private readonly servers: ReadonlySet<Task>) {}

  delivered(receiver: Thread, badge: Badge, caller: Thread | null): SysResult | null {
    if (!this.servers.has(receiver.task)) return null;
    let s = this.serving.get(receiver);
    if (s === undefined) this.serving.set(receiver, (s = { client: NOT_SERVING, origin: NO_ORIGIN, via: null }));
    if (caller === null) {
      s.client = -1;
      s.origin = NO_ORIGIN;
      s.via = null;
    } else if (this.servers.has(caller.task)) {
      // A server's dependency call runs on behalf of whatever the calling thread is serving.
      const up = this.serving.get(caller);
      s.client = clientOfBadge(badge);
      s.origin = up === undefined || up.client === NOT_SERVING ? NO_ORIGIN : up.origin;
      s.via = caller.task;
    } else {
      // A client's own call: its badge names it.
      const client = clientOfBadge(badge);
      s.client = client;
      s.origin = client >= 0 && client < CALL_BADGES.client.count ? client : NO_ORIGIN;
      s.via = null;
    }
    return null;
  }

  requestDone(receiver: Thread, how: 'reply' | 'recv' | 'died'): void {
    const s = this.serving.get(receiver);
    if (s === undefined || s.client === NOT_SERVING) return;
    const client = s.client;
    s.client = NOT_SERVING;
    s.origin = NO_ORIGIN;
    s.via = null;
    if (how === 'died') return;
    const name = receiver.task.name;
    let list = this.order.get(name);
    if (list === undefined) this.order.set(name, (list = []));
    list.push(client);
  }

  /**
   * The client a server thread's request names by its badge (null: none, or a kernel report): the
   * caller's SSR window, when the caller is a client. A dependency call's badge names a number past
   * every client (src/ssr/badges.ts): whom such a request serves is originNow's.
   */
  servingNow(thread: Thread): number | null {
    const s = this.serving.get(thread);
    return s === undefined || s.client < 0 ? null : s.client;
  }

  /**
   * The workload client on whose behalf a server thread runs now, through any chain of dependency
   * calls (null: it serves no request, a kernel report, or a call its caller made outside any
   * client's request — during its recovery, say).
   */
  originNow(thread: Thread): number | null {
    const s = this.serving.get(thread);
    return s === undefined || s.origin < 0 ? null : s.origin;
  }

  /** The server whose thread made the request a server thread is handling now (a dependency call), or null. */
  callerNow(thread: Thread): Task | null {
    return this.serving.get(thread)?.via ?? null;
  }

  taskRestarted(): void {}
}

/** What one server thread is serving (RequestLog.serving). */
interface Serving {
  /** the client number its request's badge names (-1: a kernel report; NOT_SERVING: between requests) */
  client: number;
  /** the workload client on whose behalf it runs (NO_ORIGIN: none) */
  origin: number;
  /** the server that called, when the request is a dependency call */
  via: Task | null;
}

/** Serving.client's mark of a thread between requests */
const NOT_SERVING = -2;
/** Serving.origin's mark of a request on no client's behalf */
const NO_ORIGIN = -1;
