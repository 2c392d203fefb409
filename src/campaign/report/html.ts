// The campaign as one self-contained HTML page: a legend that defines every outcome class and the
// two recovery rates, one stacked bar chart of outcome shares per fault kind (a bar per server ×
// mode, inline SVG), then the full table. Nothing is fetched — no scripts, fonts, style sheets or
// images from anywhere — so the file opens offline and can be archived or mailed as it is. The
// page fits 1,280 px, and holds no wall-clock figure: the same campaign gives the same bytes.
// Every string that reaches the page goes through escapeHtml.
import { OUTCOME_MEANING, OUTCOMES, RATE_MEANING, type CampaignSummary, type Outcome, type Row } from '../result-types.ts';
import { MODES, variantName, type Mode } from '../../ssr/modes.ts';
import { COLUMNS, describeCampaign, percent, shortHash } from './columns.ts';

export const OUTCOME_COLOURS: Record<Outcome, string> = {
  'not-activated': '#c8c8c8',
  masked: '#9ecae1',
  recovered: '#31a354',
  degraded: '#fdd049',
  'degraded-collateral': '#fd8d3c',
  'latent-corruption': '#c51b8a',
  'silent-corruption': '#7a0177',
  failed: '#d62728',
  'host-limit': '#525252',
};

// Chart geometry, in SVG user units (pixels). Labels use a monospace font so that their width
// can be known from their length without measuring text. Two charts sit side by side in 1,280 px.
const CHART = {
  margin_px: 8,
  font_px: 12,
  char_px: 7.3, // advance of one monospace character at font_px
  bar_width_px: 400,
  bar_height_px: 14,
  bar_gap_px: 4,
  axis_px: 22,
} as const;

