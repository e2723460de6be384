/** Provides the theme, the notice line and the app controls (quit, Ctrl-C twice) to screens. */
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { pressCtrlC, type QuitGuard } from '../state/quit-guard.js';
import { AppControlContext, type AppControl } from './app-control.js';
import { NoticeContext } from './notice.js';
import { ThemeContext, themeFor } from './theme.js';

const NOTICE_MS = 3000;

export function AppRoot({
  monochrome,
  onQuit,
  children,
}: {
  monochrome: boolean;
  onQuit: (value?: string) => void;
  children: ReactNode;
}): React.JSX.Element {
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const guard = useRef<QuitGuard>({ armedAt: undefined });
  const timer = useRef<NodeJS.Timeout | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

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
        else notify('press Ctrl-C again to quit');
        return quit;
      },
    }),
    [onQuit, notify],
  );
  const theme = useMemo(() => themeFor(monochrome), [monochrome]);

  return (
    <ThemeContext.Provider value={theme}>
      <AppControlContext.Provider value={control}>
        <NoticeContext.Provider value={notice}>{children}</NoticeContext.Provider>
      </AppControlContext.Provider>
    </ThemeContext.Provider>
  );
}
