/**
 * The lesson player: the step beside the lab shell, and the live kernel panels below the
 * shell on a large terminal (one key away on a small one, in the lesson's place). The shell
 * has the keys first (the app's keys follow Ctrl-T there); Ctrl-T Tab gives them to the
 * lesson, where single letters work.
 */
import { languageName, t } from '../../i18n/messages.js';
import { Box } from 'ink';
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { useAppControl } from '../app/app-control.js';
import { isWide, playerLayout } from '../app/layout.js';
import { useTheme } from '../app/theme.js';
import { AppShell } from '../components/AppShell.js';
import { HelpOverlay } from '../components/HelpOverlay.js';
import { LessonPane, textRows, textWidth, titleCut } from '../components/LessonPane.js';
import { LivePanels } from '../components/LivePanels.js';
import { TerminalPane } from '../components/TerminalPane.js';
import { VRule } from '../components/VRule.js';
import { useCommands } from '../hooks/use-commands.js';
import { useWindowSize } from '../hooks/use-window-size.js';
import { keyFor, PREFIX_CONTEXTS, PREFIX_LABEL, type Context } from '../keys/bindings.js';
import { PANEL_TABS, type Command, type PanelTab } from '../keys/commands.js';
import type { FollowSwitch } from '../state/follow-switch.js';
import type { LabTimeline } from '../app/lab-connection.js';
import type { LiveStore } from '../state/live-store.js';
import type { PlayerState, PlayerStore } from '../state/player-store.js';
import type { EmbeddedTerminal } from '../terminal/embedded-terminal.js';
import { seg } from '../text/styled.js';
import { lessonDocument, statusLines, type Anchor, type LessonKeys } from '../views/lesson-doc.js';
import { lessonTitle, stepStatus } from '../views/title.js';

const HELP_CONTEXTS: readonly Context[] = ['player-shell', 'player-lesson'];

function lessonKeys(context: Context, state: PlayerState): LessonKeys {
  const prefix = PREFIX_CONTEXTS.has(context) ? `${PREFIX_LABEL} ` : '';
  const choices = state.step?.quizzes[0]?.choices.length ?? 0;
  const letters = choices <= 1 ? 'A' : `A…${String.fromCharCode(64 + choices)}`;
  return {
    check: keyFor('check', context),
    next: keyFor('next-step', context),
    hint: keyFor('hint', context),
    run: `${prefix}N`,
    answer: `${prefix}${letters}`,
  };
}

/** What the lesson says about its language: English in place of a missing translation, or a stale one. */
function languageNote(lesson: PlayerStore['lesson']): string | undefined {
  const l = lesson.language;
  if (l === undefined) return undefined;
  const language = languageName(l.wanted);
  if (l.fallback === 'untranslated') return t('player.inEnglish', { language });
  if (l.fallback === 'broken') return t('player.translationBroken', { language });
  // Shown translated anyway: the learner knows the English may say more.
  if (l.stale === true) return t('player.translationStale');
  return undefined;
}

/** The part of the lesson text that just appeared and should be scrolled into view. */
function freshAnchor(before: PlayerState, after: PlayerState): Anchor | undefined {
  if (after.hintNumber !== before.hintNumber && after.hint !== undefined) return 'hint';
  if (after.solution !== before.solution && after.solution !== undefined) return 'solution';
  if (after.quiz !== before.quiz && after.quiz !== undefined) return 'quiz';
  if (after.detailed && !after.checking && before.checking) return 'result';
  if (after.message !== before.message && after.message !== undefined) return 'message';
  return undefined;
}

