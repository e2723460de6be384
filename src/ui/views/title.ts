/** What the title bar says in the player and the presenter. */
import type { StepMark } from '../app/lab-connection.js';
import { seg, type Segment } from '../text/styled.js';
import { t } from '../../i18n/messages.js';

export function lessonTitle(title: string): Segment[] {
  return [seg('contlab', { bold: true }), seg(`  ${title}`)];
}

/** `step 2/12 ✓✓·· 2 done`: the open step underlined. */
export function stepStatus(marks: readonly StepMark[], current: number | undefined): Segment[] {
  const done = marks.filter((m) => m === 'done').length;
  return [
    seg(`${t('player.stepStatus', { current: current ?? '–', total: marks.length })} `),
    ...marks.map((m, i) =>
      seg(m === 'done' ? '✓' : m === 'skipped' ? '»' : '·', {
        bold: i + 1 === current,
        underline: i + 1 === current,
      }),
    ),
    seg(`  ${t('player.stepsDone', { done })}`),
  ];
}
