// A campaign as it runs: progress, a bar of strict recovery per mode (and commit policy), and the outcome table
// filling in (scrolled with the arrow keys when it is taller than the terminal).
import { Box, Text } from 'ink';
import type { CampaignProgress, ModeRecovery } from '../campaign/campaign-progress.ts';
import { campaignTable } from '../campaign/campaign-table.ts';
import { variantName } from '../../src/ssr/modes.ts';
import { DASHBOARD_LIMITS } from '../limits.ts';
import { Panel, PANEL_CHROME_LINES } from './panel.tsx';
import type { TerminalSize } from './terminal-size.ts';
import { TooSmall } from './too-small.tsx';

const BAR_COLUMNS = 40;

export function bar(share: number, columns: number): string {
  const full = Math.round(Math.max(0, Math.min(1, share)) * columns);
  return '█'.repeat(full) + '░'.repeat(columns - full);
}

function modeBarLine(m: ModeRecovery): string {
  const pct = m.share === null ? '    -' : `${(m.share * 100).toFixed(1).padStart(5)}%`;
  return `${variantName(m.mode, m.commit).padEnd(16)} ${bar(m.share ?? 0, BAR_COLUMNS)} ${pct}  ${m.recovered}/${m.manifested} manifested`;
}

function campaignStatus(p: CampaignProgress): string {
  if (p.error !== null) return `failed: ${p.error}`;
  if (p.finished) return `done: ${p.results.length} trials — q quits and prints the full report`;
  if (p.stop_requested) return 'stopping after this chunk…';
  const rate = p.cellsPerSecond();
  const left_s = rate === null ? null : (p.total_cells - p.done_cells) / rate;
  return `running on ${p.workers} worker${p.workers === 1 ? '' : 's'}${rate === null ? '' : ` · ${rate.toFixed(1)} cells/s · ${left_s?.toFixed(0)} s left`} — q stops`;
}

export function CampaignScreen({ progress: p, size, scroll }: { progress: CampaignProgress; size: TerminalSize; scroll: number }) {
  const modes = p.perMode();
  const table = campaignTable(p.rows);
  // Two title lines, the bars panel, the table's chrome and column header, two status lines, and a
  // spare line so that ink redraws in place rather than clearing the screen.
  const fixed = 2 + (modes.length + PANEL_CHROME_LINES) + (PANEL_CHROME_LINES + 1) + 2 + 1;
  const needs = { columns: DASHBOARD_LIMITS.min_columns, rows: fixed + DASHBOARD_LIMITS.events_min_lines };
  if (size.columns < needs.columns || size.rows < needs.rows) return <TooSmall size={size} needs={needs} />;
  const table_lines = size.rows - fixed;
  const first = Math.max(0, Math.min(scroll, table.lines.length - table_lines));
  const shown = table.lines.slice(first, first + table_lines);
  const c = p.config;
  return (
    <Box flexDirection="column" width={size.columns}>
      <Text>
        <Text bold>curios campaign</Text> · seed {c.seed} · {c.servers.length} servers × {c.faults.length} fault kinds × {c.trials} trials × {c.modes.length} modes · commit {c.commits.join(', ')}
      </Text>
      <Text>
        [{bar(p.total_cells === 0 ? 1 : p.done_cells / p.total_cells, BAR_COLUMNS)}] {p.done_cells}/{p.total_cells} cells · {p.results.length} trials
      </Text>
      <Panel title="strict recovery per mode (masked + recovered) / manifested" width={size.columns}>
        {modes.map((m) => (
          <Text key={m.mode}>{modeBarLine(m)}</Text>
        ))}
      </Panel>
      <Panel title={`outcomes (rows ${table.lines.length === 0 ? 0 : first + 1}-${first + shown.length} of ${table.lines.length}; ↑/↓ scroll)`} width={size.columns} height={table_lines + PANEL_CHROME_LINES + 1}>
        <Text dimColor>{table.header}</Text>
        {shown.map((line, i) => (
          <Text key={i} color={line.emphasis === 'bad' ? 'red' : line.emphasis === 'warn' ? 'yellow' : undefined} wrap="truncate-end">
            {line.text}
          </Text>
        ))}
      </Panel>
      <Text color={p.error !== null ? 'red' : p.finished ? 'green' : 'yellow'}>{campaignStatus(p)}</Text>
      <Text dimColor>↑/↓ scroll the table · q {p.finished ? 'quit' : 'stop'}</Text>
    </Box>
  );
}
