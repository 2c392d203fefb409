// The system's IPC hook chain: the kernel has one hook slot; the trusted base hangs several
// listeners on it in order (the SSR manager first, then observers such as the request log and the
// fault injector). The first listener that refuses a delivery ends it: later ones never see it.
import type { IpcHooks } from '../../kernel/kernel.ts';
import type { Badge, SysResult, Task, Thread } from '../../kernel/objects.ts';
import { clientOfBadge } from '../../ssr/badges.ts';

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
 * happen — if it is retried, it is counted when the retry is answered).
 */
export class RequestLog implements IpcHooks {
  /** server name → the client numbers of its answered requests, in order (-1: a kernel report) */
  readonly order = new Map<string, number[]>();
  /**
   * server thread → the client of the request it is handling (-1: a kernel report), or NOT_SERVING:
   * an entry is overwritten rather than deleted, since a Map's delete and set allocate.
   */
  private readonly serving = new Map<Thread, number>();

  constructor(private readonly servers: ReadonlySet<Task>) {}

  delivered(receiver: Thread, badge: Badge, caller: Thread | null): SysResult | null {
    if (!this.servers.has(receiver.task)) return null;
    this.serving.set(receiver, caller === null ? -1 : clientOfBadge(badge));
    return null;
  }

  requestDone(receiver: Thread, how: 'reply' | 'recv' | 'died'): void {
    const client = this.serving.get(receiver);
    if (client === undefined || client === NOT_SERVING) return;
    this.serving.set(receiver, NOT_SERVING);
    if (how === 'died') return;
    const name = receiver.task.name;
    let list = this.order.get(name);
    if (list === undefined) this.order.set(name, (list = []));
    list.push(client);
  }

  /** The client whose request a server's thread is handling now (null: none, or a kernel report). */
  servingNow(thread: Thread): number | null {
    const client = this.serving.get(thread);
    return client === undefined || client < 0 ? null : client;
  }

  taskRestarted(): void {}
}

/** RequestLog.serving's mark of a thread between requests */
const NOT_SERVING = -2;
