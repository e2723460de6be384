/** Provides the window size, the theme, the notice line and the app controls to screens. */
import { t } from '../../i18n/messages.js';
import { Box } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { WindowSizeContext, type WindowSize } from '../hooks/use-window-size.js';
import { pressCtrlC, type QuitGuard } from '../state/quit-guard.js';
import { AppControlContext, type AppControl } from './app-control.js';
import { NoticeContext } from './notice.js';
import { ThemeContext, themeFor } from './theme.js';

const NOTICE_MS = 3000;

export function AppRoot({
  monochrome,
  size,
  onQuit,
  onClear,
  children,
}: {
  monochrome: boolean;
  size: WindowSize;
  onQuit: (value?: string) => void;
  /** Clears the terminal (a redraw starts with it). */
  onClear: () => void;
  children: ReactNode;
}): React.JSX.Element {
  const [notice, setNotice] = useState<string | undefined>(undefined);
  // One blank frame, then the whole frame again: Ink draws only frames that differ.
  const [blank, setBlank] = useState(false);
  const guard = useRef<QuitGuard>({ armedAt: undefined });
  const timer = useRef<NodeJS.Timeout | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  useEffect(() => {
    if (blank) setBlank(false);
  }, [blank]);

  const notify = useCallback((message: string) => {
    setNotice(message);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setNotice(undefined), NOTICE_MS);
  }, []);

  const control = useMemo<AppControl>(
    () => ({
      quit: onQuit,
      notify,
      ctrlC: () => {
        const { quit, guard: next } = pressCtrlC(guard.current, Date.now());
        guard.current = next;
        if (quit) onQuit();
        else notify(t('keys.ctrlCAgain'));
        return quit;
      },
      redraw: () => {
        onClear();
        setBlank(true);
      },
    }),
    [onQuit, onClear, notify],
  );
  const theme = useMemo(() => themeFor(monochrome), [monochrome]);
  const windowSize = useMemo(() => ({ cols: size.cols, rows: size.rows }), [size.cols, size.rows]);

  return (
    <WindowSizeContext.Provider value={windowSize}>
      <ThemeContext.Provider value={theme}>
        <AppControlContext.Provider value={control}>
          <NoticeContext.Provider value={notice}>
            {/* Hidden, not unmounted: the screen keeps its state through a redraw. */}
            <Box display={blank ? 'none' : 'flex'} flexDirection="column">
              {children}
            </Box>
          </NoticeContext.Provider>
        </AppControlContext.Provider>
      </ThemeContext.Provider>
    </WindowSizeContext.Provider>
  );
}
