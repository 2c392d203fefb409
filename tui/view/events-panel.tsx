// The event stream: faults injected and fired, failures detected, restarts, SSR resets and
// rollbacks, what clients saw — newest last, with virtual timestamps. While paused it shows the
// kernel's own last trace lines under it, so a single step can be followed.
import { Text } from 'ink';
import type { StreamEvent, StreamKind } from '../live/stream-event.ts';
import { streamHeader, streamLine } from '../live/stream-event.ts';
import { Panel, PANEL_CHROME_COLUMNS, PANEL_CHROME_LINES } from './panel.tsx';

const KIND_COLORS: Partial<Record<StreamKind, string>> = {
  inject: 'magenta',
  fault: 'red',
  detect: 'yellow',
  restart: 'green',
  down: 'red',
  'given-up': 'redBright',
  ssr: 'cyan',
  client: 'yellow',
  damage: 'redBright',
  panic: 'redBright',
  run: 'blue',
};

export interface EventsPanelProps {
  events: readonly StreamEvent[];
  trace: readonly string[];
  width: number;
  /** content lines available (title and borders not counted) */
  lines: number;
}

export function EventsPanel({ events, trace, width, lines }: EventsPanelProps) {
  const columns = width - PANEL_CHROME_COLUMNS;
  // Below the column header; while paused, the lower half is the kernel trace (a label, its lines).
  const body = lines - 1;
  const trace_shown = trace.length === 0 ? [] : trace.slice(-Math.max(0, Math.floor(body / 2) - 1));
  const event_lines = Math.max(0, body - (trace_shown.length === 0 ? 0 : trace_shown.length + 1));
  const shown = event_lines === 0 ? [] : events.slice(-event_lines);
  return (
    <Panel title="events (virtual time)" width={width} height={lines + PANEL_CHROME_LINES}>
      <Text dimColor>{streamHeader()}</Text>
      {shown.map((e, i) => (
        <Text key={`${i}/${e.t}`} color={KIND_COLORS[e.kind]} wrap="truncate-end">
          {streamLine(e).slice(0, columns)}
        </Text>
      ))}
      {trace_shown.length > 0 ? <Text dimColor>kernel trace (last steps):</Text> : null}
      {trace_shown.map((line, i) => (
        <Text key={`trace/${i}`} dimColor wrap="truncate-end">
          {line.slice(0, columns)}
        </Text>
      ))}
    </Panel>
  );
}
