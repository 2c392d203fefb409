// `curios compare`: the same campaign under every arm (each mode, and each commit policy of the
// modes that have one), side by side — per server × fault kind, each arm's manifested trials (n)
// and its strict and lenient recovery with their intervals — then what each mechanism buys: the
// isolation effect (curios − persist, one commit policy) and the retry effect (shadow − in-place,
// one mode), each with Newcombe's 95% interval (effects.ts). In every report format, each titled as
// a comparison. The data (`comparisonOf`) is built once; the formats only lay it out.
import { variantName } from '../../ssr/modes.ts';
import type { Arm } from '../campaign.ts';
import { EFFECTS, effectsOf, type Effect } from '../effects.ts';
import type { CampaignSummary } from '../result-types.ts';
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
  /** per arm asked for, by its name (`curios/shadow`); null where the campaign has no such row */
  modes: Partial<Record<string, ModeCell | null>>;
  /** the effects whose two arms the campaign ran, in EFFECTS order */
  effects: Effect[];
}

export interface Comparison {
  kind: 'comparison';
  seed: number;
  trials: number;
  digest: string;
  /** the arms' names, in order: `none`, `restart`, `persist/shadow`, … */
  modes: string[];
  /** the effects some row has, in EFFECTS order, by name (`isolation@shadow`) */
  effects: string[];
  rows: ComparisonRow[];
}

const effectName = (e: Pick<Effect, 'kind' | 'held'>): string => `${e.kind}@${e.held}`;

export function comparisonOf(summary: CampaignSummary, arms: readonly Arm[]): Comparison {
  const byKey = new Map(summary.rows.map((r) => [`${r.server}\u0000${r.fault}\u0000${variantName(r.mode, r.commit)}`, r]));
  const effects = new Map(effectsOf(summary.rows).map((e) => [`${e.server}\u0000${e.fault}`, e.effects]));
  const names = arms.map((a) => variantName(a.mode, a.commit));
  const pairs = [...new Map(summary.rows.map((r) => [`${r.server}\u0000${r.fault}`, { server: r.server, fault: r.fault }])).values()];
  const rows = pairs.map(({ server, fault }): ComparisonRow => ({
    server,
    fault,
    modes: Object.fromEntries(
      names.map((name) => {
        const r = byKey.get(`${server}\u0000${fault}\u0000${name}`);
        return [name, r === undefined ? null : { n: r.manifested, strict: r.recoveryStrict, ci95Strict: r.ci95Strict, lenient: r.recoveryLenient, ci95Lenient: r.ci95Lenient }];
      }),
    ),
    effects: effects.get(`${server}\u0000${fault}`) ?? [],
  }));
  const shown = EFFECTS.map(effectName).filter((name) => rows.some((r) => r.effects.some((e) => effectName(e) === name)));
  return { kind: 'comparison', seed: summary.seed, trials: summary.trials, digest: summary.digest, modes: names, effects: shown, rows };
}

const EFFECT_NOTE = 'effects, percentage points of strict recovery [Newcombe 95% interval]: isolation@P = curios − persist under commit policy P; retry@M = shadow − in-place within mode M';

