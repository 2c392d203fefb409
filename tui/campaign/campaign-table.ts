// The campaign's outcome table, narrowed to fit a 100-column terminal: the report's own columns
// (same cells; `n` for manifested) less the confidence intervals and cycle figures, and the strict
// recovery rate as a bare percentage. The full table is printed when the dashboard ends.
import type { Row } from '../../src/campaign/result-types.ts';
import { COLUMNS, percent, type Column } from '../../src/campaign/report/columns.ts';
import { cell } from '../format.ts';

const KEPT = ['server', 'fault', 'mode', 'manifested', 'masked', 'recovered', 'degraded', 'collateral', 'latent', 'silent', 'failed'];
/** Headers shortened to fit: `n` is the manifested trials, as the bars above the table count them. */
const SHORT: Readonly<Record<string, string>> = { manifested: 'n' };

const STRICT: Column = { header: 'strict', align: 'right', cell: (row) => (row.recoveryStrict === null ? '-' : percent(row.recoveryStrict)) };

export const CAMPAIGN_COLUMNS: readonly Column[] = [...COLUMNS.filter((c) => KEPT.includes(c.header)).map((c) => ({ ...c, header: SHORT[c.header] ?? c.header })), STRICT];

/** Minimum widths, so the table does not jump as rows arrive. */
const MIN_WIDTHS: Readonly<Record<string, number>> = { server: 7, fault: 11, mode: 7 };

export interface TableLines {
  header: string;
  lines: { text: string; emphasis: 'bad' | 'warn' | null }[];
}

export function campaignTable(rows: readonly Row[]): TableLines {
  const cells = rows.map((row) => CAMPAIGN_COLUMNS.map((c) => c.cell(row)));
  const widths = CAMPAIGN_COLUMNS.map((c, i) => Math.max(c.header.length, MIN_WIDTHS[c.header] ?? 0, ...cells.map((line) => line[i].length)));
  const join = (texts: readonly string[]) => texts.map((t, i) => cell(t, widths[i], CAMPAIGN_COLUMNS[i].align)).join(' ');
  return {
    header: join(CAMPAIGN_COLUMNS.map((c) => c.header)),
    lines: rows.map((row, r) => ({
      text: join(cells[r]),
      emphasis: CAMPAIGN_COLUMNS.map((c) => c.emphasis?.(row) ?? null).find((e) => e !== null) ?? null,
    })),
  };
}
