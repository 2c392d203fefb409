// Recovery statistics: faults fired, failures detected and how they ended, the share restarted,
// and mean times from a fault to its detection and to the server serving again; and latent
// damage found (broken invariants no client has read), when there is some.
import { Text } from 'ink';
import { compactCycles, percentOf } from '../format.ts';
import type { ClientTally } from '../live/observation-judge.ts';
import type { RecoveryStats } from '../live/recovery-tracker.ts';
import { Panel } from './panel.tsx';

export const STATS_LINES = 6;

export function StatsPanel({ stats, clients, width }: { stats: RecoveryStats; clients: readonly ClientTally[]; width: number }) {
  const causes = Object.entries(stats.by_cause)
    .map(([cause, n]) => `${cause} ${n}`)
    .join(', ');
  const total = (key: 'errors' | 'stale' | 'wrong' | 'other') => clients.reduce((n, c) => n + c[key], 0);
  return (
    <Panel title="recovery" width={width}>
      <Text>
        faults fired {stats.faults_fired} · failures detected {stats.failures}
      </Text>
      <Text>
        recovered (restarted) {stats.restarted}/{stats.failures} <Text bold>{percentOf(stats.restarted, stats.failures)}</Text> · down {stats.down}
        {stats.given_up ? <Text color="redBright"> · GIVEN UP</Text> : null}
      </Text>
      <Text>MTTR {stats.mttr_cycles === null ? '-' : `${compactCycles(stats.mttr_cycles)} cycles`} (fault → serving again)</Text>
      <Text>detection {stats.detect_cycles === null ? '-' : `${compactCycles(stats.detect_cycles)} cycles`} after the fault</Text>
      <Text>
        causes: {causes === '' ? '-' : causes}
        {stats.latent_damage > 0 ? <Text color="redBright"> · latent {stats.latent_damage}</Text> : null}
      </Text>
      <Text>
        clients: err {total('errors')} (stale {total('stale')}) · wrong {total('wrong')} · other {total('other')}
      </Text>
    </Panel>
  );
}
