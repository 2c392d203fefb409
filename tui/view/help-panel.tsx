// The help screen (?): every key, what each panel shows, and what the four modes do.
import { Text } from 'ink';
import { Panel, PANEL_CHROME_LINES } from './panel.tsx';

const HELP_TEXT: readonly string[] = [
  'keys',
  '  space   pause / resume                  s     one scheduling step (pauses)',
  '  + / -   faster / slower                 m     next mode (none → restart → persist → curios), same seed',
  '  k N     crash server N now              h N   hang server N at its next request (heartbeats find it)',
  "  c N     corrupt: flip a bit of one client's state in server N",
  "  w N     wild write: server N's next request stores into another client's state",
  '  r       replay the last crash from cycle 0: pauses just before it and checks the trace hash',
  '  ?       this help (esc closes)          q     quit',
  'panels',
  '  servers   state, incarnation, restarts, uptime, cycles since its last heartbeat answer',
  "  SSR map   each client's state region: * mapped now, ok / BAD checksum, rst = reset (ESTALE next)",
  '  clients   what differed from the golden run (same clients, no faults): new errors, stale handles',
  '            among them, and wrong results (OK, but not what the golden run got)',
  '  recovery  failures detected and how they ended; MTTR = from the fault to the server serving again',
  'modes',
  '  none     a crashed server stays down         restart  it comes back empty (MINIX 3): stale handles',
  '  persist  state kept, but unprotected         curios   state in SSRs: mapped for one request, checksummed',
];

export function HelpPanel({ width, lines }: { width: number; lines: number }) {
  return (
    <Panel title="help" width={width} height={lines + PANEL_CHROME_LINES}>
      {HELP_TEXT.slice(0, lines).map((line, i) => (
        <Text key={i} wrap="truncate-end">
          {line}
        </Text>
      ))}
    </Panel>
  );
}
