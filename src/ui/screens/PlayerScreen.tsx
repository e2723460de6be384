/**
 * The lesson player: the step on the left, the lab shell on the right above the live kernel
 * panels. The shell has the focus first (keys go to it; Ctrl-T is the prefix for the app's
 * commands); Ctrl-T Tab moves the focus to the lesson, where single letters work.
 */
import { Box } from 'ink';
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { useAppControl } from '../app/app-control.js';
import { playerLayout } from '../app/player-layout.js';
import { AppShell } from '../components/AppShell.js';
import type { KeyHint } from '../components/Footer.js';
import { HelpOverlay } from '../components/HelpOverlay.js';
import { LessonPane } from '../components/LessonPane.js';
import { LivePanels, PANEL_TABS, type PanelTab } from '../components/panels/LivePanels.js';
import { TerminalPane } from '../components/TerminalPane.js';
import { useKeys } from '../hooks/use-keys.js';
import { useLessonKeys, type LessonCommand } from '../hooks/use-lesson-keys.js';
import { usePaneKeys } from '../hooks/use-pane-keys.js';
import type { PaneCommand } from '../keys/terminal-keys.js';
import type { LiveKernel } from '../state/live-kernel.js';
import type { PlayerStore } from '../state/player-store.js';
import type { EmbeddedTerminal } from '../terminal/embedded-terminal.js';

const SHELL_FOOTER: KeyHint[] = [
  { keys: 'Ctrl-T c', label: 'check' },
  { keys: 'Ctrl-T h', label: 'hint' },
  { keys: 'Ctrl-T n/p', label: 'step' },
  { keys: 'Ctrl-T 1-5', label: 'panel' },
  { keys: 'Ctrl-T Tab', label: 'lesson' },
  { keys: 'Ctrl-T f', label: 'full' },
  { keys: 'Ctrl-T q', label: 'quit' },
  { keys: 'Ctrl-T ?', label: 'keys' },
];

const LESSON_FOOTER: KeyHint[] = [
  { keys: 'c', label: 'check' },
  { keys: 'h', label: 'hint' },
  { keys: 's', label: 'solution' },
  { keys: 'n/p', label: 'step' },
  { keys: 'A-D', label: 'answer' },
  { keys: '↑↓', label: 'scroll' },
  { keys: 'Tab', label: 'shell' },
  { keys: 'q', label: 'quit' },
];

type Focus = 'shell' | 'lesson';

export function PlayerScreen({
  store,
  terminal,
  live,
}: {
  store: PlayerStore;
  terminal: EmbeddedTerminal;
  live: LiveKernel;
}): React.JSX.Element {
  const app = useAppControl();
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const view = useSyncExternalStore(live.subscribe, live.getView);
  const [focus, setFocus] = useState<Focus>('shell');
  const [tab, setTab] = useState<PanelTab>('processes');
  const [full, setFull] = useState(false);
  const [help, setHelp] = useState(false);
  const [scroll, setScroll] = useState(0);
  // Only the panel on screen (none under help or the full-screen shell) asks for new frames.
  useEffect(() => live.show(help || full ? undefined : tab), [live, help, full, tab]);

  const run = useCallback(
    (command: PaneCommand | LessonCommand) => {
      if (command.startsWith('tab-')) {
        const t = PANEL_TABS[Number(command.slice(4)) - 1];
        if (t !== undefined) setTab(t);
        return;
      }
      if (command.startsWith('answer-')) {
        store.answer(Number(command.slice(7)));
        return;
      }
      switch (command) {
        case 'fullscreen':
          return setFull((f) => !f);
        case 'focus-lesson':
          return setFocus('lesson');
        case 'focus-shell':
          return setFocus('shell');
        case 'help':
          return setHelp(true);
        case 'next-step':
        case 'prev-step':
          setScroll(0);
          void store.go(command === 'next-step' ? 1 : -1);
          return;
        case 'checkpoint':
          void store.check();
          return;
        case 'hint':
          void store.hint();
          return;
        case 'solution':
          return store.showSolution();
        case 'scroll-up':
          return setScroll((s) => Math.max(0, s - 3));
        case 'scroll-down':
          return setScroll((s) => s + 3);
        case 'skip-typing':
          return terminal.skipTyping();
        case 'quit':
          return app.quit();
      }
    },
    [store, terminal, app],
  );

  usePaneKeys(terminal, run, !help && focus === 'shell');
  useLessonKeys(run, !help && focus === 'lesson');
  useKeys(() => setHelp(false), help);

  const footer = focus === 'shell' ? SHELL_FOOTER : LESSON_FOOTER;
  return (
    <AppShell footer={footer}>
      {({ cols, bodyRows }) => {
        if (help) return <HelpOverlay width={cols} height={bodyRows} />;
        if (full)
          return (
            <TerminalPane
              terminal={terminal}
              width={cols}
              height={bodyRows}
              focused={focus === 'shell'}
              title="lab shell (full screen: Ctrl-T f)"
            />
          );
        const layout = playerLayout(cols, bodyRows);
        return (
          <Box flexDirection="row" width={cols} height={bodyRows}>
            <LessonPane
              lesson={store.lesson}
              state={state}
              width={layout.lesson.width}
              height={layout.lesson.height}
              scroll={scroll}
              focused={focus === 'lesson'}
              keys={
                focus === 'lesson'
                  ? { check: 'c', next: 'n', hint: 'h' }
                  : { check: 'Ctrl-T c', next: 'Ctrl-T n', hint: 'Ctrl-T h' }
              }
            />
            <Box flexDirection="column" width={layout.terminal.width}>
              <TerminalPane
                terminal={terminal}
                width={layout.terminal.width}
                height={layout.terminal.height}
                focused={focus === 'shell'}
                title="lab shell"
              />
              <LivePanels
                view={view}
                tab={tab}
                width={layout.panels.width}
                height={layout.panels.height}
              />
            </Box>
          </Box>
        );
      }}
    </AppShell>
  );
}
