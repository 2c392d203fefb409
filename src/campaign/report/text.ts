// The campaign table for people at a terminal: one line naming the campaign, then one
// fixed-column line per row, each column as wide as its widest cell, numbers right-aligned.
// Colour is opt-in: the caller decides (a terminal, NO_COLOR); this function never looks.
import type { CampaignSummary, Row } from '../result-types.ts';
import { COLUMNS, describeCampaign, type Column, type Emphasis } from './columns.ts';

export interface TextOptions {
  /** Wrap the header and alarming counts in ANSI colour escapes. */
  color: boolean;
}

const SEPARATOR = '  ';

const ANSI = {
  bold: ['\x1b[1m', '\x1b[22m'],
  bad: ['\x1b[31m', '\x1b[39m'],
  warn: ['\x1b[33m', '\x1b[39m'],
} as const satisfies Record<Emphasis | 'bold', readonly [string, string]>;

export function formatText(summary: CampaignSummary, options: TextOptions = { color: false }): string {
  const cells = summary.rows.map((row) => COLUMNS.map((column) => printable(column.cell(row))));
  const widths = COLUMNS.map((column, i) => Math.max(column.header.length, ...cells.map((line) => line[i].length)));

  const paint = (style: keyof typeof ANSI, text: string): string =>
    options.color ? ANSI[style][0] + text + ANSI[style][1] : text;
  const pad = (column: Column, i: number, text: string): string =>
    column.align === 'left' ? text.padEnd(widths[i]) : text.padStart(widths[i]);
  const rowLine = (row: Row, rowCells: readonly string[]): string =>
    COLUMNS.map((column, i) => {
      const emphasis = column.emphasis?.(row) ?? null;
      const padded = pad(column, i, rowCells[i]);
      return emphasis === null ? padded : paint(emphasis, padded);
    }).join(SEPARATOR);

  const header = COLUMNS.map((column, i) => pad(column, i, column.header)).join(SEPARATOR);
  const rule = widths.map((width) => '-'.repeat(width)).join(SEPARATOR);
  const lines = [
    paint('bold', `campaign: ${describeCampaign(summary)}`),
    paint('bold', header),
    rule,
    ...summary.rows.map((row, r) => rowLine(row, cells[r])),
  ];
  return lines.join('\n') + '\n';
}

// A server or fault name is user data: a control character in it would break the columns or
// send escapes to the terminal, so it is shown as U+FFFD instead.
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '\ufffd');
}
