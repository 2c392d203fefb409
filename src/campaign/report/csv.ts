// The campaign table as CSV (RFC 4180: CRLF line ends, fields quoted when they hold a comma,
// a quote or a line break) for spreadsheets and scripts. One header line, then one line per
// row; every count and bound is its own column, at full precision; an undefined value is an
// empty field.
import { OUTCOMES, type CampaignSummary, type Row } from '../result-types.ts';

interface CsvColumn {
  header: string;
  field: (row: Row) => string | number | null;
}

const CSV_COLUMNS: readonly CsvColumn[] = [
  { header: 'server', field: (row) => row.server },
  { header: 'fault', field: (row) => row.fault },
  { header: 'mode', field: (row) => row.mode },
  { header: 'commit', field: (row) => row.commit },
  { header: 'trials', field: (row) => row.trials },
  { header: 'manifested', field: (row) => row.manifested },
  ...OUTCOMES.map((outcome): CsvColumn => ({ header: outcome, field: (row) => row.outcomes[outcome] })),
  { header: 'recoveryStrict', field: (row) => row.recoveryStrict },
  { header: 'ci95StrictLo', field: (row) => row.ci95Strict?.[0] ?? null },
  { header: 'ci95StrictHi', field: (row) => row.ci95Strict?.[1] ?? null },
  { header: 'recoveryLenient', field: (row) => row.recoveryLenient },
  { header: 'ci95LenientLo', field: (row) => row.ci95Lenient?.[0] ?? null },
  { header: 'ci95LenientHi', field: (row) => row.ci95Lenient?.[1] ?? null },
  { header: 'mttrCycles', field: (row) => row.mttrCycles },
  { header: 'overheadCyclesPerOp', field: (row) => row.overheadCyclesPerOp },
];

const CRLF = '\r\n';

export function formatCsv(summary: CampaignSummary): string {
  const header = CSV_COLUMNS.map((column) => quote(column.header)).join(',');
  const lines = summary.rows.map((row) => CSV_COLUMNS.map((column) => field(column.field(row))).join(','));
  return [header, ...lines].join(CRLF) + CRLF;
}

function field(value: string | number | null): string {
  if (value === null) return '';
  return quote(String(value));
}

function quote(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
