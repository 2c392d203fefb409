// Latent damage in a live run: the invariants each server's inspector checks (fsck of the disk,
// the port table against the sockets, the timer and run queues against the clients' records),
// looked at every DASHBOARD_LIMITS.damage_check_cycles in each server that is idle then — waiting
// for its next request, so that no operation is half done — and reported once each when it appears: damage that no client has read yet. A live
// run has no end to compare with a golden run's, so only broken invariants are seen here; the
// campaigns' end-state oracle also compares states (docs/reading-results.md).
import type { Cycles } from '../../src/hw/types.ts';
import { inspectServer } from '../../src/servers/end-state.ts';
import type { ServerDef } from '../../src/servers/framework/define.ts';
import type { ServerInspector } from '../../src/servers/framework/inspector.ts';
import type { System } from '../../src/servers/system.ts';
import type { StreamEvent } from './stream-event.ts';

export class DamageWatch {
  /** each server's problems as last seen (reported once, until they go away) */
  private readonly seen = new Map<string, Set<string>>();

  constructor(
    private readonly system: System,
    private readonly servers: readonly ServerDef[],
    private readonly inspectors: ReadonlyMap<string, ServerInspector>,
  ) {}

  /** Looks at every idle server; answers an event per problem that was not there before. */
  check(now: Cycles): StreamEvent[] {
    const out: StreamEvent[] = [];
    for (const def of this.servers) {
      const inspector = this.inspectors.get(def.name);
      if (inspector === undefined || !this.idle(def.name)) continue;
      // An inspector may name one problem more than once (a name found in each of several directories): each is reported once.
      const problems = new Set(problemsOf(inspectServer(this.system, def, inspector).global));
      const before = this.seen.get(def.name) ?? new Set<string>();
      for (const p of problems) {
        if (before.has(p)) continue;
        out.push({ t: now, kind: 'damage', server: def.name, detail: `latent damage, not read by any client yet: ${p}` });
      }
      this.seen.set(def.name, problems);
    }
    return out;
  }

  /**
   * The server's thread waits for a request and has no `onClientReset` hook pending: no operation
   * of its is half done. A client's SSR reset while the server ran leaves global state derived
   * from that client (a run queue entry, an alarm) to be mended by the hook before the server's
   * next message; until then that state is not damage, and the watch does not wake the server to
   * mend it (a live run is not disturbed by being watched).
   */
  private idle(name: string): boolean {
    const task = this.system.serverTask(name);
    return task.threads.length > 0 && task.threads.every((t) => t.state === 'recv-blocked') && !this.system.ssr.hasResets(task);
  }
}

function problemsOf(global: unknown): string[] {
  if (global === null || typeof global !== 'object' || Array.isArray(global)) return [];
  const problems = (global as { problems?: unknown }).problems;
  return Array.isArray(problems) ? problems.filter((p): p is string => typeof p === 'string') : [];
}
