// A campaign as an ink app: redrawn after every chunk of cells (and once a second for the rate),
// the table scrolled with the arrow keys; q stops a running campaign or leaves a finished one.
import { useApp, useInput, useStdin } from 'ink';
import { useEffect, useState } from 'react';
import type { CampaignProgress } from '../campaign/campaign-progress.ts';
import { CampaignScreen } from './campaign-screen.tsx';
import { useTerminalSize } from './terminal-size.ts';

export interface CampaignAppProps {
  progress: CampaignProgress;
  /** starts the campaign; calls `redraw` after each chunk */
  start: (redraw: () => void) => void;
}

const RATE_REDRAW_MS = 1_000;

export function CampaignApp({ progress, start }: CampaignAppProps) {
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const size = useTerminalSize();
  const [, setFrame] = useState(0);
  const [scroll, setScroll] = useState(0);
  const redraw = () => setFrame((n) => n + 1);
  useInput(
    (input, key) => {
      if (key.upArrow) setScroll((s) => Math.max(0, s - 1));
      if (key.downArrow) setScroll((s) => Math.min(Math.max(0, progress.rows.length - 1), s + 1));
      if (key.pageDown) setScroll((s) => Math.min(Math.max(0, progress.rows.length - 1), s + 10));
      if (key.pageUp) setScroll((s) => Math.max(0, s - 10));
      if (input === 'q') {
        progress.stop_requested = true;
        exit();
      }
    },
    { isActive: isRawModeSupported === true },
  );
  useEffect(() => {
    start(redraw);
    const timer = setInterval(redraw, RATE_REDRAW_MS);
    return () => clearInterval(timer);
  }, []);
  return <CampaignScreen progress={progress} size={size} scroll={scroll} />;
}
