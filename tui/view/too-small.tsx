// What a terminal smaller than the layout shows: a clear message, not a garbled screen.
import { Box, Text } from 'ink';
import type { TerminalSize } from './terminal-size.ts';

export function TooSmall({ size, needs }: { size: TerminalSize; needs: TerminalSize }) {
  return (
    <Box flexDirection="column">
      <Text bold color="yellow">
        terminal too small: {size.columns}×{size.rows}, the dashboard needs {needs.columns}×{needs.rows}
      </Text>
      <Text>enlarge the window (the run goes on; q quits), or pipe the output for plain lines:</Text>
      <Text dimColor>npx curios dashboard --cycles 5000000 | less</Text>
    </Box>
  );
}
