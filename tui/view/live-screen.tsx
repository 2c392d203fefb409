// The live dashboard's layout, for a terminal of a given size:
//
//   header (2 lines)
//   servers            | SSR map
//   clients            | recovery
//   events (or help) — every line left over
//   footer (2 lines)
//
// A terminal smaller than that (80×24, the default of most terminals) gets the compact layout:
// header, servers across the whole width, events, footer — the clients, SSR and recovery panels
// come back when the terminal is large enough. The frame is kept one line shorter than the
// terminal, so that ink redraws it in place instead of clearing the screen each frame. A terminal
// too small even for the compact layout gets a message instead.
import { Box } from 'ink';
import { DASHBOARD_LIMITS } from '../limits.ts';
import type { LiveView } from '../live/live-view.ts';
import { ClientsPanel, clientLines } from './clients-panel.tsx';
import { EventsPanel } from './events-panel.tsx';
import { FOOTER_LINES, FooterBar } from './footer-bar.tsx';
import { HEADER_LINES, HeaderBar } from './header-bar.tsx';
import { HelpPanel } from './help-panel.tsx';
import { PANEL_CHROME_LINES } from './panel.tsx';
import { ServersPanel } from './servers-panel.tsx';
import { SsrPanel, ssrLines } from './ssr-panel.tsx';
import { STATS_LINES, StatsPanel } from './stats-panel.tsx';
import type { TerminalSize } from './terminal-size.ts';
import { TooSmall } from './too-small.tsx';

export interface Layout {
  top_lines: number;
  middle_lines: number;
  /** content lines of the events panel */
  event_lines: number;
  /** the smallest terminal this view fits */
  needs: TerminalSize;
}

export function layoutOf(view: LiveView, size: TerminalSize): Layout {
  // Panel heights include the title line: content lines + PANEL_CHROME_LINES.
  const top_lines = Math.max(view.servers.length + 1, ssrLines(view.ssr)) + PANEL_CHROME_LINES;
  const middle_lines = Math.max(clientLines(view.clients), STATS_LINES) + PANEL_CHROME_LINES;
  const fixed = HEADER_LINES + top_lines + middle_lines + PANEL_CHROME_LINES + FOOTER_LINES + 1;
  return {
    top_lines,
    middle_lines,
    event_lines: size.rows - fixed,
    needs: { columns: DASHBOARD_LIMITS.min_columns, rows: fixed + DASHBOARD_LIMITS.events_min_lines },
  };
}

/** The compact layout: servers across the whole width, then the events. */
export function compactLayoutOf(view: LiveView, size: TerminalSize): Layout {
  const top_lines = view.servers.length + 1 + PANEL_CHROME_LINES;
  const fixed = HEADER_LINES + top_lines + PANEL_CHROME_LINES + FOOTER_LINES + 1;
  return {
    top_lines,
    middle_lines: 0,
    event_lines: size.rows - fixed,
    needs: { columns: DASHBOARD_LIMITS.compact_min_columns, rows: fixed + DASHBOARD_LIMITS.events_min_lines },
  };
}

const fits = (size: TerminalSize, needs: TerminalSize) => size.columns >= needs.columns && size.rows >= needs.rows;

export function LiveScreen({ view, size }: { view: LiveView; size: TerminalSize }) {
  const layout = layoutOf(view, size);
  if (fits(size, layout.needs)) return <FullScreen view={view} size={size} layout={layout} />;
  const compact = compactLayoutOf(view, size);
  if (fits(size, compact.needs)) return <CompactScreen view={view} size={size} layout={compact} full={layout.needs} />;
  return <TooSmall size={size} needs={compact.needs} />;
}

function FullScreen({ view, size, layout }: { view: LiveView; size: TerminalSize; layout: Layout }) {
  const left = Math.floor(size.columns / 2);
  const right = size.columns - left;
  return (
    <Box flexDirection="column" width={size.columns}>
      <HeaderBar header={view.header} />
      <Box height={layout.top_lines}>
        <ServersPanel servers={view.servers} width={left} />
        <SsrPanel map={view.ssr} width={right} />
      </Box>
      {view.help ? (
        // Help takes the clients and recovery row too: it needs the room more than they do.
        <HelpPanel width={size.columns} lines={layout.middle_lines + layout.event_lines} />
      ) : (
        <>
          <Box height={layout.middle_lines}>
            <ClientsPanel clients={view.clients} width={left} />
            <StatsPanel stats={view.stats} clients={view.clients} width={right} />
          </Box>
          <EventsPanel events={view.events} trace={view.trace} width={size.columns} lines={layout.event_lines} />
        </>
      )}
      <FooterBar prompt={view.prompt} message={view.message} panic={view.header.panic} />
    </Box>
  );
}

function CompactScreen({ view, size, layout, full }: { view: LiveView; size: TerminalSize; layout: Layout; full: TerminalSize }) {
  const note = `compact view: clients, SSRs and recovery at ${full.columns}×${full.rows} or more`;
  return (
    <Box flexDirection="column" width={size.columns}>
      <HeaderBar header={view.header} />
      <Box height={layout.top_lines}>
        <ServersPanel servers={view.servers} width={size.columns} />
      </Box>
      {view.help ? (
        <HelpPanel width={size.columns} lines={layout.event_lines} />
      ) : (
        <EventsPanel events={view.events} trace={view.trace} width={size.columns} lines={layout.event_lines} />
      )}
      <FooterBar prompt={view.prompt} message={view.message ?? note} panic={view.header.panic} />
    </Box>
  );
}
