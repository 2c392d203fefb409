// The live dashboard's layout, for a terminal of a given size:
//
//   header (2 lines)
//   servers            | SSR map
//   clients            | recovery
//   events (or help) — every line left over
//   footer (2 lines)
//
// The frame is kept one line shorter than the terminal, so that ink redraws it in place instead
// of clearing the screen each frame. A terminal too small for it gets a message instead.
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

export function LiveScreen({ view, size }: { view: LiveView; size: TerminalSize }) {
  const layout = layoutOf(view, size);
  if (size.columns < layout.needs.columns || size.rows < layout.needs.rows) return <TooSmall size={size} needs={layout.needs} />;
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
