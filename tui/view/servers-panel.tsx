// The servers panel: one line per server — its number (for the fault keys), state, incarnation,
// restarts, uptime, and how long since it last answered the supervisor's heartbeat.
import { Text } from 'ink';
import type { ServerCondition } from '../../src/servers/supervisor/supervisor.ts';
import { cell, compactCycles } from '../format.ts';
import type { ServerRow } from '../live/live-view.ts';
import { Panel } from './panel.tsx';

const CONDITION_COLORS: Readonly<Record<ServerCondition, string>> = { running: 'green', recovering: 'yellow', down: 'red', 'given-up': 'redBright' };

function serversHeader(): string {
  return `${cell('#', 1)} ${cell('server', 7)} ${cell('state', 10)} ${cell('inc', 3, 'right')} ${cell('rst', 3, 'right')} ${cell('uptime', 7, 'right')} ${cell('hb ago', 7, 'right')}`;
}

export function ServersPanel({ servers, width }: { servers: readonly ServerRow[]; width: number }) {
  return (
    <Panel title="servers" width={width}>
      <Text dimColor>{serversHeader()}</Text>
      {servers.map((s) => (
        <Text key={s.name}>
          {cell(s.number, 1)} {cell(s.name, 7)} <Text color={CONDITION_COLORS[s.condition]}>{cell(s.condition, 10)}</Text> {cell(s.incarnation, 3, 'right')} {cell(s.restarts, 3, 'right')} {cell(s.uptime_cycles === null ? '-' : compactCycles(s.uptime_cycles), 7, 'right')} {cell(compactCycles(s.heartbeat_ago_cycles), 7, 'right')}
        </Text>
      ))}
    </Panel>
  );
}
