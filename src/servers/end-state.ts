// A system's end state as the trusted base reads it, server by server: each client's state as
// the server would present it at the client's next request, and the server's global state, both
// through the server's inspector (src/servers/framework/inspector.ts). The end-state oracle
// compares it with the golden run's to find damage no client has read yet. Reading costs no
// simulated time and changes nothing, so a run that is inspected is the run that was not.
import { stateAddress } from '../ssr/layout.ts';
import { bytesInspector, viewOf, type EndValue, type InspectView, type ServerInspector } from './framework/inspector.ts';
import type { ServerDef } from './framework/define.ts';
import { HEAP_BASE } from '../ssr/layout.ts';
import type { System } from './system.ts';

export interface ServerEndState {
  server: string;
  /** the server is down (its memory is gone): nothing else is read */
  down: boolean;
  /** each client's decoded state, or null where the server would refuse it or cannot reach it */
  clients: EndValue[];
  global: EndValue;
}

export type EndState = ServerEndState[];

/**
 * The end state of a run whose end state was not read, because nothing can ask for it (a trial run
 * that classifyOutcome settles before the end-state oracle: see trialReachesOracle). Comparing it
 * is an invariant broken (oracle.ts checks).
 */
export const END_STATE_UNREAD: EndState = Object.freeze<ServerEndState[]>([]) as EndState;

/** Every server's end state, in start order; a server without an inspector shows its client states' bytes. */
export function readEndState(system: System, inspectors: ReadonlyMap<string, ServerInspector>): EndState {
  return system.config.servers.map((def) => inspectServer(system, def, inspectors.get(def.name) ?? bytesInspector));
}

/** One server's state as its inspector reads it now (the live dashboard looks at an idle server's). */
export function inspectServer(system: System, def: ServerDef, inspector: ServerInspector): ServerEndState {
  const heap_bytes = def.heap_pages * system.machine.mmu.page_bytes;
  if (!system.serverMemoryMapped(def.name, HEAP_BASE, heap_bytes)) return { server: def.name, down: true, clients: [], global: null };
  const clients = def.state_bytes === 0 ? [] : system.clientTasks.map((_, c) => presentedState(system, def, c));
  // The heap is copied only for an inspector that reads it (fs's and the byte inspector do not).
  let heap: Uint8Array | null = null;
  const view: InspectView = {
    server: def.name,
    get heap(): Uint8Array {
      heap ??= system.readServerMemory(def.name, HEAP_BASE, heap_bytes);
      if (heap === null) throw new Error(`invariant: ${def.name}'s heap was mapped a moment ago`);
      return heap;
    },
    machine: system.machine,
    clients,
  };
  return { server: def.name, down: false, ...inspector(view) };
}

/** SSRs where the manager keeps them (persist, curios); else the server's own state page, gone while it is down. */
function presentedState(system: System, def: ServerDef, client: number): DataView | null {
  const task = system.serverTask(def.name);
  if (system.ssr.active) return system.ssr.presentedState(task, client);
  const bytes = system.readServerMemory(def.name, stateAddress(client, system.machine.mmu.page_bytes), def.state_bytes);
  return bytes === null ? null : viewOf(bytes);
}
