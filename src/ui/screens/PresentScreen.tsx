/**
 * Presenter mode: one step per slide with the lab shell beside it. d types the slide's demo
 * commands into the shell at a readable pace (s finishes at once); Tab hands the keyboard
 * to the shell (Ctrl-T Tab takes it back). A second terminal can show the presenter notes.
 */
import { Box, Text } from 'ink';
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { useAppControl } from '../app/app-control.js';
import { useTheme } from '../app/theme.js';
import { AppShell } from '../components/AppShell.js';
import type { KeyHint } from '../components/Footer.js';
import { ProgressBar, Slide } from '../components/Slide.js';
import { TerminalPane } from '../components/TerminalPane.js';
import { useKeys } from '../hooks/use-keys.js';
import { usePaneKeys } from '../hooks/use-pane-keys.js';
import type { KeyPress } from '../keys/key-press.js';
import { presentCommandOf } from '../keys/present-keys.js';
import type { PaneCommand } from '../keys/terminal-keys.js';
import type { PlayerStore } from '../state/player-store.js';
import type { EmbeddedTerminal } from '../terminal/embedded-terminal.js';

const SLIDE_FOOTER: KeyHint[] = [
  { keys: '→/PgDn/space', label: 'next' },
  { keys: '←/PgUp', label: 'back' },
  { keys: 'd', label: 'demo' },
  { keys: 's', label: 'skip typing' },
  { keys: 'Tab', label: 'shell' },
  { keys: 'f', label: 'full' },
  { keys: 'q', label: 'quit' },
];

const SHELL_FOOTER: KeyHint[] = [
  { keys: 'Ctrl-T Tab', label: 'slides' },
  { keys: 'Ctrl-T f', label: 'full' },
  { keys: 'Ctrl-T q', label: 'quit' },
];

export function PresentScreen({
  store,
  terminal,
  onSlide,
}: {
  store: PlayerStore;
  terminal: EmbeddedTerminal;
  onSlide?: (slide: number) => void;
}): React.JSX.Element {
  const app = useAppControl();
  const theme = useTheme();
  const lesson = store.lesson;
  const total = lesson.steps.length;
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const [slide, setSlide] = useState(0);
  const [focus, setFocus] = useState<'slides' | 'shell'>('slides');
  const [full, setFull] = useState(false);

  useEffect(() => {
    onSlide?.(slide);
    if (slide > 0) void store.open(slide);
  }, [slide, store, onSlide]);

  const onKey = useCallback(
    (key: KeyPress) => {
      if (key.seq === '\x03') return void app.ctrlC();
      const command = presentCommandOf(key);
      const step = slide === 0 ? undefined : lesson.steps[slide - 1];
      switch (command) {
        case 'next':
          return setSlide((s) => Math.min(total, s + 1));
        case 'prev':
          return setSlide((s) => Math.max(0, s - 1));
        case 'first':
          return setSlide(0);
        case 'last':
          return setSlide(total);
        case 'demo':
          if (step === undefined || step.demo.length === 0) app.notify('this slide has no demo');
          else terminal.typeText(step.demo.map((d) => d.text.trimEnd()).join('\n') + '\n');
          return;
        case 'skip-typing':
          return terminal.skipTyping();
        case 'focus-shell':
          return setFocus('shell');
        case 'fullscreen':
          return setFull((f) => !f);
        case 'quit':
          return app.quit();
      }
    },
    [app, lesson, slide, terminal, total],
  );
  const onPane = useCallback((command: PaneCommand) => {
    if (command === 'focus-lesson') setFocus('slides');
    else if (command === 'fullscreen') setFull((f) => !f);
  }, []);
  useKeys(onKey, focus === 'slides');
  usePaneKeys(terminal, onPane, focus === 'shell');

  const passed = slide > 0 && state.step?.number === slide && state.passed;
  return (
    <AppShell footer={focus === 'slides' ? SLIDE_FOOTER : SHELL_FOOTER}>
      {({ cols, bodyRows }) => {
        if (full)
          return (
            <TerminalPane
              terminal={terminal}
              width={cols}
              height={bodyRows}
              focused={focus === 'shell'}
              title="lab shell"
            />
          );
        const slideWidth = Math.floor(cols * 0.55);
        const rows = bodyRows - 1;
        return (
          <Box flexDirection="column" width={cols} height={bodyRows}>
            <Box flexDirection="row" height={rows}>
              <Box flexDirection="column" width={slideWidth} height={rows}>
                <Slide lesson={lesson} slide={slide} width={slideWidth} height={rows - 1} />
                <Text color={passed ? theme.ok : theme.muted} wrap="truncate-end">
                  {passed
                    ? '  ✓ checkpoint passed'
                    : terminal.isTyping
                      ? '  typing the demo… (s: all at once)'
                      : ' '}
                </Text>
              </Box>
              <TerminalPane
                terminal={terminal}
                width={cols - slideWidth}
                height={rows}
                focused={focus === 'shell'}
                title={
                  focus === 'shell'
                    ? 'lab shell (Ctrl-T Tab: slides)'
                    : 'lab shell (Tab: type here)'
                }
              />
            </Box>
            <ProgressBar slide={slide} total={total} width={cols} />
          </Box>
        );
      }}
    </AppShell>
  );
}
