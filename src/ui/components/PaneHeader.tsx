/** The first row of a pane: its name, marked (▶, inverse) while it has the keys. */
import { useTheme } from '../app/theme.js';
import { fitLine, seg, widthOf, type Segment } from '../text/styled.js';
import { LineText } from './TextLines.js';

export function PaneHeader({
  text,
  focused,
  width,
  right = [],
}: {
  text: Segment[];
  focused: boolean;
  width: number;
  /** Shown at the right end (a key to press). */
  right?: Segment[];
}): React.JSX.Element {
  const theme = useTheme();
  const style = focused ? { bold: true, inverse: !theme.mono } : { color: 'muted' as const };
  // The name first: the hint at the right goes when both do not fit.
  const wanted = right.reduce((n, s) => n + widthOf(s.text), 0);
  const nameWidth = text.reduce((n, s) => n + widthOf(s.text), 0) + 2;
  const fits = nameWidth + wanted + 2 <= width;
  const rightWidth = fits ? wanted : 0;
  const left = fitLine(
    [seg(focused ? '▶ ' : '  '), ...text],
    Math.max(1, width - rightWidth - 1),
    true,
  );
  const line = fitLine([...left, seg(' '), ...(fits ? right : [])], width, true).map((s) => ({
    ...s,
    style: { ...style, ...s.style },
  }));
  return <LineText line={line} />;
}
