// The clients panel: per client, its operations and what it saw that the golden run did not — new
// errors (stale handles among them), wrong results (silent: OK, but not the golden result, before
// any error from that server), and other differences (consequences of an error it was told of).
import { Text } from 'ink';
import { DASHBOARD_LIMITS } from '../limits.ts';
import { cell, compactCount } from '../format.ts';
import type { ClientTally } from '../live/observation-judge.ts';
import { Panel, PANEL_CHROME_COLUMNS } from './panel.tsx';

/** Columns of the cells before "last difference", separators included. */
const FIXED_COLUMNS = 31;

/** Content lines the panel needs (its title and borders not counted). */
export function clientLines(clients: readonly ClientTally[]): number {
  const shown = Math.min(clients.length, DASHBOARD_LIMITS.clients_shown_max);
  return 1 + shown + (clients.length > shown ? 1 : 0);
}

export function ClientsPanel({ clients, width }: { clients: readonly ClientTally[]; width: number }) {
  const shown = clients.slice(0, DASHBOARD_LIMITS.clients_shown_max);
  const rest = clients.slice(shown.length);
  const last_columns = Math.max(8, width - PANEL_CHROME_COLUMNS - FIXED_COLUMNS);
  const count = (n: number) => cell(compactCount(n), 4, 'right');
  return (
    <Panel title="clients (against the golden run)" width={width}>
      <Text dimColor>
        {cell('c', 3)} {cell('ops', 6, 'right')} {cell('err', 4, 'right')} {cell('stl', 4, 'right')} {cell('wrg', 4, 'right')} {cell('oth', 4, 'right')} last difference
      </Text>
      {shown.map((c) => (
        <Text key={c.client}>
          {cell(`c${c.client}`, 3)} {cell(c.ops, 6, 'right')} <Text color={c.errors > 0 ? 'yellow' : undefined}>{count(c.errors)}</Text> {count(c.stale)} <Text color={c.wrong > 0 ? 'red' : undefined}>{count(c.wrong)}</Text> {count(c.other)} {cell(c.last ?? '-', last_columns)}
        </Text>
      ))}
      {rest.length > 0 ? (
        <Text dimColor>
          … {rest.length} more: ops {sum(rest, 'ops')} err {sum(rest, 'errors')} wrg {sum(rest, 'wrong')}
        </Text>
      ) : null}
    </Panel>
  );
}

function sum(rows: readonly ClientTally[], key: 'ops' | 'errors' | 'wrong'): number {
  return rows.reduce((n, r) => n + r[key], 0);
}
