// `curios compare`: the same campaign under every mode, side by side — per server × fault kind,
// each mode's manifested trials (n) and its strict and lenient recovery with their intervals — in
// every report format, each titled as a comparison. The data (`comparisonOf`) is built once; the
// formats only lay it out, as the campaign formats do.
import type { CampaignSummary } from '../result-types.ts';
import type { Mode } from '../../ssr/modes.ts';
import { shortHash } from './columns.ts';
import { escapeHtml, htmlPage, legendHtml } from './html.ts';

export interface ModeCell {
  n: number;
  strict: number | null;
  ci95Strict: [number, number] | null;
  lenient: number | null;
  ci95Lenient: [number, number] | null;
}

export interface ComparisonRow {
  server: string;
  fault: string;
  /** per mode asked for; null where the campaign has no such row */
  modes: Partial<Record<Mode, ModeCell | null>>;
}

export interface Comparison {
  kind: 'comparison';
  seed: number;
  trials: number;
  digest: string;
  modes: Mode[];
  rows: ComparisonRow[];
}

export function comparisonOf(summary: CampaignSummary, modes: readonly Mode[]): Comparison {
  const byKey = new Map(summary.rows.map((r) => [`${r.server}\u0000${r.fault}\u0000${r.mode}`, r]));
  const pairs = [...new Map(summary.rows.map((r) => [`${r.server}\u0000${r.fault}`, { server: r.server, fault: r.fault }])).values()];
  const rows = pairs.map(({ server, fault }): ComparisonRow => ({
    server,
    fault,
    modes: Object.fromEntries(
      modes.map((mode) => {
        const r = byKey.get(`${server}\u0000${fault}\u0000${mode}`);
        return [mode, r === undefined ? null : { n: r.manifested, strict: r.recoveryStrict, ci95Strict: r.ci95Strict, lenient: r.recoveryLenient, ci95Lenient: r.ci95Lenient }];
      }),
    ),
  }));
  return { kind: 'comparison', seed: summary.seed, trials: summary.trials, digest: summary.digest, modes: [...modes], rows };
}

const TITLE = 'curios compare: recovery per mode, side by side';
const NOTE = 'n: trials whose fault fired, per mode; strict = (masked + recovered) / n; lenient adds degraded (only the faulting request\'s client hit); % with Wilson 95% CI';

const whole = (share: number | null): string => (share === null ? '-' : (share * 100).toFixed(0));
const withCi = (share: number | null, ci: [number, number] | null): string => (share === null || ci === null ? '-' : `${whole(share)} [${whole(ci[0])}-${whole(ci[1])}]`);
const campaignLine = (c: Comparison): string => `seed ${c.seed}, ${c.trials} trials, digest ${shortHash(c.digest)}`;

