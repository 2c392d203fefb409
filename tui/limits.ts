// Every bound of the dashboard, in one place, with its unit. The dashboard runs for as long as
// someone watches it, so everything it keeps is a ring or a cap named here.

export const DASHBOARD_LIMITS = {
  frame_ms: 34, // wall milliseconds between two frames: at most 30 renders a second
  slice_wall_ms_max: 28, // wall milliseconds of simulation per frame, so that keys and rendering never lag
  unanswered_shown_ms: 1_000, // wall milliseconds without an answer from the simulation's worker before the header says WAITING
  restart_grace_ms: 1_000, // wall milliseconds a new run (m, r) waits for the old run's request in flight before its worker is replaced
  frame_gap_ms_max: 250, // a longer gap between two frames (a stalled terminal) does not turn into a burst of cycles
  slice_cycles: 50_000, // simulated cycles per run between two checks of the wall-clock budget
  events_kept: 200, // entries of the event stream kept (the panel shows the newest that fit)
  trace_lines_shown: 8, // kernel trace lines shown while paused (the single-step view)
  judge_queue_max: 4_096, // observations per client waiting for their twin in the other run
  request_log_kept: 1_024, // answered requests kept per server in each system's request log
  hand_faults_max: 10_000, // faults injected by hand in one run (kept for replay)
  faults_waiting_max: 64, // faults armed for a next request and not yet fired (the oldest are dropped past it)
  injections_kept: 256, // injections remembered with their trace hash (what `r` can replay)
  golden_catchup_cycles_max: 2_000_000, // cycles the golden run may run in one frame to catch up
  damage_check_cycles: 100_000, // simulated cycles between two looks at the idle servers' invariants (latent damage)
  round_ops_per_client: 120, // operations per client in one round of the endless workload
  rounds_cached: 8, // rounds of the endless workload kept computed
  clients_shown_max: 8, // client rows in the clients panel (more are summarized in one line)
  min_columns: 100, // terminal width the full layout needs
  compact_min_columns: 60, // terminal width the compact layout needs (servers and events only)
  events_min_lines: 3, // event lines the layout must have room for, or the terminal is too small
  plain_cycles_default: 5_000_000, // cycles a run prints when stdout is not a terminal and --cycles is not given
  campaign_chunk_cells: 8, // cells per chunk of a live campaign: the table is redrawn after each chunk
} as const;

/** Simulated cycles per wall second; the last level is "as fast as the machine goes". */
export const SPEED_LEVELS_CPS = [10_000, 30_000, 100_000, 300_000, 1_000_000, 3_000_000, Number.POSITIVE_INFINITY] as const;
export const SPEED_DEFAULT_INDEX = 4;

/** Faults per million simulated cycles when --fault-rate is not given: a fault every few seconds at
 * the default speed, rarely enough that the supervisor seldom exceeds its restart intensity. */
export const FAULT_RATE_DEFAULT = 0.3;
