// The SSR map as the dashboard shows it: per server, each client's SSR, whether it is mapped into
// the server right now, and whether its bytes still match the checksum sealed in its header.
//
// The check is SsrManager.sealIntact, not verify: verify charges simulated cycles (it is the
// manager's own work), and a dashboard that looked would change the run it is looking at.
import { MODE_SPECS, type Mode } from '../../src/ssr/modes.ts';
import type { SsrCondition, SsrStats } from '../../src/ssr/manager.ts';
import type { System } from '../../src/servers/system.ts';

/** ok: sealed and matching; bad: bytes differ from the seal; open: being written (in-place commit); unchecked: the mode never checks SSRs (persist) */
export type ChecksumState = 'ok' | 'bad' | 'open' | 'unchecked';

export interface SsrCell {
  client: number;
  condition: SsrCondition;
  mapped: boolean;
  checksum: ChecksumState;
  /** the client will be told ESTALE at its next request (its state was reset) */
  stale: boolean;
}

export interface SsrServerMap {
  name: string;
  /** the client whose SSR is mapped into the server right now, or null */
  mapped_client: number | null;
  cells: SsrCell[];
}

export interface SsrMap {
  mode: Mode;
  /** false under none/restart: client state lives in the server's own memory */
  active: boolean;
  servers: SsrServerMap[];
  stats: SsrStats;
}

export function inspectSsrs(system: System): SsrMap {
  const ssr = system.ssr;
  const servers: SsrServerMap[] = [];
  if (ssr.active) {
    for (const def of system.config.servers) {
      const task = system.serverTask(def.name);
      if (def.state_bytes === 0 || !ssr.isRegistered(task)) continue;
      const mapped = ssr.mappedNow(task);
      const cells = ssr.enumerate(task).map((s) => ({
        client: s.client,
        condition: s.condition,
        mapped: mapped === s,
        checksum: checksumState(system, def.name, s.client, mapped === s),
        stale: s.stale,
      }));
      servers.push({ name: def.name, mapped_client: mapped?.client ?? null, cells });
    }
  }
  return { mode: system.mode, active: ssr.active, servers, stats: { ...ssr.stats } };
}

function checksumState(system: System, server: string, client: number, mapped: boolean): ChecksumState {
  if (!MODE_SPECS[system.mode].ssr_checked) return 'unchecked';
  // In-place commit writes the home page during the request; it is sealed again at the reply.
  if (mapped && system.commit === 'in-place') return 'open';
  return system.ssr.sealIntact(system.serverTask(server), client) === true ? 'ok' : 'bad';
}
