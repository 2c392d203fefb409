// One entry of the event stream: what the dashboard's event panel shows, what a run without a
// terminal prints as one fixed-column line, and what --json prints as one object a line.
import type { Cycles } from '../../src/hw/types.ts';
import { cell } from '../format.ts';

export const STREAM_KINDS = ['inject', 'fault', 'detect', 'restart', 'down', 'given-up', 'ignored', 'ssr', 'client', 'damage', 'panic', 'run', 'server', 'recovery', 'end'] as const;
export type StreamKind = (typeof STREAM_KINDS)[number];

export interface StreamEvent {
  /** virtual time, in simulated cycles */
  t: Cycles;
  kind: StreamKind;
  /** the server it concerns ("-" for none) */
  server: string;
  detail: string;
}

export const STREAM_COLUMNS = { t: 12, kind: 8, server: 8 } as const;

export function streamHeader(): string {
  return `${cell('cycles', STREAM_COLUMNS.t, 'right')}  ${cell('event', STREAM_COLUMNS.kind)}  ${cell('server', STREAM_COLUMNS.server)}  detail`;
}

/** One fixed-column line, TigerBeetle-simulator style: the same run prints the same lines. */
export function streamLine(e: StreamEvent): string {
  return `${cell(String(e.t), STREAM_COLUMNS.t, 'right')}  ${cell(e.kind, STREAM_COLUMNS.kind)}  ${cell(e.server, STREAM_COLUMNS.server)}  ${e.detail}`;
}

/** Orders a batch gathered from several sources by time; ties keep their gathering order (sort is stable). */
export function byTime(events: readonly StreamEvent[]): StreamEvent[] {
  return [...events].sort((a, b) => a.t - b.t);
}