interface Bar {
  label: string;
  total: number;
  counts: Record<Outcome, number>;
}

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; max-width: 1232px; }
h1 { font-size: 1.4rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.1rem; margin-top: 1.6rem; }
h3 { font-size: 0.95rem; margin: 0.4rem 0; }
.campaign, code { font-family: ui-monospace, monospace; }
.legend { display: grid; grid-template-columns: repeat(2, 1fr); gap: 0.2rem 1.5rem; font-size: 0.85rem; margin: 0; }
.legend div { display: flex; gap: 0.5rem; align-items: baseline; }
.swatch { display: inline-block; width: 0.8rem; height: 0.8rem; flex: none; }
.rates { font-size: 0.85rem; margin: 0.6rem 0 0; padding-left: 1.2rem; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem 2rem; }
table { border-collapse: collapse; font-size: 0.8rem; }
th, td { padding: 0.2rem 0.45rem; border-bottom: 1px solid #ddd; white-space: nowrap; }
th { text-align: left; background: #f4f4f4; white-space: normal; vertical-align: bottom; }
td.right, th.right { text-align: right; font-variant-numeric: tabular-nums; }
td.bad { color: #b00020; font-weight: bold; }
td.warn { color: #a35200; font-weight: bold; }
svg text { font-family: ui-monospace, monospace; }
`;

/** A self-contained page: title, one line naming what it shows, then the body. */
export function htmlPage(title: string, campaign: string, digest: string, body: readonly string[], style = ''): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(`${title}: ${campaign}`)}</title>`,
    `<style>${STYLE}${style}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="campaign" title="digest ${escapeHtml(digest)}">${escapeHtml(campaign)}</p>`,
    ...body,
    '</body>',
    '</html>',
  ].join('\n') + '\n';
}

/** What every outcome class means, with its colour (and `mark`, when the chart writes one in it). */
export function outcomeLegendHtml(mark?: (outcome: Outcome) => string): string[] {
  const classes = OUTCOMES.map((outcome) => {
    const colour = OUTCOME_COLOURS[outcome];
    const swatch = mark === undefined ? `<span class="swatch" style="background:${colour}"></span>` : `<span class="swatch" style="background:${colour};color:${inkOn(colour)}">${escapeHtml(mark(outcome))}</span>`;
    return `<div>${swatch}<span><b>${escapeHtml(outcome)}</b>: ${escapeHtml(OUTCOME_MEANING[outcome])}</span></div>`;
  });
  return ['<div class="legend">', ...classes, '</div>'];
}

/** Black or white, whichever reads better on `background` (#rrggbb). */
export function inkOn(background: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(background.slice(i, i + 2), 16));
  return 0.299 * r + 0.587 * g + 0.114 * b > 150 ? '#111' : '#fff';
}

/** What every outcome class and each recovery rate means, with the chart colours. */
export function legendHtml(): string[] {
  return ['<h2>What the classes and rates mean</h2>', ...outcomeLegendHtml(), '<ul class="rates">', `<li>${escapeHtml(RATE_MEANING.strict)}</li>`, `<li>${escapeHtml(RATE_MEANING.lenient)}</li>`, '<li>Each rate comes with its Wilson 95% confidence interval; MTTR is the mean time from detection to the server serving again, in simulated cycles.</li>', '</ul>'];
}

export function formatHtml(summary: CampaignSummary): string {
  const faults = [...new Set(summary.rows.map((row) => row.fault))];
  return htmlPage('curios fault campaign', describeCampaign(summary, shortHash), summary.digest, [
    ...legendHtml(),
    '<h2>Outcome shares per fault kind, server × mode</h2>',
    '<div class="charts">',
    ...faults.map((fault) => `<figure style="margin:0"><h3>${escapeHtml(fault)}</h3>\n${chart(fault, bars(summary.rows.filter((row) => row.fault === fault)))}</figure>`),
    '</div>',
    '<h2>Recovery per server × fault × mode</h2>',
    table(summary.rows),
  ]);
}

/** One bar per server × mode; servers in code-unit order, modes in MODES order. */
function bars(rows: readonly Row[]): Bar[] {
  const servers = [...new Set(rows.map((row) => row.server))].sort();
  const variants = [...new Set(rows.map((row) => variantName(row.mode, row.commit)))];
  return servers.flatMap((server) =>
    variants.flatMap((variant) => {
      const matching = rows.filter((row) => row.server === server && variantName(row.mode, row.commit) === variant);
      return matching.length === 0 ? [] : [barOf(server, variant, matching)];
    }),
  );
}

function barOf(server: string, variant: string, rows: readonly Row[]): Bar {
  const counts = Object.fromEntries(
    OUTCOMES.map((outcome) => [outcome, rows.reduce((sum, row) => sum + row.outcomes[outcome], 0)]),
  ) as Record<Outcome, number>;
  const total = rows.reduce((sum, row) => sum + row.trials, 0);
  return { label: `${server} · ${variant}`, total, counts };
}

function chart(fault: string, chartBars: readonly Bar[]): string {
  const labelWidth = Math.max(0, ...chartBars.map((bar) => bar.label.length)) * CHART.char_px + CHART.margin_px;
  const barsX = CHART.margin_px + labelWidth;
  const barsY = CHART.margin_px;
  const pitch = CHART.bar_height_px + CHART.bar_gap_px;
  const axisY = barsY + chartBars.length * pitch;
  const width = barsX + CHART.bar_width_px + 2 * CHART.margin_px;
  const height = axisY + CHART.axis_px + CHART.margin_px;
  return [
    `<svg width="${px(width)}" height="${px(height)}" viewBox="0 0 ${px(width)} ${px(height)}" role="img" font-size="${CHART.font_px}">`,
    `<title>${escapeHtml(`Outcome shares of ${fault} faults per server × mode`)}</title>`,
    ...chartBars.flatMap((bar, i) => barShapes(bar, barsX, barsY + i * pitch)),
    ...axis(barsX, axisY),
    '</svg>',
  ].join('\n');
}

function barShapes(bar: Bar, x: number, y: number): string[] {
  const label = `<text x="${px(CHART.margin_px)}" y="${px(y + CHART.bar_height_px - 3)}">${escapeHtml(bar.label)}</text>`;
  let before = 0;
  const segments = OUTCOMES.flatMap((outcome) => {
    const count = bar.counts[outcome];
    if (count === 0) return [];
    // Positions come from cumulative counts, so the segments always end exactly at 100%.
    const start = x + (before / bar.total) * CHART.bar_width_px;
    before += count;
    const end = x + (before / bar.total) * CHART.bar_width_px;
    const title = `${bar.label}: ${outcome} ${count} of ${bar.total} (${percent(count / bar.total)}%)`;
    return [
      `<rect x="${px(start)}" y="${px(y)}" width="${px(end - start)}" height="${CHART.bar_height_px}" fill="${OUTCOME_COLOURS[outcome]}">` +
        `<title>${escapeHtml(title)}</title></rect>`,
    ];
  });
  return [label, ...segments];
}

function axis(x: number, y: number): string[] {
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return ticks.map((share) => {
    const tickX = x + share * CHART.bar_width_px;
    return (
      `<line x1="${px(tickX)}" y1="${px(y - CHART.bar_gap_px)}" x2="${px(tickX)}" y2="${px(y)}" stroke="#888"/>` +
      `<text x="${px(tickX)}" y="${px(y + CHART.font_px + 2)}" text-anchor="middle">${share * 100}%</text>`
    );
  });
}

function table(rows: readonly Row[]): string {
  const head = COLUMNS.map((column) => `<th class="${column.align}">${escapeHtml(column.header)}</th>`).join('');
  const body = rows.map((row) => {
    const cells = COLUMNS.map((column) => {
      const emphasis = column.emphasis?.(row) ?? null;
      const classes = emphasis === null ? column.align : `${column.align} ${emphasis}`;
      return `<td class="${classes}">${escapeHtml(column.cell(row))}</td>`;
    });
    return `<tr>${cells.join('')}</tr>`;
  });
  return ['<table>', `<thead><tr>${head}</tr></thead>`, '<tbody>', ...body, '</tbody>', '</table>'].join('\n');
}

// Two decimals are finer than a pixel and keep the page identical from run to run.
function px(value: number): string {
  return String(Number(value.toFixed(2)));
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
