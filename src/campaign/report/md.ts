// The campaign table as GitHub-flavoured Markdown, for papers and pull requests: a line naming
// the campaign, then the table. Cells are escaped so that a name can neither end a cell (`|`),
// nor break the row (a line break), nor turn into emphasis, code or HTML.
import type { CampaignSummary } from '../result-types.ts';
import { COLUMNS, describeCampaign } from './columns.ts';

export function formatMarkdown(summary: CampaignSummary): string {
  const tableLine = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  const lines = [
    `Campaign: ${escapeMarkdown(describeCampaign(summary))}`,
    '',
    tableLine(COLUMNS.map((column) => escapeMarkdown(column.header))),
    tableLine(COLUMNS.map((column) => (column.align === 'left' ? ':---' : '---:'))),
    ...summary.rows.map((row) => tableLine(COLUMNS.map((column) => escapeMarkdown(column.cell(row))))),
  ];
  return lines.join('\n') + '\n';
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[\\`*_[\]<>|]/g, '\\$&');
}
