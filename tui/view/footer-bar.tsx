// The bottom two lines: the question a key is waiting on (or what the last key did), and the keys.
import { Box, Text } from 'ink';

export const FOOTER_LINES = 2;
export const KEYS_LINE = 'space pause  s step  +/- speed  m mode  k/h/c/w N crash/hang/corrupt/wild  r replay  ? help  q quit';

export function FooterBar({ prompt, message, panic }: { prompt: string | null; message: string | null; panic: string | null }) {
  return (
    <Box flexDirection="column">
      {prompt !== null ? (
        <Text bold color="magenta">
          {prompt}
        </Text>
      ) : panic !== null ? (
        <Text color="redBright">kernel panic: {panic}</Text>
      ) : (
        <Text color="yellow">{message ?? ' '}</Text>
      )}
      <Text dimColor wrap="truncate-end">
        {KEYS_LINE}
      </Text>
    </Box>
  );
}
