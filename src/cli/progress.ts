// A long run's progress on stderr. On a terminal: one live line, redrawn in place (log-update),
// with messages printed above it so that the two never share a line. Without a terminal: a plain
// line every few seconds, so that a log shows the run is alive without filling up. The clock is
// passed in: this layer owns the wall clock, and a test can drive it. The rate (and the time left)
// counts from the first finished unit (RateEstimate), so worker start-up does not skew it.
import { createLogUpdate } from 'log-update';
import { RateEstimate } from '../campaign/progress-rate.ts';

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): boolean;
}

export interface ProgressReporter {
  /** `done` of `total` units finished. */
  update(done: number, total: number): void;
  /** A line for the reader, printed above the live line. */
  message(line: string): void;
  /** Removes the live line (the run is over). */
  finish(): void;
}

export const PROGRESS_LIMITS = {
  /** Without a terminal, at most one progress line per this many milliseconds. */
  plain_interval_ms: 5_000,
  /** On a terminal, at most one redraw per this many milliseconds. */
  redraw_interval_ms: 100,
} as const;

/** "120/1200 cells (10%)  3.4 cells/s  about 5 min left"; `rate` null: no estimate yet. */
export function progressText(done: number, total: number, rate: number | null, unit: string): string {
  const share = total === 0 ? 100 : Math.floor((done / total) * 100);
  const parts = [`${done}/${total} ${unit} (${share}%)`];
  if (rate !== null && rate > 0) {
    parts.push(`${rate >= 10 ? rate.toFixed(0) : rate.toFixed(1)} ${unit}/s`);
    if (done < total) parts.push(`about ${duration((total - done) / rate)} left`);
  }
  return parts.join('  ');
}

function duration(seconds: number): string {
  if (seconds < 90) return `${Math.ceil(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function progressReporter(stream: ProgressStream, clock: () => number, unit = 'cells'): ProgressReporter {
  const rate = new RateEstimate();
  let last_ms = -Infinity;
  let text = '';
  const textAt = (done: number, total: number, now: number) => {
    rate.update(done, now);
    return progressText(done, total, rate.perSecond(done, now), unit);
  };
  if (stream.isTTY !== true) {
    return {
      update(done, total) {
        const now = clock();
        const line = textAt(done, total, now);
        if (now - last_ms < PROGRESS_LIMITS.plain_interval_ms && done < total) return;
        last_ms = now;
        stream.write(`progress ${line}\n`);
      },
      message: (line) => void stream.write(`${line}\n`),
      finish: () => undefined,
    };
  }
  const live = createLogUpdate(stream as NodeJS.WriteStream, { showCursor: true });
  return {
    update(done, total) {
      const now = clock();
      text = textAt(done, total, now);
      if (now - last_ms < PROGRESS_LIMITS.redraw_interval_ms && done < total) return;
      last_ms = now;
      live(text);
    },
    message(line) {
      live.persist(line);
      if (text !== '') live(text);
    },
    finish() {
      live.clear();
      live.done();
    },
  };
}
