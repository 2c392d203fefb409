// The campaign as one self-contained HTML page: a stacked bar chart of outcome shares per
// server × mode (inline SVG) above the full table. Nothing is fetched — no scripts, fonts,
// style sheets or images from anywhere — so the file opens offline and can be archived or
// mailed as it is. Every string that reaches the page goes through escapeHtml.
import { OUTCOMES, type CampaignSummary, type Outcome, type Row } from '../result-types.ts';
import { MODES, type Mode } from '../../ssr/modes.ts';
import { COLUMNS, describeCampaign, percent } from './columns.ts';

const OUTCOME_COLOURS: Record<Outcome, string> = {
  'not-activated': '#c8c8c8',
  masked: '#9ecae1',
  recovered: '#31a354',
  degraded: '#fdd049',
  'degraded-collateral': '#fd8d3c',
  'silent-corruption': '#7a0177',
  failed: '#d62728',
  'host-limit': '#525252',
};

// Chart geometry, in SVG user units (pixels). Labels use a monospace font so that their width
// can be known from their length without measuring text.
const CHART = {
  margin_px: 10,
  font_px: 12,
  char_px: 7.3, // advance of one monospace character at font_px
  bar_width_px: 480,
  bar_height_px: 18,
  bar_gap_px: 6,
  legend_per_row: 4,
  legend_slot_px: 170,
  legend_row_px: 20,
  swatch_px: 12,
  axis_px: 24,
} as const;

interface Bar {
  label: string;
  total: number;
  counts: Record<Outcome, number>;
}

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }
h1 { font-size: 1.4rem; }
h2 { font-size: 1.1rem; margin-top: 2rem; }
.campaign { font-family: ui-monospace, monospace; }
table { border-collapse: collapse; font-size: 0.9rem; }
th, td { padding: 0.25rem 0.6rem; border-bottom: 1px solid #ddd; white-space: nowrap; }
th { text-align: left; background: #f4f4f4; }
td.right, th.right { text-align: right; font-variant-numeric: tabular-nums; }
td.bad { color: #b00020; font-weight: bold; }
td.warn { color: #a35200; font-weight: bold; }
svg text { font-family: ui-monospace, monospace; }
`;

export function formatHtml(summary: CampaignSummary): string {
  const campaign = describeCampaign(summary);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>curios campaign: ${escapeHtml(campaign)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<h1>curios fault campaign</h1>',
    `<p class="campaign">${escapeHtml(campaign)}, ${escapeHtml(summary.trialsPerSecond.toFixed(1))} trials/s</p>`,
    '<h2>Outcome shares per server × mode</h2>',
    chart(bars(summary.rows)),
    '<h2>Recovery per server × fault × mode</h2>',
    table(summary.rows),
    '</body>',
    '</html>',
  ].join('\n') + '\n';
}

/** One bar per server × mode, summing over fault kinds; servers in code-unit order, modes in MODES order. */
function bars(rows: readonly Row[]): Bar[] {
  const servers = [...new Set(rows.map((row) => row.server))].sort();
  return servers.flatMap((server) =>
    MODES.flatMap((mode) => {
      const matching = rows.filter((row) => row.server === server && row.mode === mode);
      return matching.length === 0 ? [] : [barOf(server, mode, matching)];
    }),
  );
}

function barOf(server: string, mode: Mode, rows: readonly Row[]): Bar {
  const counts = Object.fromEntries(
    OUTCOMES.map((outcome) => [outcome, rows.reduce((sum, row) => sum + row.outcomes[outcome], 0)]),
  ) as Record<Outcome, number>;
  const total = rows.reduce((sum, row) => sum + row.trials, 0);
  return { label: `${server} · ${mode}`, total, counts };
}

function chart(chartBars: readonly Bar[]): string {
  const legendRows = Math.ceil(OUTCOMES.length / CHART.legend_per_row);
  const labelWidth = Math.max(0, ...chartBars.map((bar) => bar.label.length)) * CHART.char_px + CHART.margin_px;
  const barsX = CHART.margin_px + labelWidth;
  const barsY = CHART.margin_px + legendRows * CHART.legend_row_px + CHART.margin_px;
  const pitch = CHART.bar_height_px + CHART.bar_gap_px;
  const axisY = barsY + chartBars.length * pitch;
  const width = Math.max(
    barsX + CHART.bar_width_px + 2 * CHART.margin_px,
    2 * CHART.margin_px + CHART.legend_per_row * CHART.legend_slot_px,
  );
  const height = axisY + CHART.axis_px + CHART.margin_px;
  return [
    `<svg width="${px(width)}" height="${px(height)}" viewBox="0 0 ${px(width)} ${px(height)}" role="img" font-size="${CHART.font_px}">`,
    '<title>Outcome shares per server × mode</title>',
    ...legend(),
    ...chartBars.flatMap((bar, i) => barShapes(bar, barsX, barsY + i * pitch)),
    ...axis(barsX, axisY),
    '</svg>',
  ].join('\n');
}

function legend(): string[] {
  return OUTCOMES.map((outcome, i) => {
    const x = CHART.margin_px + (i % CHART.legend_per_row) * CHART.legend_slot_px;
    const y = CHART.margin_px + Math.floor(i / CHART.legend_per_row) * CHART.legend_row_px;
    const textX = x + CHART.swatch_px + 6;
    return (
      `<rect x="${px(x)}" y="${px(y)}" width="${CHART.swatch_px}" height="${CHART.swatch_px}" fill="${OUTCOME_COLOURS[outcome]}"/>` +
      `<text x="${px(textX)}" y="${px(y + CHART.swatch_px - 2)}">${escapeHtml(outcome)}</text>`
    );
  });
}

function barShapes(bar: Bar, x: number, y: number): string[] {
  const label = `<text x="${px(CHART.margin_px)}" y="${px(y + CHART.bar_height_px - 5)}">${escapeHtml(bar.label)}</text>`;
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

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
