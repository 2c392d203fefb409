// The SSR map: per server with client state, each client's Server State Region — marked `*` while
// it is mapped into the server (only during that client's request, under curios), and whether its
// bytes still match their sealed checksum. Under none and restart there are no SSRs to show.
import { Text } from 'ink';
import { MODE_SPECS } from '../../src/ssr/modes.ts';
import { cell } from '../format.ts';
import type { SsrCell, SsrMap } from '../live/ssr-inspect.ts';
import { Panel, PANEL_CHROME_COLUMNS } from './panel.tsx';

/** One client's cell: "c1*ok " — name, mapped mark, state, a space. */
const CELL_COLUMNS = 7;
const MARK_COLUMNS = 3;
/** The server's name and the client mapped now, before the cells. */
const LEAD_COLUMNS = 13;

function ssrMark(c: SsrCell): { text: string; color: string } {
  if (c.checksum === 'bad') return { text: 'BAD', color: 'red' };
  if (c.condition === 'reset' || c.stale) return { text: 'rst', color: 'yellow' };
  if (c.condition === 'suspect') return { text: 'sus', color: 'yellow' };
  if (c.checksum === 'open') return { text: 'opn', color: 'cyan' };
  if (c.checksum === 'unchecked') return { text: '--', color: 'gray' };
  return { text: 'ok', color: 'green' };
}

function legend(map: SsrMap): string {
  const spec = MODE_SPECS[map.mode];
  if (spec.ssr_checked) return 'ok sealed · BAD checksum fails · rst reset';
  return `${map.mode}: ${spec.ssr_mapped === 'always' ? 'always mapped, ' : ''}never checked`;
}

/** Content lines the panel needs for this map (its title and borders not counted). */
export function ssrLines(map: SsrMap): number {
  // A column header, a line per server, the counters and the legend; or two lines of explanation.
  return map.active ? map.servers.length + 3 : 2;
}

export function SsrPanel({ map, width }: { map: SsrMap; width: number }) {
  if (!map.active) {
    return (
      <Panel title="SSR map" width={width}>
        <Text>mode {map.mode}: no SSRs — each client's state lives in</Text>
        <Text>the server's own memory and dies with it</Text>
      </Panel>
    );
  }
  const fit = Math.max(1, Math.floor((width - PANEL_CHROME_COLUMNS - LEAD_COLUMNS) / CELL_COLUMNS));
  const s = map.stats;
  return (
    <Panel title="SSR map (* mapped now)" width={width}>
      <Text dimColor>
        {cell('server', 7)} {cell('now', 4)} client SSRs
      </Text>
      {map.servers.map((srv) => (
        <Text key={srv.name}>
          {cell(srv.name, 7)} {cell(srv.mapped_client === null ? '-' : `c${srv.mapped_client}`, 4)}{' '}
          {srv.cells.slice(0, fit).map((c) => {
            const mark = ssrMark(c);
            return (
              <Text key={c.client}>
                {`c${c.client}${c.mapped ? '*' : ' '}`}
                <Text color={mark.color}>{cell(mark.text, MARK_COLUMNS)}</Text>{' '}
              </Text>
            );
          })}
          {srv.cells.length > fit ? `+${srv.cells.length - fit}` : ''}
        </Text>
      ))}
      <Text dimColor>
        maps {s.maps} commits {s.commits} rollbacks {s.rollbacks} resets {s.resets}
      </Text>
      <Text dimColor>{legend(map)}</Text>
    </Panel>
  );
}
