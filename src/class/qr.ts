/**
 * The join command as a QR code in the terminal, two modules per character cell (half
 * blocks), light modules drawn as the glyph so it scans on a dark terminal; with colour it
 * sets black and white itself, so it scans on any terminal.
 */
import qrcode from 'qrcode-generator';

/** true = dark module, with a quiet zone of `margin` light modules around it. */
export function qrMatrix(text: string, margin = 2): boolean[][] {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const n = qr.getModuleCount();
  const size = n + 2 * margin;
  return Array.from({ length: size }, (_, row) =>
    Array.from({ length: size }, (_, col) => {
      const r = row - margin;
      const c = col - margin;
      return r >= 0 && c >= 0 && r < n && c < n && qr.isDark(r, c);
    }),
  );
}

const CELL: Record<string, string> = {
  // top light, bottom light
  '11': '█',
  '10': '▀',
  '01': '▄',
  '00': ' ',
};

export function renderQr(matrix: boolean[][], colour: boolean): string[] {
  const lines: string[] = [];
  for (let row = 0; row < matrix.length; row += 2) {
    const top = matrix[row] ?? [];
    const bottom = matrix[row + 1];
    let line = '';
    for (let col = 0; col < top.length; col++) {
      // a missing bottom row (odd size) is drawn as background: dark
      const key = `${top[col] ? 0 : 1}${bottom === undefined || bottom[col] ? 0 : 1}`;
      line += CELL[key];
    }
    lines.push(colour ? `\x1b[40;97m${line}\x1b[0m` : line);
  }
  return lines;
}

/** Reads a rendering back into modules (for tests: what a scanner would see). */
export function parseQr(lines: string[]): boolean[][] {
  const rows: boolean[][] = [];
  for (const raw of lines) {
    // eslint-disable-next-line no-control-regex
    const line = [...raw.replace(/\x1b\[[0-9;]*m/g, '')];
    const entry = (ch: string): string =>
      Object.entries(CELL).find(([, glyph]) => glyph === ch)?.[0] ?? '00';
    rows.push(line.map((ch) => entry(ch)[0] === '0'));
    rows.push(line.map((ch) => entry(ch)[1] === '0'));
  }
  return rows;
}
