/**
 * The lesson side of the player: a header with the step's title, the step's text and
 * commands (lesson-doc.ts) scrolled to `scroll`, and the checkpoint's state pinned at the
 * bottom under a rule that says how much more there is to scroll.
 */
import { t } from '../../i18n/messages.js';
import { Box } from 'ink';
import type { PlayerState } from '../state/player-store.js';
import { seg, widthOf, type Line } from '../text/styled.js';
import { statusLines, type LessonDoc, type LessonKeys } from '../views/lesson-doc.js';
import { PaneHeader } from './PaneHeader.js';
import { TextLines } from './TextLines.js';
import { VRule } from './VRule.js';

/** Rows the scrolling text gets in a pane of `height` rows with `status` lines pinned. */
export function textRows(height: number, status: number): number {
  return Math.max(1, height - 2 - status);
}

/** Cells the text gets in a pane `width` wide: a margin each side, the rule on the right. */
export function textWidth(width: number): number {
  return Math.max(1, width - 3);
}

/** The header's text: the open step's number and title. */
function paneTitle(state: PlayerState): string {
  return state.step === undefined
    ? t('player.lessonPane')
    : `${state.step.number}. ${state.step.title}`;
}

/** Whether the header (`width` wide) has to cut the title. */
export function titleCut(state: PlayerState, width: number): boolean {
  return widthOf(paneTitle(state)) + 2 > width - 1;
}

/** `── ↑ 12  ↓ 30 more (Ctrl-T ↑↓) ──`: how much of the text is out of view, and how to see it. */
export function ruleLine(width: number, above: number, below: number, scrollKeys: string): Line {
  const up = above > 0 ? `↑ ${above}` : '';
  const down = below > 0 ? t('lesson.more', { n: below }) : '';
  const both = [up, down].filter(Boolean).join('  ');
  const tight = [above > 0 ? `↑${above}` : '', below > 0 ? `↓${below}` : ''].filter(Boolean);
  // The most that fits with two dashes before it: with the keys, without, or tight.
  const label =
    both === ''
      ? ''
      : ([` ${both} (${scrollKeys}) `, ` ${both} `, ` ${tight.join(' ')} `].find(
          (l) => widthOf(l) + 2 <= width,
        ) ?? ` ${tight.join(' ')} `);
  const dashes = Math.max(0, width - widthOf(label));
  const lead = Math.min(2, dashes);
  return [seg('─'.repeat(lead) + label + '─'.repeat(dashes - lead), { color: 'muted' })];
}

export function LessonPane({
  state,
  doc,
  width,
  height,
  scroll,
  focused,
  keys,
  scrollKeys,
}: {
  state: PlayerState;
  doc: LessonDoc;
  width: number;
  height: number;
  /** The first line of the text shown (clamped by the caller). */
  scroll: number;
  focused: boolean;
  keys: LessonKeys;
  scrollKeys: string;
}): React.JSX.Element {
  // One column of margin on the left, and the rule between lesson and shell on the right.
  const inner = textWidth(width);
  const status = statusLines(state, inner, keys);
  const rows = textRows(height, status.length);
  const below = Math.max(0, doc.lines.length - scroll - rows);
  const title = paneTitle(state);
  return (
    <Box width={width} height={height} flexDirection="row" flexShrink={0} overflow="hidden">
      <Box
        width={width - 1}
        height={height}
        flexDirection="column"
        flexShrink={0}
        overflow="hidden"
      >
        <PaneHeader text={[seg(title)]} focused={focused} width={width - 1} />
        <Box paddingLeft={1} height={rows} flexShrink={0}>
          <TextLines lines={doc.lines} from={scroll} width={inner} height={rows} />
        </Box>
        <Box paddingLeft={1} height={1 + status.length} flexShrink={0} flexDirection="column">
          <TextLines
            lines={[ruleLine(inner, scroll, below, scrollKeys), ...status]}
            width={inner}
            height={1 + status.length}
          />
        </Box>
      </Box>
      <VRule height={height} />
    </Box>
  );
}
