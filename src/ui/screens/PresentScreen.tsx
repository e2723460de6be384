/**
 * Presenter mode: one step per slide with the lab shell beside it. d types the slide's demo
 * commands into the shell at a readable pace (s finishes at once); Tab hands the keys to
 * the shell (Ctrl-T Tab takes them back). A second terminal can show the presenter notes.
 */
import { t } from '../../i18n/messages.js';
import { Box } from 'ink';
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { frameSize } from '../app/layout.js';
import { useTheme } from '../app/theme.js';
import { useWindowSize } from '../hooks/use-window-size.js';
import { slideLines } from '../views/slide.js';
import { useAppControl } from '../app/app-control.js';
import { AppShell } from '../components/AppShell.js';
import { HelpOverlay } from '../components/HelpOverlay.js';
import { progressLine, Slide, slideTextRows, slideTextWidth } from '../components/Slide.js';
import { TerminalPane } from '../components/TerminalPane.js';
import { LineText } from '../components/TextLines.js';
import { useCommands } from '../hooks/use-commands.js';
import { keyFor, type Context } from '../keys/bindings.js';
import type { Command } from '../keys/commands.js';
import type { PlayerStore } from '../state/player-store.js';
import type { EmbeddedTerminal } from '../terminal/embedded-terminal.js';
import { entryHeading, entryLines } from '../format/timeline-text.js';
import type { TimelineEntry } from '../../engine/timeline/types.js';
import type { LabTimeline } from '../app/lab-connection.js';
import { fitLine, seg, type Line } from '../text/styled.js';
import { lessonTitle } from '../views/title.js';

const HELP_CONTEXTS: readonly Context[] = ['slides', 'present-shell'];
/** At most this many rows of the last command's kernel changes under the slide. */
const ENTRY_ROWS = 5;

/** The entry's heading and its first items, each in one row. */
function timelineRows(entry: TimelineEntry, width: number, max: number): Line[] {
  const items = entryLines(entry);
  const shown = items.slice(0, max - 1);
  const more = items.length - shown.length;
  return [
    fitLine(
      [seg(t('present.kernel', { heading: entryHeading(entry) }), { bold: true, color: 'accent' })],
      width,
    ),
    ...shown.map((l, i) =>
      fitLine(
        [
          seg(`   ${l.text}`, {
            color:
              l.tone === 'new'
                ? 'ok'
                : l.tone === 'gone'
                  ? 'fail'
                  : l.tone === 'change'
                    ? 'warn'
                    : undefined,
          }),
          seg(i === shown.length - 1 && more > 0 ? ` (+${more} more)` : '', { color: 'muted' }),
        ],
        width,
      ),
    ),
  ];
}

