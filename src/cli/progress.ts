// A long run's progress on stderr. On a terminal: one live line, redrawn in place (log-update),
// with messages printed above it so that the two never share a line. Without a terminal: a plain
// line every few seconds, so that a log shows the run is alive without filling up. The clock is
// passed in: this layer owns the wall clock, and a test can drive it.
import { createLogUpdate } from 'log-update';

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

/** "120/1200 cells (10%)  3.4 cells/s  about 5 min left" */
export function progressText(done: number, total: number, elapsed_ms: number, unit: string): string {
  const share = total === 0 ? 100 : Math.floor((done / total) * 100);
  const rate = elapsed_ms > 0 ? done / (elapsed_ms / 1000) : 0;
  const parts = [`${done}/${total} ${unit} (${share}%)`];
  if (done > 0 && rate > 0) {
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
  const started = clock();
  let last_ms = -Infinity;
  let text = '';
  if (stream.isTTY !== true) {
    return {
      update(done, total) {
        const now = clock();
        if (now - last_ms < PROGRESS_LIMITS.plain_interval_ms && done < total) return;
        last_ms = now;
        stream.write(`progress ${progressText(done, total, now - started, unit)}\n`);
      },
      message: (line) => void stream.write(`${line}\n`),
      finish: () => undefined,
    };
  }
  const live = createLogUpdate(stream as NodeJS.WriteStream, { showCursor: true });
  return {
    update(done, total) {
      const now = clock();
      text = progressText(done, total, now - started, unit);
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
