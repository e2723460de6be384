/**
 * The home screen: every lesson with its minutes and progress (✓ per step); a lesson this
 * host cannot run is greyed out with the reason; the one to continue comes first.
 */
import { t } from '../../i18n/messages.js';
import { say } from '../../i18n/phrase.js';
import { Box, Text } from 'ink';
import { useCallback, useState } from 'react';
import { useAppControl } from '../app/app-control.js';
import { useTheme } from '../app/theme.js';
import { AppShell } from '../components/AppShell.js';
import { HelpOverlay } from '../components/HelpOverlay.js';
import { useCommands } from '../hooks/use-commands.js';
import type { Command } from '../keys/commands.js';
import type { Catalog, CatalogEntry } from '../lessons/catalog.js';
import { seg } from '../text/styled.js';

/** What the learner chose: `start:FILE` or `present:FILE`. */
export type HomeChoice = `start:${string}` | `present:${string}`;

function StepMarks({ entry }: { entry: CatalogEntry }): React.JSX.Element {
  const theme = useTheme();
  return (
    <Text>
      {entry.steps.map((s, i) => (
        <Text key={i} color={s === 'done' ? theme.ok : theme.muted}>
          {s === 'done' ? '✓' : s === 'skipped' ? '»' : '·'}
        </Text>
      ))}
    </Text>
  );
}

function Row({
  entry,
  selected,
  first,
  width,
}: {
  entry: CatalogEntry;
  selected: boolean;
  first: boolean;
  width: number;
}): React.JSX.Element {
  const theme = useTheme();
  const blocked = entry.unmet.length > 0;
  const cont = first && entry.started && !blocked && entry.steps.some((s) => s !== 'done');
  const dim = blocked ? theme.muted : undefined;
  // Another language was asked for, and this lesson has no translation into it.
  const english = entry.language !== undefined && entry.language.shown !== entry.language.wanted;
  return (
    <Box flexDirection="column" width={width} marginBottom={1}>
      <Text wrap="truncate-end" inverse={selected && !theme.mono} bold={selected} color={dim}>
        {`${selected ? '›' : ' '} ${entry.title}`}
        <Text color={selected ? undefined : theme.muted}>
          {`  ${t('home.minutes', { minutes: entry.minutes })}  `}
        </Text>
        {!selected && <StepMarks entry={entry} />}
        {selected &&
          t('home.stepsDone', {
            done: entry.steps.filter((s) => s === 'done').length,
            total: entry.steps.length,
          })}
        {english ? `  ${t('home.inEnglish')}` : ''}
        {cont ? `  ${t('home.continueAt', { step: entry.resumeStep })}` : ''}
      </Text>
      <Box paddingLeft={2}>
        <Text wrap="truncate-end" color={theme.muted}>
          {blocked ? t('home.notOnHost', { reason: say(entry.unmet[0] ?? '') }) : entry.summary}
        </Text>
      </Box>
    </Box>
  );
}

const ROWS_PER_ENTRY = 3;

/** Indices of the entries that fit in `rows`, keeping `index` in view. */
export function visibleRange(index: number, count: number, rows: number): number[] {
  const fit = Math.max(1, Math.floor(rows / ROWS_PER_ENTRY));
  const start = Math.max(0, Math.min(index - Math.floor(fit / 2), count - fit));
  return Array.from({ length: Math.min(fit, count) }, (_, i) => start + i);
}

export function HomeScreen({ catalog }: { catalog: Catalog }): React.JSX.Element {
  const theme = useTheme();
  const app = useAppControl();
  const [index, setIndex] = useState(0);
  const [help, setHelp] = useState(false);
  const entries = catalog.entries;

  const run = useCallback(
    (command: Command) => {
      const entry = entries[index];
      if (command.kind === 'help') setHelp(true);
      else if (command.kind === 'select')
        setIndex((i) => Math.max(0, Math.min(entries.length - 1, i + command.delta)));
      else if (command.kind === 'open' && entry !== undefined) {
        if (entry.unmet.length > 0)
          app.notify(t('home.cannotStart', { reason: say(entry.unmet[0] ?? '') }));
        else {
          const choice: HomeChoice = `${command.mode}:${entry.file}`;
          app.quit(choice);
        }
      }
    },
    [app, entries, index],
  );
  useCommands('home', run, !help);

  const title = [seg('contlab', { bold: true }), seg(` — ${t('app.tagline')}`)];
  return (
    <AppShell title={title} context="home">
      {({ cols, bodyRows }) =>
        help ? (
          <HelpOverlay
            contexts={['home']}
            width={cols}
            height={bodyRows}
            onClose={() => setHelp(false)}
          />
        ) : (
          <Box flexDirection="column" width={cols} height={bodyRows} paddingX={2} paddingTop={1}>
            {catalog.notice !== undefined && (
              <Text color={theme.warn} wrap="wrap">
                {catalog.notice}
              </Text>
            )}
            {entries.length === 0 && <Text>{t('home.noLessons')}</Text>}
            {visibleRange(index, entries.length, bodyRows - 1 - (catalog.notice ? 2 : 0)).map(
              (i) => {
                const e = entries[i];
                return e === undefined ? null : (
                  <Row
                    key={e.file}
                    entry={e}
                    selected={i === index}
                    first={i === 0}
                    width={cols - 4}
                  />
                );
              },
            )}
          </Box>
        )
      }
    </AppShell>
  );
}
