/** Numbers for the panels: sizes, gauges and sparklines as plain text (no colour needed). */

export { formatBytes } from '../../engine/observer/report-text.js';

/** `[██████░░░░]` for `fraction` (0..1) in `width` cells. */
export function gauge(fraction: number, width: number): string {
  const inner = Math.max(1, width - 2);
  const full = Math.round(Math.min(1, Math.max(0, fraction)) * inner);
  return `[${'█'.repeat(full)}${'░'.repeat(inner - full)}]`;
}

const BARS = '▁▂▃▄▅▆▇█';

/** The last `width` values as bar characters, scaled to `max` (default: the largest value). */
export function sparkline(values: readonly number[], width: number, max?: number): string {
  const shown = values.slice(-width);
  const top = max ?? Math.max(1, ...shown);
  return shown
    .map((v) => BARS[Math.min(BARS.length - 1, Math.floor((v / top) * (BARS.length - 1)))] ?? ' ')
    .join('');
}

export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  return text.length > width ? text.slice(0, Math.max(0, width - 1)) + '…' : text.padEnd(width);
}
