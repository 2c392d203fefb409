// How fast a run goes, for its progress line and its dashboard: units per second counted from the
// first unit that finished, not from the start. Before the first trial ends, the workers are
// starting (a process each, loading the simulator) and computing golden runs; counting that time
// made the first estimate of the time left far too long. The clock is given (only the command
// line and the dashboard read the wall clock).

export const RATE_LIMITS = {
  /** no rate is told until this long after the first finished unit (two workers finish their first almost together) */
  settle_ms: 1_000,
} as const;

export class RateEstimate {
  /** when the first unit finished, and how many were done then; null before */
  #first: { at_ms: number; done: number } | null = null;

  /** `done` units have finished at `now_ms`. */
  update(done: number, now_ms: number): void {
    if (this.#first === null && done > 0) this.#first = { at_ms: now_ms, done };
  }

  /** Units per second since the first finished one; null before there is a fair estimate. */
  perSecond(done: number, now_ms: number): number | null {
    if (this.#first === null) return null;
    const elapsed_ms = now_ms - this.#first.at_ms;
    const since = done - this.#first.done;
    if (elapsed_ms < RATE_LIMITS.settle_ms || since <= 0) return null;
    return since / (elapsed_ms / 1000);
  }
}