export function PlayerScreen({
  store,
  terminal,
  live,
  follow,
  timeline,
}: {
  store: PlayerStore;
  terminal: EmbeddedTerminal;
  live: LiveStore;
  /** In a class: the switch for following the instructor's slides. */
  follow?: FollowSwitch;
  /** The lab's timeline: undo goes through it (none: no undo). */
  timeline?: LabTimeline;
}): React.JSX.Element {
  const app = useAppControl();
  const theme = useTheme();
  const { cols, rows } = useWindowSize();
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const view = useSyncExternalStore(live.subscribe, live.getView);
  const [focus, setFocus] = useState<'shell' | 'lesson'>('shell');
  const [tab, setTab] = useState<PanelTab>('processes');
  // The panels' default is on where they fit beside the rest, off elsewhere; the key flips it.
  const [panelsFlipped, setPanelsFlipped] = useState(false);
  const [full, setFull] = useState(false);
  const [help, setHelp] = useState(false);
  const [scroll, setScroll] = useState(0);
  const [seen, setSeen] = useState(state);

  const context: Context = focus === 'shell' ? 'player-shell' : 'player-lesson';
  const panelsOn = isWide(cols, rows) !== panelsFlipped;
  const layout = playerLayout(cols, rows, panelsOn);
  const keys = lessonKeys(context, state);
  const inner = textWidth(layout.left.width);
  const cut = titleCut(state, layout.left.width);
  const note = languageNote(store.lesson);
  const doc = useMemo(
    () => lessonDocument(state, inner, keys, { mono: theme.mono, titleCut: cut, note }),
    [state, inner, cut, keys.check, keys.next, keys.hint, keys.run, keys.answer, theme.mono, note],
  );
  const pageRows = textRows(layout.left.height, statusLines(state, inner, keys).length);
  const maxScroll = Math.max(0, doc.lines.length - pageRows);

  // A new step starts at its top; a new hint, result or solution is scrolled into view.
  if (seen !== state) {
    setSeen(state);
    if (seen.step?.id !== state.step?.id) setScroll(0);
    else {
      const anchor = freshAnchor(seen, state);
      const at = anchor === undefined ? undefined : doc.anchors[anchor];
      if (at !== undefined && (at < scroll || at >= scroll + pageRows))
        setScroll(Math.min(at, maxScroll));
    }
  }

  const panelShown =
    help || full || (layout.panels === undefined && layout.leftShows !== 'panels')
      ? undefined
      : tab;
  useEffect(() => live.show(panelShown), [live, panelShown]);

  const run = useCallback(
    (command: Command) => {
      switch (command.kind) {
        case 'help':
          return setHelp(true);
        case 'fullscreen':
          return setFull((f) => !f);
        case 'focus':
          return setFocus(command.to);
        case 'step':
          void store.go(command.delta);
          return;
        case 'check':
          void store.check();
          return;
        case 'hint':
          void store.hint();
          return;
        case 'solution':
          void store.showSolution();
          return;
        case 'answer':
          void store.answer(command.choice);
          return;
        case 'run-command': {
          const text = store.getState().commands[command.index];
          if (text === undefined)
            return app.notify(t('player.noCommand', { n: command.index + 1 }));
          terminal.run(text);
          return app.notify(t('player.ranCommand', { n: command.index + 1 }));
        }
        case 'undo': {
          if (timeline === undefined) return app.notify(t('player.noUndo'));
          app.notify(t('player.undoing'));
          // The timeline panel says what was undone.
          setTab('timeline');
          if (!panelsOn) setPanelsFlipped((f) => !f);
          timeline.undo().then(
            (e) =>
              app.notify(
                t(e.errors?.length ? 'player.undonePartly' : 'player.undone', {
                  removed: String(e.undone?.length ?? 0),
                  failed: String(e.errors?.length ?? 0),
                }),
              ),
            (err: unknown) =>
              app.notify(
                t('player.undoFailed', { error: err instanceof Error ? err.message : String(err) }),
              ),
          );
          return;
        }
        case 'toggle-panels':
          return setPanelsFlipped((f) => !f);
        case 'toggle-follow': {
          if (follow === undefined) return app.notify(t('player.notInClass'));
          follow.set(!follow.get());
          return app.notify(t(follow.get() ? 'player.following' : 'player.notFollowing'));
        }
        case 'panel': {
          const i = PANEL_TABS.indexOf(tab);
          const next = PANEL_TABS[(i + command.delta + PANEL_TABS.length) % PANEL_TABS.length];
          if (next !== undefined) setTab(next);
          if (!panelsOn) setPanelsFlipped((f) => !f);
          return;
        }
        case 'scroll': {
          const by = command.by === 'page' ? Math.max(1, pageRows - 1) : 1;
          // From where the text is shown (a resize may have made the pane taller).
          return setScroll((s) =>
            Math.max(0, Math.min(maxScroll, Math.min(s, maxScroll) + by * command.delta)),
          );
        }
      }
    },
    [app, store, terminal, follow, timeline, tab, panelsOn, pageRows, maxScroll],
  );
  useCommands(context, run, !help, terminal);

  const shownScroll = Math.min(scroll, maxScroll);
  const title = lessonTitle(store.lesson.title);
  const status = stepStatus(state.marks, state.step?.number);
  const focusKey = keyFor(focus === 'shell' ? 'focus-lesson' : 'focus-shell', context);
  return (
    <AppShell title={title} status={status} context={context}>
      {({ cols: width, bodyRows }) => {
        if (help)
          return (
            <HelpOverlay
              contexts={HELP_CONTEXTS}
              width={width}
              height={bodyRows}
              onClose={() => setHelp(false)}
            />
          );
        if (full)
          return (
            <TerminalPane
              terminal={terminal}
              width={width}
              height={bodyRows}
              focused={focus === 'shell'}
              title={t('player.labShell')}
              processes={view.tree}
              right={[seg(t('player.back', { key: keyFor('fullscreen', context) }))]}
            />
          );
        const panelsNext = keyFor('next-panel', 'player-shell');
        return (
          <Box flexDirection="row" width={width} height={bodyRows}>
            {layout.leftShows === 'lesson' ? (
              <LessonPane
                state={state}
                doc={doc}
                width={layout.left.width}
                height={layout.left.height}
                scroll={shownScroll}
                focused={focus === 'lesson'}
                keys={keys}
                scrollKeys={focus === 'lesson' ? '↑↓' : `${PREFIX_LABEL} ↑↓`}
              />
            ) : (
              <Box flexDirection="row" width={layout.left.width} height={layout.left.height}>
                <LivePanels
                  view={view}
                  tab={tab}
                  width={layout.left.width - 1}
                  height={layout.left.height}
                  nextKey={panelsNext}
                />
                <VRule height={layout.left.height} />
              </Box>
            )}
            <Box flexDirection="column" width={layout.shell.width} height={bodyRows}>
              <TerminalPane
                terminal={terminal}
                width={layout.shell.width}
                height={layout.shell.height}
                focused={focus === 'shell'}
                title={t('player.labShell')}
                processes={view.tree}
                right={[
                  seg(
                    t(focus === 'shell' ? 'player.keysToLesson' : 'player.keysHere', {
                      key: focusKey,
                    }),
                  ),
                ]}
              />
              {layout.panels !== undefined && (
                <LivePanels
                  view={view}
                  tab={tab}
                  width={layout.panels.width}
                  height={layout.panels.height}
                  nextKey={panelsNext}
                />
              )}
            </Box>
          </Box>
        );
      }}
    </AppShell>
  );
}
