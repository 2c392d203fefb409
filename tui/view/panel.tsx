// A bordered panel with its title in the top line: the frame every part of the dashboard sits in.
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';

export interface PanelProps {
  title: string;
  width: number;
  /** total height, borders included (omitted: as tall as its content) */
  height?: number;
  children: ReactNode;
}

export function Panel({ title, width, height, children }: PanelProps) {
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor="gray" paddingX={1} overflow="hidden">
      <Text bold color="cyan">
        {title}
      </Text>
      {children}
    </Box>
  );
}

/** Lines a panel takes beyond its content: two borders and the title. */
export const PANEL_CHROME_LINES = 3;
/** Columns a panel takes beyond its content: two borders and two of padding. */
export const PANEL_CHROME_COLUMNS = 4;
