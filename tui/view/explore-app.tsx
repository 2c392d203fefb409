// A stored exploration as an ink app: nothing runs; ↑/↓ (and PgUp/PgDn) select a class, ←/→ scroll
// the heat map, q leaves.
import { useApp, useInput, useStdin } from 'ink';
import { useState } from 'react';
import { heatLines } from '../explore/explore-lines.ts';
import { ExploreScreen, type ExploreScroll, type ExploreView } from './explore-screen.tsx';
import { useTerminalSize } from './terminal-size.ts';

const PAGE_ROWS = 10;
const SIDEWAYS_COLUMNS = 8;

export function ExploreApp({ view }: { view: ExploreView }) {
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const size = useTerminalSize();
  const [scroll, setScroll] = useState<ExploreScroll>({ selected: 0, columns: 0 });
  const last_class = Math.max(0, view.file.classes.length - 1);
  const last_column = Math.max(0, (heatLines(view.file).lines[0]?.length ?? 0) - 1);
  const by = (classes: number, columns: number) =>
    setScroll((s) => ({ selected: Math.max(0, Math.min(last_class, s.selected + classes)), columns: Math.max(0, Math.min(last_column, s.columns + columns)) }));
  useInput(
    (input, key) => {
      if (key.upArrow) by(-1, 0);
      if (key.downArrow) by(1, 0);
      if (key.pageUp) by(-PAGE_ROWS, 0);
      if (key.pageDown) by(PAGE_ROWS, 0);
      if (key.leftArrow) by(0, -SIDEWAYS_COLUMNS);
      if (key.rightArrow) by(0, SIDEWAYS_COLUMNS);
      if (input === 'q') exit();
    },
    { isActive: isRawModeSupported === true },
  );
  return <ExploreScreen view={view} size={size} scroll={scroll} />;
}
