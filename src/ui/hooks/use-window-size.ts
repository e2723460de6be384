/** The size of the learner's terminal, updated on every resize. */
import { useStdout } from 'ink';
import { useEffect, useState } from 'react';

export interface WindowSize {
  cols: number;
  rows: number;
}

function sizeOf(stdout: NodeJS.WriteStream): WindowSize {
  return { cols: stdout.columns || 80, rows: stdout.rows || 24 };
}

export function useWindowSize(): WindowSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => sizeOf(stdout));
  useEffect(() => {
    const onResize = (): void => setSize(sizeOf(stdout));
    stdout.on('resize', onResize);
    onResize();
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}