export function formatComparison(c: Comparison, format: string): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(c, null, 2)}\n`;
    case 'csv':
      return comparisonCsv(c);
    case 'md':
      return comparisonMarkdown(c);
    case 'html':
      return comparisonHtml(c);
    default:
      return comparisonText(c);
  }
}

/** Per mode a block of three columns (n, strict, lenient), under the mode's name; fits 100 columns for four modes. */
function comparisonText(c: Comparison): string {
  const server = Math.max(6, ...c.rows.map((r) => r.server.length));
  const fault = Math.max(5, ...c.rows.map((r) => r.fault.length));
  const nWidth = Math.max(1, ...c.rows.flatMap((r) => c.modes.map((m) => String(r.modes[m]?.n ?? '-').length)));
  const block = (cells: [string, string, string]) => `${cells[0].padStart(nWidth)} ${cells[1].padStart(4)} ${cells[2].padStart(4)}`;
  const blockWidth = block(['', '', '']).length;
  const lead = `${''.padEnd(server)}  ${''.padEnd(fault)}`;
  const lines = [
    `${TITLE}`,
    campaignLine(c),
    '',
    `${lead}  ${c.modes.map((m) => m.padStart(blockWidth)).join('  ')}`,
    `${'server'.padEnd(server)}  ${'fault'.padEnd(fault)}  ${c.modes.map(() => block(['n', 'str%', 'len%'])).join('  ')}`,
    ...c.rows.map((r) => `${r.server.padEnd(server)}  ${r.fault.padEnd(fault)}  ${c.modes.map((m) => { const cell = r.modes[m] ?? null; return block(cell === null ? ['-', '-', '-'] : [String(cell.n), whole(cell.strict), whole(cell.lenient)]); }).join('  ')}`),
    '',
    'n: trials whose fault fired; str% (strict) = (masked + recovered) / n; len% (lenient) adds',
    'degraded. Whole percentages; --format json, csv, md or html give the Wilson 95% intervals.',
  ];
  return `${lines.join('\n')}\n`;
}

function comparisonMarkdown(c: Comparison): string {
  const esc = (t: string) => t.replace(/[\r\n]+/g, ' ').replace(/[\\`*_[\]<>|]/g, '\\$&');
  const head = ['server', 'fault', ...c.modes.flatMap((m) => [`${m} n`, `${m} strict %`, `${m} lenient %`])];
  const align = ['---', '---', ...c.modes.flatMap(() => ['---:', '---:', '---:'])];
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const rows = c.rows.map((r) => line([esc(r.server), esc(r.fault), ...c.modes.flatMap((m) => { const cell = r.modes[m] ?? null; return cell === null ? ['-', '-', '-'] : [String(cell.n), withCi(cell.strict, cell.ci95Strict), withCi(cell.lenient, cell.ci95Lenient)]; })]));
  return [`## ${TITLE}`, '', esc(campaignLine(c)), '', line(head), line(align), ...rows, '', esc(NOTE), ''].join('\n');
}

function comparisonCsv(c: Comparison): string {
  const quote = (t: string) => (/[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t);
  const num = (x: number | null | undefined) => (x === null || x === undefined ? '' : String(x));
  const head = ['server', 'fault', ...c.modes.flatMap((m) => ['n', 'strict', 'strictLo', 'strictHi', 'lenient', 'lenientLo', 'lenientHi'].map((f) => `${m}.${f}`))];
  const rows = c.rows.map((r) => [quote(r.server), quote(r.fault), ...c.modes.flatMap((m) => { const cell = r.modes[m] ?? null; return [num(cell?.n), num(cell?.strict), num(cell?.ci95Strict?.[0]), num(cell?.ci95Strict?.[1]), num(cell?.lenient), num(cell?.ci95Lenient?.[0]), num(cell?.ci95Lenient?.[1])]; })].join(','));
  return [head.join(','), ...rows].join('\r\n') + '\r\n';
}

function comparisonHtml(c: Comparison): string {
  const groupHead = `<tr><th rowspan="2">server</th><th rowspan="2">fault</th>${c.modes.map((m) => `<th colspan="3" class="mode">${escapeHtml(m)}</th>`).join('')}</tr>`;
  const subHead = `<tr>${c.modes.map(() => '<th class="right">n</th><th class="right">strict % [95% CI]</th><th class="right">lenient % [95% CI]</th>').join('')}</tr>`;
  const body = c.rows.map((r) => `<tr><td>${escapeHtml(r.server)}</td><td>${escapeHtml(r.fault)}</td>${c.modes.map((m) => { const cell = r.modes[m] ?? null; return cell === null ? '<td class="right">-</td><td class="right">-</td><td class="right">-</td>' : `<td class="right">${cell.n}</td><td class="right">${escapeHtml(withCi(cell.strict, cell.ci95Strict))}</td><td class="right">${escapeHtml(withCi(cell.lenient, cell.ci95Lenient))}</td>`; }).join('')}</tr>`);
  return htmlPage(TITLE, campaignLine(c), c.digest, [...legendHtml(), '<h2>Recovery per server × fault, each mode side by side</h2>', '<table>', `<thead>${groupHead}${subHead}</thead>`, '<tbody>', ...body, '</tbody>', '</table>', `<p>${escapeHtml(NOTE)}</p>`]);
}
