// The live dashboard as an ink app: a timer runs the model one frame at a time (at most 30 a
// second) and then updates React state once; keys go to the model. Input is read only where
// stdin can be put in raw mode (ink's useInput throws otherwise).
import { useApp, useInput, useStdin } from 'ink';
import { useEffect, useState } from 'react';
import { DASHBOARD_LIMITS } from '../limits.ts';
import type { DashboardModel } from '../live/dashboard-model.ts';
import { LiveScreen } from './live-screen.tsx';
import { useTerminalSize } from './terminal-size.ts';

export interface LiveAppProps {
  model: DashboardModel;
  /** wall milliseconds between frames */
  frame_ms?: number;
}

export function LiveApp({ model, frame_ms = DASHBOARD_LIMITS.frame_ms }: LiveAppProps) {
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const size = useTerminalSize();
  const [view, setView] = useState(() => model.view());
  useInput(
    (input, key) => {
      model.key(input, key);
      setView(model.view());
      if (model.quit) exit();
    },
    { isActive: isRawModeSupported === true },
  );
  useEffect(() => {
    const timer = setInterval(() => {
      model.tick();
      setView(model.view());
      if (model.quit) exit();
    }, frame_ms);
    return () => clearInterval(timer);
  }, [model, frame_ms, exit]);
  return <LiveScreen view={view} size={size} />;
}
