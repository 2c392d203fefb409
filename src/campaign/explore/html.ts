// The HTML report of an exploration: one self-contained page (the campaign report's page, style and
// outcome colours) with the statement of completeness, the heat map — the requests across, grouped
// by client, one row per fault kind under each mode, each cell in the colour of its worst outcome
// with its letter, a tooltip giving the request and how many of its points fail — the legend, and
// the failure classes with their crash seeds and replay commands. Nothing is fetched and no
// wall-clock figure is written: the same exploration gives the same bytes.
import { OUTCOME_COLOURS, escapeHtml, htmlPage, inkOn, outcomeLegendHtml } from '../report/html.ts';
import { shortHash } from '../report/columns.ts';
import { clientName, opLetters, OUTCOME_LETTER, type HeatCell, type HeatRow, type RequestCall } from './heat-map.ts';
import type { ExploreFile } from './run.ts';
import { CLASS_HEADER, classRows, completenessLines, exploreTitle, HEAT_MAP_TITLE, spaceLines } from './statements.ts';

const STYLE = `
.heat-wrap { overflow-x: auto; }
table.heat { border-collapse: separate; border-spacing: 1px; font-size: 0.75rem; }
table.heat th, table.heat td { border: none; padding: 0; }
table.heat td.cell { width: 1.3rem; min-width: 1.3rem; height: 1.4rem; text-align: center; font-family: ui-monospace, monospace; font-weight: bold; }
table.heat td.empty { background: #f4f4f4; }
table.heat th { background: none; text-align: center; font-weight: normal; font-family: ui-monospace, monospace; }
table.heat th.client { border-bottom: 2px solid #888; font-weight: bold; }
table.heat th.label, table.heat td.label { text-align: left; padding-right: 0.6rem; white-space: nowrap; }
table.heat td.mode { font-weight: bold; vertical-align: middle; padding-right: 0.6rem; }
table.heat .gap { width: 0.5rem; min-width: 0.5rem; }
table.heat tr.mode-start td { border-top: 3px solid #fff; }
.legend .swatch { width: 1.1rem; height: 1.1rem; font: bold 0.75rem/1.1rem ui-monospace, monospace; text-align: center; }
.statements { font-family: ui-monospace, monospace; font-size: 0.85rem; padding-left: 1.2rem; }
td.seed code { white-space: nowrap; }
tr.failing td { color: #b00020; }
`;

export interface ExploreHtmlOptions {
  /** the crash seed stored for each failing class, by `classKey` */
  seeds?: ReadonlyMap<string, string>;
}

export function formatExploreHtml(file: ExploreFile, o: ExploreHtmlOptions = {}): string {
  return htmlPage(
    'curios explore',
    `${exploreTitle(file.config)}, commit ${file.config.commit}, stride ${file.config.stride} · ${file.trials} trials · digest ${shortHash(file.digest)}`,
    file.digest,
    [
      '<h2>What was tried</h2>',
      '<ul class="statements">',
      ...completenessLines(file).map((l) => `<li>${escapeHtml(l)}</li>`),
      '</ul>',
      `<p>The fault space, per fault kind (every request, every memory access inside each request, every injection site reached):</p>`,
      '<ul class="statements">',
      ...spaceLines(file).map((l) => `<li>${escapeHtml(l)}</li>`),
      '</ul>',
      '<h2>Heat map</h2>',
      `<p>${escapeHtml(`${HEAT_MAP_TITLE(file.config.server)[0].toUpperCase()}${HEAT_MAP_TITLE(file.config.server).slice(1)}. Hover a cell for its request and how many of its points fail.`)}</p>`,
      ...heatTable(file),
      '<h2>What the outcomes mean</h2>',
      ...outcomeLegendHtml((outcome) => OUTCOME_LETTER[outcome]),
      '<h2>Failure classes</h2>',
      '<p>Points with the same outcome and the same first divergence from the golden run (client, operation, what it saw — or, for a latent corruption, the same damage to the end state) under one mode are one class; worst first. A failing class has its representative stored as a crash seed.</p>',
      ...classTable(file, o.seeds),
    ],
    STYLE,
  );
}

