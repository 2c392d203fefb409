// A stored exploration on the terminal: which one it is, the statement of what was tried per mode,
// the heat map — each cell its worst outcome's letter on that outcome's colour (the HTML report's
// colours), scrolled sideways when wider than the terminal — with its key and legend, then the
// failure classes, worst first, with the crash seed of each failing one; the class selected with
// ↑/↓ has its replay command under the list.
import { Box, Text } from 'ink';
import { inkOn, OUTCOME_COLOURS } from '../../src/campaign/report/html.ts';
import { OUTCOME_LETTER } from '../../src/campaign/explore/heat-map.ts';
import type { ExploreFile } from '../../src/campaign/explore/run.ts';
import { completenessLines, exploreTitle } from '../../src/campaign/explore/statements.ts';
import { shortHash } from '../../src/campaign/report/columns.ts';
import { classLines, heatLines, heatWindow, legendRows, wrapWords, type HeatChar } from '../explore/explore-lines.ts';
import { DASHBOARD_LIMITS } from '../limits.ts';
import { Panel, PANEL_CHROME_COLUMNS, PANEL_CHROME_LINES } from './panel.tsx';
import type { TerminalSize } from './terminal-size.ts';
import { TooSmall } from './too-small.tsx';

export interface ExploreView {
  /** the exploration's id in the store */
  id: string;
  file: ExploreFile;
  seeds: ReadonlyMap<string, string>;
}

/** Where the viewer is: the class selected (its line is kept in view), the first heat-map column shown. */
export interface ExploreScroll {
  selected: number;
  columns: number;
}

function HeatCharText({ c }: { c: HeatChar }) {
  if (c.outcome === null) return <Text dimColor>{c.text}</Text>;
  const colour = OUTCOME_COLOURS[c.outcome];
  return (
    <Text backgroundColor={colour} color={inkOn(colour)} bold>
      {c.text}
    </Text>
  );
}

/** The statements of completeness, wrapped to the panel's width. */
function triedLines(file: ExploreFile, columns: number): string[] {
  return completenessLines(file).flatMap((l) => wrapWords(l, columns - PANEL_CHROME_COLUMNS));
}

/** Lines the screen takes besides the classes' rows. */
export function exploreFixedLines(file: ExploreFile, columns: number): number {
  const title = 1;
  const tried = triedLines(file, columns).length + PANEL_CHROME_LINES;
  const heat = 2 + file.heat.rows.length + 1 + legendRows(file, columns - PANEL_CHROME_COLUMNS).length + PANEL_CHROME_LINES;
  const classes = PANEL_CHROME_LINES + 1;
  const footer = 2; // the selected class's replay command, the keys
  // and a spare line, so that ink redraws in place rather than clearing the screen
  return title + tried + heat + classes + footer + 1;
}

export function ExploreScreen({ view, size, scroll }: { view: ExploreView; size: TerminalSize; scroll: ExploreScroll }) {
  const { file } = view;
  const fixed = exploreFixedLines(file, size.columns);
  const needs = { columns: DASHBOARD_LIMITS.min_columns, rows: fixed + DASHBOARD_LIMITS.events_min_lines };
  if (size.columns < needs.columns || size.rows < needs.rows) return <TooSmall size={size} needs={needs} />;
  const heat = heatLines(file);
  const labelWidth = heat.labels[0]?.length ?? 0;
  const mapWidth = size.columns - PANEL_CHROME_COLUMNS - labelWidth - 2;
  const shown = heatWindow(heat, scroll.columns, mapWidth);
  const total = heat.lines[0]?.length ?? 0;
  const classes = classLines(file, view.seeds);
  const classRows = size.rows - fixed;
  const selected = Math.max(0, Math.min(scroll.selected, classes.lines.length - 1));
  const first = Math.max(0, selected - classRows + 1);
  const visible = classes.lines.slice(first, first + classRows);
  const sideways = total > mapWidth ? ` (columns ${shown.first + 1}-${shown.first + Math.min(mapWidth, total)} of ${total}; ←/→ scroll)` : '';
  return (
    <Box flexDirection="column" width={size.columns}>
      <Text wrap="truncate-end">
        <Text bold>curios explore</Text> {view.id} · {exploreTitle(file.config)} · {file.trials} trials · digest {shortHash(file.digest)}
      </Text>
      <Panel title="what was tried" width={size.columns}>
        {triedLines(file, size.columns).map((l, i) => (
          <Text key={i} wrap="truncate-end">
            {l}
          </Text>
        ))}
      </Panel>
      <Panel title={`heat map: worst outcome per request${sideways}`} width={size.columns}>
        {shown.lines.map((line, i) => (
          <Text key={i} wrap="truncate-end">
            {heat.labels[i]}
            {'  '}
            {line.map((c, k) => (
              <HeatCharText key={k} c={c} />
            ))}
          </Text>
        ))}
        <Text dimColor wrap="truncate-end">
          {heat.key}
        </Text>
        {legendRows(file, size.columns - PANEL_CHROME_COLUMNS).map((row, i) => (
          <Text key={i} wrap="truncate-end">
            {row.map((o) => (
              <Text key={o}>
                <HeatCharText c={{ text: OUTCOME_LETTER[o], outcome: o }} /> {o}
                {'  '}
              </Text>
            ))}
          </Text>
        ))}
      </Panel>
      <Panel title={`failure classes, worst first (${classes.lines.length === 0 ? 'none' : `${selected + 1} of ${classes.lines.length}`}; ↑/↓ select)`} width={size.columns} height={classRows + PANEL_CHROME_LINES + 1}>
        <Text dimColor wrap="truncate-end">
          {classes.header}
        </Text>
        {visible.map((l, i) => (
          <Text key={i} color={l.failing ? (l.outcome === 'degraded' ? 'yellow' : 'red') : undefined} inverse={first + i === selected} wrap="truncate-end">
            {l.text}
          </Text>
        ))}
      </Panel>
      <Text wrap="truncate-end">{classes.lines[selected]?.replay ?? ''}</Text>
      <Text dimColor>↑/↓ select a class · ←/→ scroll the heat map · q quit</Text>
    </Box>
  );
}
