// What one answer of the live simulation carries to the dashboard: a snapshot of everything a
// frame draws, plus what happened since the previous answer (stream events, injections applied).
// Plain data, so that it crosses a process boundary as one message per frame (structured clone),
// whatever the number of kernel events behind it.
import type { Cycles } from '../../src/hw/types.ts';
import { formatTraceLine } from '../../src/kernel/trace.ts';
import { MODE_SPECS } from '../../src/ssr/modes.ts';
import { clientRows, serverRows, ssrMapOf, type ServerRow } from './live-view.ts';
import type { ClientTally } from './observation-judge.ts';
import type { RecoveryStats } from './recovery-tracker.ts';
import type { AppliedInjection, LiveConfig, LiveSimulation } from './simulation.ts';
import type { SsrMap } from './ssr-inspect.ts';
import type { StreamEvent } from './stream-event.ts';

export interface LiveFrame {
  now_cycles: Cycles;
  /** kernel trace events so far (the events/s figure) */
  trace_events: number;
  /** the trace hash at now_cycles */
  trace_hash: string;
  panic: string | null;
  given_up: boolean;
  servers: ServerRow[];
  clients: ClientTally[];
  ssr: SsrMap;
  stats: RecoveryStats;
  /** the last kernel trace lines (only when asked for: a step, a look while paused) */
  trace: string[];
  /** the most recent failure the supervisor detected */
  last_failure: { server: string; detected_at: Cycles } | null;
  /** what happened since the previous frame, oldest first */
  events: StreamEvent[];
  /** injections applied since the previous frame, with the trace hash just before each (what replay checks) */
  applied: AppliedInjection[];
}

export function frameOf(sim: LiveSimulation, events: StreamEvent[], with_trace: boolean): LiveFrame {
  const failure = sim.lastFailure();
  return {
    now_cycles: sim.now,
    trace_events: sim.trace_events,
    trace_hash: sim.system.traceHash(),
    panic: sim.system.kernel.panic_reason,
    given_up: sim.system.supervisor.given_up,
    servers: serverRows(sim),
    clients: clientRows(sim),
    ssr: ssrMapOf(sim),
    stats: sim.recovery.stats(),
    trace: with_trace ? sim.traceTail().map(formatTraceLine) : [],
    last_failure: failure === null ? null : { server: failure.server, detected_at: failure.detected_at },
    events,
    applied: sim.drainApplied(),
  };
}

/** What the dashboard shows of a run before its first frame (its worker is starting). */
export function emptyFrame(config: LiveConfig): LiveFrame {
  return {
    now_cycles: 0,
    trace_events: 0,
    trace_hash: '',
    panic: null,
    given_up: false,
    servers: [],
    clients: [],
    ssr: { mode: config.mode, active: MODE_SPECS[config.mode].client_state === 'ssr', servers: [], stats: { maps: 0, unmaps: 0, commits: 0, rollbacks: 0, checksum_failures: 0, resets: 0, validated: 0 } },
    stats: { faults_fired: 0, failures: 0, by_cause: {}, restarted: 0, down: 0, ignored: 0, given_up: false, mttr_cycles: null, detect_cycles: null, latent_damage: 0 },
    trace: [],
    last_failure: null,
    events: [],
    applied: [],
  };
}