function heatTable(file: ExploreFile): string[] {
  const heat = file.heat;
  const cols = heat.columns;
  const letters = opLetters(cols.map((c) => c.op));
  const groups = [...new Set(cols.map((c) => c.client))];
  const inGroup = (g: number) => cols.map((c, i) => ({ c, i })).filter(({ c }) => c.client === g);
  // A narrow gap column between two clients' groups, and before the sites.
  const gap = '<th class="gap"></th>';
  const clientHead = ['<th class="label" colspan="2"></th>', ...groups.map((g) => `${gap}<th class="client" colspan="${inGroup(g).length}">${escapeHtml(clientName(g))}</th>`), heat.sites ? `${gap}<th class="client">sites</th>` : ''].join('');
  const opHead = ['<th class="label">mode</th><th class="label">fault</th>', ...groups.map((g) => gap + inGroup(g).map(({ c }) => `<th title="${escapeHtml(callName(c))}">${escapeHtml(letters.get(c.op) ?? '?')}</th>`).join('')), heat.sites ? `${gap}<th title="every injection site reached">s</th>` : ''].join('');
  const body = file.config.modes.flatMap((mode) => {
    const rows = heat.rows.filter((r) => r.mode === mode);
    return rows.map((r, k) => {
      const modeCell = k === 0 ? `<td class="label mode" rowspan="${rows.length}">${escapeHtml(mode)}</td>` : '';
      const cells = groups.map((g) => `<td class="gap"></td>${inGroup(g).map(({ c, i }) => cellHtml(r, r.cells[i], callName(c))).join('')}`).join('');
      const sites = heat.sites ? `<td class="gap"></td>${cellHtml(r, r.cells[cols.length], 'the injection sites')}` : '';
      return `<tr${k === 0 ? ' class="mode-start"' : ''}>${modeCell}<td class="label">${escapeHtml(r.fault)}</td>${cells}${sites}</tr>`;
    });
  });
  return [
    '<div class="heat-wrap">',
    '<table class="heat">',
    `<thead><tr>${clientHead}</tr><tr>${opHead}</tr></thead>`,
    '<tbody>',
    ...body,
    '</tbody>',
    '</table>',
    '</div>',
    `<p>Operations: ${[...letters].map(([op, l]) => `<code>${escapeHtml(l)}</code> ${escapeHtml(op)}`).join(', ')}.</p>`,
  ];
}

const callName = (c: RequestCall): string => `${clientName(c.client)}, its request ${c.j + 1}: ${c.op}`;

function cellHtml(row: HeatRow, cell: HeatCell | null, where: string): string {
  if (cell === null) return `<td class="cell empty" title="${escapeHtml(`${where}: no ${row.fault} point under ${row.mode}`)}"></td>`;
  const colour = OUTCOME_COLOURS[cell.worst];
  const title = `${where}; ${row.fault} under ${row.mode}: worst ${cell.worst}; ${cell.failing} of ${cell.points} point${cell.points === 1 ? '' : 's'} fail`;
  return `<td class="cell" style="background:${colour};color:${inkOn(colour)}" title="${escapeHtml(title)}">${escapeHtml(OUTCOME_LETTER[cell.worst])}</td>`;
}

function classTable(file: ExploreFile, seeds: ReadonlyMap<string, string> | undefined): string[] {
  const rows = classRows(file, seeds);
  const head = [...CLASS_HEADER, 'replay'].map((h) => `<th${h === 'points' ? ' class="right"' : ''}>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => {
    const swatch = `<span class="swatch" style="background:${OUTCOME_COLOURS[r.outcome]}"></span> `;
    const seed = r.seed === null ? (r.failing ? 'not stored' : '') : `<code>${escapeHtml(r.seed)}</code>`;
    const replay = r.seed === null ? '' : `<code>npx curios replay ${escapeHtml(r.seed)}</code>`;
    return `<tr${r.failing ? ' class="failing"' : ''}><td>${escapeHtml(r.depth > 1 ? `${r.mode} (pair)` : r.mode)}</td><td>${swatch}${escapeHtml(r.label)}</td><td class="right">${r.points}</td><td>${escapeHtml(r.divergence)}</td><td>${escapeHtml(r.representative)}</td><td class="seed">${seed}</td><td class="seed">${replay}</td></tr>`;
  });
  return ['<table>', `<thead><tr>${head}</tr></thead>`, '<tbody>', ...body, '</tbody>', '</table>'];
}