/** A signed difference in percentage points with its interval: "+12 [+5, +19]" (`digits` after the point). */
export function effectCell(e: Effect | undefined, digits = 0): string {
  if (e === undefined || e.difference === null || e.ci95 === null) return '-';
  const pp = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(digits)}`;
  return `${pp(e.difference)} [${pp(e.ci95[0])}, ${pp(e.ci95[1])}]`;
}

const effectOf = (r: ComparisonRow, name: string): Effect | undefined => r.effects.find((e) => effectName(e) === name);

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

/**
 * Per arm a block of columns (n, strict, and lenient while there are at most four arms, so that
 * the table fits 100 columns), under the arm's name; then the effects, one column each.
 */
function comparisonText(c: Comparison): string {
  const server = Math.max(6, ...c.rows.map((r) => r.server.length));
  const fault = Math.max(5, ...c.rows.map((r) => r.fault.length));
  const withLenient = c.modes.length <= 4;
  const nWidth = Math.max(1, ...c.rows.flatMap((r) => c.modes.map((m) => String(r.modes[m]?.n ?? '-').length)));
  // An arm's name over two lines, the mode above its commit policy (`curios` over `in-place`).
  const heads = c.modes.map((m) => m.split('/'));
  const headWidth = Math.max(0, ...heads.flat().map((h) => h.length));
  const rateWidth = Math.max(4, headWidth - nWidth - 1 - (withLenient ? 5 : 0));
  const block = (cells: [string, string, string]) => `${cells[0].padStart(nWidth)} ${cells[1].padStart(rateWidth)}${withLenient ? ` ${cells[2].padStart(4)}` : ''}`;
  const blockWidth = block(['', '', '']).length;
  const lead = `${''.padEnd(server)}  ${''.padEnd(fault)}`;
  const lines = [
    `${TITLE}`,
    campaignLine(c),
    '',
    `${lead}  ${heads.map((h) => h[0].padStart(blockWidth)).join('  ')}`,
    ...(heads.some((h) => h.length > 1) ? [`${lead}  ${heads.map((h) => (h[1] ?? '').padStart(blockWidth)).join('  ')}`.trimEnd()] : []),
    `${'server'.padEnd(server)}  ${'fault'.padEnd(fault)}  ${c.modes.map(() => block(['n', 'str%', 'len%'])).join('  ')}`,
    ...c.rows.map((r) => `${r.server.padEnd(server)}  ${r.fault.padEnd(fault)}  ${c.modes.map((m) => { const cell = r.modes[m] ?? null; return block(cell === null ? ['-', '-', '-'] : [String(cell.n), whole(cell.strict), whole(cell.lenient)]); }).join('  ')}`),
    '',
    `n: trials whose fault fired; str% (strict) = (masked + recovered) / n${withLenient ? '; len% (lenient) adds' : ''}`,
    `${withLenient ? 'degraded. ' : ''}Whole percentages; --format json, csv, md or html give ${withLenient ? '' : 'lenient and '}the Wilson 95% intervals.`,
  ];
  if (c.effects.length > 0) {
    const cells = c.rows.map((r) => c.effects.map((name) => effectCell(effectOf(r, name))));
    const widths = c.effects.map((name, i) => Math.max(name.length, ...cells.map((row) => row[i].length)));
    lines.push(
      '',
      'effects, percentage points of strict recovery [Newcombe 95% interval]:',
      'isolation@P = curios − persist under commit policy P; retry@M = shadow − in-place in mode M',
      `${'server'.padEnd(server)}  ${'fault'.padEnd(fault)}  ${c.effects.map((name, i) => name.padStart(widths[i])).join('  ')}`,
      ...c.rows.map((r, k) => `${r.server.padEnd(server)}  ${r.fault.padEnd(fault)}  ${cells[k].map((cell, i) => cell.padStart(widths[i])).join('  ')}`),
    );
  }
  return `${lines.join('\n')}\n`;
}

function comparisonMarkdown(c: Comparison): string {
  const esc = (t: string) => t.replace(/[\r\n]+/g, ' ').replace(/[\\`*_[\]<>|]/g, '\\$&');
  const head = ['server', 'fault', ...c.modes.flatMap((m) => [`${m} n`, `${m} strict %`, `${m} lenient %`])];
  const align = ['---', '---', ...c.modes.flatMap(() => ['---:', '---:', '---:'])];
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const rows = c.rows.map((r) => line([esc(r.server), esc(r.fault), ...c.modes.flatMap((m) => { const cell = r.modes[m] ?? null; return cell === null ? ['-', '-', '-'] : [String(cell.n), withCi(cell.strict, cell.ci95Strict), withCi(cell.lenient, cell.ci95Lenient)]; })]));
  const effects =
    c.effects.length === 0
      ? []
      : ['', line(['server', 'fault', ...c.effects]), line(['---', '---', ...c.effects.map(() => '---:')]), ...c.rows.map((r) => line([esc(r.server), esc(r.fault), ...c.effects.map((name) => effectCell(effectOf(r, name), 1))])), '', esc(EFFECT_NOTE)];
  return [`## ${TITLE}`, '', esc(campaignLine(c)), '', line(head), line(align), ...rows, '', esc(NOTE), ...effects, ''].join('\n');
}

