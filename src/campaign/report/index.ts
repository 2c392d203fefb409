// Picks a report format by name. The name usually comes from the command line, so it is checked
// here and an unknown one is refused with the list of the known ones. Every format returns the
// whole report as one string ending in a line break, ready to be written to stdout or a file.
import type { CampaignSummary } from '../result-types.ts';
import { formatCsv } from './csv.ts';
import { formatHtml } from './html.ts';
import { formatJson } from './json.ts';
import { formatMarkdown } from './md.ts';
import { formatText, type TextOptions } from './text.ts';

export { formatCsv, formatHtml, formatJson, formatMarkdown, formatText, type TextOptions };

export const REPORT_FORMATS = ['text', 'json', 'csv', 'md', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Options of every format; only the text table has any today. */
export type ReportOptions = TextOptions;

const FORMATTERS: Record<ReportFormat, (summary: CampaignSummary, options: ReportOptions) => string> = {
  text: formatText,
  json: formatJson,
  csv: formatCsv,
  md: formatMarkdown,
  html: formatHtml,
};

export function isReportFormat(name: string): name is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(name);
}

export function formatSummary(
  summary: CampaignSummary,
  format: string,
  options: ReportOptions = { color: false },
): string {
  if (!isReportFormat(format)) {
    throw new Error(`unknown report format ${JSON.stringify(format)}: expected one of ${REPORT_FORMATS.join(', ')}`);
  }
  return FORMATTERS[format](summary, options);
}
