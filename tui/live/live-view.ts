// The plain data a frame of the live dashboard shows: what the ink components render, built from
// a simulation by `viewOf` — so that every panel can be tested without a terminal, and every
// frame is drawn from one consistent snapshot.
import type { Cycles } from '../../src/hw/types.ts';
import type { ServerCondition } from '../../src/servers/supervisor/supervisor.ts';
import type { CommitPolicy, Mode } from '../../src/ssr/modes.ts';
import type { ClientTally } from './observation-judge.ts';
import type { RecoveryStats } from './recovery-tracker.ts';
import type { LiveSimulation } from './simulation.ts';
import { inspectSsrs, type SsrMap } from './ssr-inspect.ts';
import type { StreamEvent } from './stream-event.ts';

export interface ServerRow {
  /** the number a key names it by (1-based) */
  number: number;
  name: string;
  condition: ServerCondition;
  incarnation: number;
  restarts: number;
  /** cycles since its current incarnation started; null when it is not running */
  uptime_cycles: Cycles | null;
  /** cycles since it last answered a heartbeat */
  heartbeat_ago_cycles: Cycles;
  stateful: boolean;
}

export interface RunHeader {
  mode: Mode;
  commit: CommitPolicy;
  seed: number;
  fault_rate: number;
  clients: number;
  now_cycles: Cycles;
  /** simulated cycles per wall second, measured (null before the first second) */
  cycles_per_s: number | null;
  trace_events_per_s: number | null;
  speed: string;
  paused: boolean;
  panic: string | null;
  given_up: boolean;
  /** the run stopped at its --cycles bound */
  stopped_at: Cycles | null;
  /** how the run ended when its simulation could not go on (`host-limit (wall-clock)`, …), or null */
  ended: string | null;
  /** seconds the simulation has not answered for (its worker is busy or stuck), once it is noticeable; null otherwise */
  unanswered_s: number | null;
}

export interface LiveView {
  header: RunHeader;
  servers: ServerRow[];
  clients: ClientTally[];
  ssr: SsrMap;
  stats: RecoveryStats;
  events: StreamEvent[];
  /** the last kernel trace lines (shown while paused) */
  trace: string[];
  /** a key waiting for its second half, e.g. "crash which server? 1-7" */
  prompt: string | null;
  /** what the last key did */
  message: string | null;
  help: boolean;
}

export function serverRows(sim: LiveSimulation): ServerRow[] {
  const now = sim.now;
  return sim.system.supervisor.servers.map((s, i) => ({
    number: i + 1,
    name: s.name,
    condition: s.condition,
    incarnation: s.incarnation,
    restarts: s.restarts,
    uptime_cycles: s.condition === 'running' ? now - s.started_at : null,
    heartbeat_ago_cycles: now - s.last_heartbeat,
    stateful: (sim.servers[i]?.state_bytes ?? 0) > 0,
  }));
}

export function clientRows(sim: LiveSimulation): ClientTally[] {
  return sim.judge.tallies.map((t) => ({ ...t }));
}

export function ssrMapOf(sim: LiveSimulation): SsrMap {
  return inspectSsrs(sim.system);
}