export function PresentScreen({
  store,
  terminal,
  onSlide,
  timeline,
}: {
  store: PlayerStore;
  terminal: EmbeddedTerminal;
  onSlide?: (slide: number) => void;
  /** The lab's timeline: the last command's kernel changes show under the slide. */
  timeline?: LabTimeline;
}): React.JSX.Element {
  const app = useAppControl();
  const lesson = store.lesson;
  const total = lesson.steps.length;
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const [slide, setSlide] = useState(0);
  const [scroll, setScroll] = useState(0);
  const [focus, setFocus] = useState<'slides' | 'shell'>('slides');
  const [full, setFull] = useState(false);
  const [help, setHelp] = useState(false);
  const context: Context = focus === 'slides' ? 'slides' : 'present-shell';
  const theme = useTheme();
  const { cols, rows } = useWindowSize();
  // The slide takes 55% of the width, and the body less the progress and status rows.
  const slideWidth = Math.floor(cols * 0.55);
  const slideHeight = frameSize(cols, rows).bodyRows - 2;
  const textWidth = slideTextWidth(slideWidth);
  const lines = useMemo(
    () => slideLines(lesson, slide, textWidth, theme.mono),
    [lesson, slide, textWidth, theme.mono],
  );
  // The newest timeline entry made since this slide was shown (the demo's last command).
  const [entry, setEntry] = useState<TimelineEntry | undefined>(undefined);
  useEffect(() => timeline?.onEntry((e) => setEntry(e)), [timeline]);
  const entryRows = entry === undefined ? [] : timelineRows(entry, slideWidth, ENTRY_ROWS);
  const shownHeight = slideHeight - entryRows.length;
  const maxScroll = Math.max(0, lines.length - slideTextRows(shownHeight));

  useEffect(() => {
    onSlide?.(slide);
    setEntry(undefined);
    setScroll(0);
    if (slide > 0) void store.open(slide);
  }, [slide, store, onSlide]);

  const run = useCallback(
    (command: Command) => {
      const step = slide === 0 ? undefined : lesson.steps[slide - 1];
      switch (command.kind) {
        case 'slide':
          return setSlide((s) =>
            command.to === 'next'
              ? Math.min(total, s + 1)
              : command.to === 'prev'
                ? Math.max(0, s - 1)
                : command.to === 'first'
                  ? 0
                  : total,
          );
        case 'scroll':
          return setScroll((s) => Math.max(0, Math.min(maxScroll, s + command.delta)));
        case 'demo':
          if (step === undefined || step.demo.length === 0) app.notify(t('present.noDemo'));
          else terminal.typeText(step.demo.map((d) => d.text.trimEnd()).join('\n') + '\n');
          return;
        case 'skip-typing':
          return terminal.skipTyping();
        case 'focus':
          return setFocus(command.to === 'shell' ? 'shell' : 'slides');
        case 'fullscreen':
          return setFull((f) => !f);
        case 'help':
          return setHelp(true);
      }
    },
    [app, lesson, slide, terminal, total, maxScroll],
  );
  useCommands(context, run, !help, terminal);

  const passed = slide > 0 && state.step?.number === slide && state.passed;
  const title = lessonTitle(lesson.title);
  const status = [seg(t('present.slide', { slide, total }))];
  return (
    <AppShell title={title} status={status} context={context}>
      {({ bodyRows }) => {
        if (help)
          return (
            <HelpOverlay
              contexts={HELP_CONTEXTS}
              width={cols}
              height={bodyRows}
              onClose={() => setHelp(false)}
            />
          );
        if (full)
          return (
            <TerminalPane
              terminal={terminal}
              width={cols}
              height={bodyRows}
              focused={focus === 'shell'}
              title={t('player.labShell')}
            />
          );
        const top = bodyRows - 1;
        const note = passed
          ? seg(t('present.passed'), { color: 'ok' })
          : terminal.isTyping
            ? seg(t('present.typing', { key: keyFor('skip-typing', 'slides') }), {
                color: 'muted',
              })
            : seg(' ');
        return (
          <Box flexDirection="column" width={cols} height={bodyRows}>
            <Box flexDirection="row" height={top}>
              <Box flexDirection="column" width={slideWidth} height={top}>
                <Slide
                  lines={lines}
                  width={slideWidth}
                  height={shownHeight}
                  scroll={scroll}
                  scrollKeys={`${keyFor('slide-down', 'slides')}/${keyFor('slide-up', 'slides')}`}
                />
                {entryRows.map((l, i) => (
                  <LineText key={i} line={l} />
                ))}
                <LineText line={fitLine([note], slideWidth)} />
              </Box>
              <TerminalPane
                terminal={terminal}
                width={cols - slideWidth}
                height={top}
                focused={focus === 'shell'}
                title={t('player.labShell')}
                right={[
                  seg(
                    focus === 'shell'
                      ? t('present.slides', { key: keyFor('focus-slides', 'present-shell') })
                      : t('present.typeHere', { key: keyFor('focus-present-shell', 'slides') }),
                  ),
                ]}
              />
            </Box>
            <LineText line={progressLine(slide, total, cols)} />
          </Box>
        );
      }}
    </AppShell>
  );
}
