// The top two lines: which run this is (mode, seed, fault rate), where it is in virtual time and
// whether it is running, paused, panicked, given up, waiting for its worker, or ended (its worker
// broke a host limit); then the mode's commit policy (where it has one) and how fast it goes.
import { Box, Text } from 'ink';
import { compactCycles, groupedCycles } from '../format.ts';
import { usesCommitPolicy } from '../../src/ssr/modes.ts';
import type { RunHeader } from '../live/live-view.ts';

export const HEADER_LINES = 2;

function runState(h: RunHeader): { text: string; color: string } {
  // The outcome alone (the footer says the run ended): it must fit a 100-column header.
  if (h.ended !== null) return { text: h.ended, color: 'redBright' };
  if (h.unanswered_s !== null) return { text: `${h.paused ? 'PAUSED, ' : ''}WAITING ${h.unanswered_s} s`, color: 'yellow' };
  if (h.panic !== null) return { text: 'KERNEL PANIC', color: 'redBright' };
  if (h.stopped_at !== null) return { text: 'STOPPED', color: 'yellow' };
  if (h.paused) return { text: 'PAUSED', color: 'yellow' };
  if (h.given_up) return { text: 'GIVEN UP', color: 'redBright' };
  return { text: 'running', color: 'green' };
}

export function HeaderBar({ header: h }: { header: RunHeader }) {
  const state = runState(h);
  const rate = h.fault_rate === 0 ? 'no faults' : `${h.fault_rate} faults/Mcycle`;
  const cps = h.cycles_per_s === null ? '-' : compactCycles(h.cycles_per_s);
  const eps = h.trace_events_per_s === null ? '-' : compactCycles(h.trace_events_per_s);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>curios</Text> · mode{' '}
        <Text bold color="cyan">
          {h.mode}
        </Text>{' '}
        · seed {h.seed} · {rate} · {h.clients} clients · cycle {groupedCycles(h.now_cycles)} ·{' '}
        <Text bold color={state.color}>
          {state.text}
        </Text>
      </Text>
      <Text dimColor wrap="truncate-end">
        {usesCommitPolicy(h.mode) ? `${h.commit} commit · ` : ''}simulated {cps} cycles/s · {eps} kernel events/s · speed {h.speed}
      </Text>
    </Box>
  );
}
