// The campaign table for people at a terminal: one line naming the campaign, then one
// fixed-column line per row, each column as wide as its widest cell, numbers right-aligned. By
// default the compact columns, which fit 100 columns; `wide` prints every column.
// Colour is opt-in: the caller decides (a terminal, NO_COLOR, FORCE_COLOR); this function never looks.
import pc from 'picocolors';
import type { CampaignSummary, Row } from '../result-types.ts';
import { COLUMNS, COMPACT_COLUMNS, COMPACT_LEGEND, describeCampaign, shortHash, type Column, type Emphasis } from './columns.ts';

export interface TextOptions {
  /** Wrap the header and alarming counts in ANSI colour escapes. */
  color: boolean;
  /** Every column (the paper's table), however wide; otherwise the compact one. */
  wide?: boolean;
}

/** The width the compact table keeps to (a terminal of 100 columns). */
export const TEXT_COLUMNS_MAX = 100;

export function formatText(summary: CampaignSummary, options: TextOptions = { color: false }): string {
  const columns = options.wide === true ? COLUMNS : COMPACT_COLUMNS;
  const cells = summary.rows.map((row) => columns.map((column) => printable(column.cell(row))));
  const widths = columns.map((column, i) => Math.max(column.header.length, ...cells.map((line) => line[i].length)));
  // Two spaces between columns, or one when the compact table would not fit with two (counts in the millions).
  const spaced = widths.reduce((sum, w) => sum + w, 0) + 2 * (widths.length - 1);
  const SEPARATOR = options.wide !== true && spaced > TEXT_COLUMNS_MAX ? ' ' : '  ';

  const colors = pc.createColors(options.color);
  const styles: Record<Emphasis | 'bold', (text: string) => string> = { bold: colors.bold, bad: colors.red, warn: colors.yellow };
  const paint = (style: Emphasis | 'bold', text: string): string => styles[style](text);
  const pad = (column: Column, i: number, text: string): string =>
    column.align === 'left' ? text.padEnd(widths[i]) : text.padStart(widths[i]);
  const rowLine = (row: Row, rowCells: readonly string[]): string =>
    columns.map((column, i) => {
      const emphasis = column.emphasis?.(row) ?? null;
      const padded = pad(column, i, rowCells[i]);
      return emphasis === null ? padded : paint(emphasis, padded);
    }).join(SEPARATOR);

  const header = columns.map((column, i) => pad(column, i, column.header)).join(SEPARATOR);
  const rule = widths.map((width) => '-'.repeat(width)).join(SEPARATOR);
  const lines = [
    paint('bold', `campaign: ${describeCampaign(summary, shortHash)}`),
    paint('bold', header),
    rule,
    ...summary.rows.map((row, r) => rowLine(row, cells[r])),
    ...(options.wide === true ? [] : [COMPACT_LEGEND]),
  ];
  return lines.join('\n') + '\n';
}

// A server or fault name is user data: a control character in it would break the columns or
// send escapes to the terminal, so it is shown as U+FFFD instead.
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '\ufffd');
}