function comparisonCsv(c: Comparison): string {
  const quote = (t: string) => (/[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t);
  const num = (x: number | null | undefined) => (x === null || x === undefined ? '' : String(x));
  const head = ['server', 'fault', ...c.modes.flatMap((m) => ['n', 'strict', 'strictLo', 'strictHi', 'lenient', 'lenientLo', 'lenientHi'].map((f) => `${m}.${f}`)), ...c.effects.flatMap((name) => ['difference', 'lo', 'hi'].map((f) => `${name}.${f}`))];
  const rows = c.rows.map((r) => [quote(r.server), quote(r.fault), ...c.modes.flatMap((m) => { const cell = r.modes[m] ?? null; return [num(cell?.n), num(cell?.strict), num(cell?.ci95Strict?.[0]), num(cell?.ci95Strict?.[1]), num(cell?.lenient), num(cell?.ci95Lenient?.[0]), num(cell?.ci95Lenient?.[1])]; }), ...c.effects.flatMap((name) => { const e = effectOf(r, name); return [num(e?.difference), num(e?.ci95?.[0]), num(e?.ci95?.[1])]; })].join(','));
  return [head.join(','), ...rows].join('\r\n') + '\r\n';
}

function comparisonHtml(c: Comparison): string {
  const groupHead = `<tr><th rowspan="2">server</th><th rowspan="2">fault</th>${c.modes.map((m) => `<th colspan="3" class="mode">${escapeHtml(m)}</th>`).join('')}</tr>`;
  const subHead = `<tr>${c.modes.map(() => '<th class="right">n</th><th class="right">strict % [95% CI]</th><th class="right">lenient % [95% CI]</th>').join('')}</tr>`;
  const body = c.rows.map((r) => `<tr><td>${escapeHtml(r.server)}</td><td>${escapeHtml(r.fault)}</td>${c.modes.map((m) => { const cell = r.modes[m] ?? null; return cell === null ? '<td class="right">-</td><td class="right">-</td><td class="right">-</td>' : `<td class="right">${cell.n}</td><td class="right">${escapeHtml(withCi(cell.strict, cell.ci95Strict))}</td><td class="right">${escapeHtml(withCi(cell.lenient, cell.ci95Lenient))}</td>`; }).join('')}</tr>`);
  const effects =
    c.effects.length === 0
      ? []
      : ['<h2>What each mechanism buys</h2>', '<table>', `<thead><tr><th>server</th><th>fault</th>${c.effects.map((name) => `<th class="right">${escapeHtml(name)}</th>`).join('')}</tr></thead>`, '<tbody>', ...c.rows.map((r) => `<tr><td>${escapeHtml(r.server)}</td><td>${escapeHtml(r.fault)}</td>${c.effects.map((name) => `<td class="right">${escapeHtml(effectCell(effectOf(r, name), 1))}</td>`).join('')}</tr>`), '</tbody>', '</table>', `<p>${escapeHtml(EFFECT_NOTE)}</p>`];
  return htmlPage(TITLE, campaignLine(c), c.digest, [...legendHtml(), '<h2>Recovery per server × fault, each mode side by side</h2>', '<table>', `<thead>${groupHead}${subHead}</thead>`, '<tbody>', ...body, '</tbody>', '</table>', `<p>${escapeHtml(NOTE)}</p>`, ...effects]);
}
