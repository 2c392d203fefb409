// The terminal's size, followed as it is resized. A stream that does not know its size (a test's
// fake stdout) is taken as the size the dashboard is designed for.
import { useStdout } from 'ink';
import { useEffect, useState } from 'react';

export interface TerminalSize {
  columns: number;
  rows: number;
}

const ASSUMED_SIZE: TerminalSize = { columns: 100, rows: 40 };

export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState<TerminalSize>(() => sizeOf(stdout));
  useEffect(() => {
    const onResize = () => setSize(sizeOf(stdout));
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}

function sizeOf(stdout: NodeJS.WriteStream): TerminalSize {
  return { columns: stdout.columns ?? ASSUMED_SIZE.columns, rows: stdout.rows ?? ASSUMED_SIZE.rows };
}
