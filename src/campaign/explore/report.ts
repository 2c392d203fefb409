// The text report of an exploration: what the space holds and how much of it was tried (with the
// statement of completeness only when every point was), the failure classes, and the heat map —
// the requests the server handled across (by client and operation), fault kind × mode down, each
// cell the worst outcome of the points in that request, one letter per outcome — so that the one
// request no mode recovers from stands out.
import pc from 'picocolors';
import { OUTCOMES, type Outcome } from '../result-types.ts';
import { clientMark, clientName, opLetters, OUTCOME_LETTER } from './heat-map.ts';
import { isFailing } from './outcomes.ts';
import type { ExploreFile } from './run.ts';
import { CLASS_HEADER, classRows, completenessLines, exploreTitle, HEAT_MAP_TITLE, spaceLines, type ClassRow } from './statements.ts';

export interface ExploreTextOptions {
  color: boolean;
  /** the crash seed stored for each failing class, by `classKey` */
  seeds?: ReadonlyMap<string, string>;
}

export function formatExploreText(file: ExploreFile, o: ExploreTextOptions): string {
  const colors = pc.createColors(o.color);
  const lines: string[] = [];
  lines.push(colors.bold(`curios explore: ${exploreTitle(file.config)}`));
  lines.push('');
  lines.push('fault space (per fault kind, read off each mode\'s golden run):');
  for (const l of spaceLines(file)) lines.push(`  ${l}`);
  lines.push('');
  lines.push(...completenessLines(file));
  lines.push('');
  lines.push(colors.bold('failure classes') + ' (outcome and first divergence from the golden run: client, operation, what it saw — or, for a latent corruption, the damage to the end state), worst first:');
  const cells = (r: ClassRow) => [r.mode, r.label, String(r.points), r.divergence, r.representative, r.seed === null ? '' : `npx curios replay ${r.seed}`];
  const all = classRows(file, o.seeds);
  const table = (rows: readonly ClassRow[]) => {
    if (rows.length === 0) return ['  (none)'];
    const widths = CLASS_HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => cells(r)[i].length)));
    const fmt = (r: readonly string[]) => `  ${r.map((v, i) => (i === 2 ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ')}`.trimEnd();
    return [fmt(CLASS_HEADER), ...rows.map((r) => (r.failing ? colors.red(fmt(cells(r))) : fmt(cells(r))))];
  };
  lines.push(...table(all.filter((r) => r.depth === 1)));
  if (file.config.depth >= 2) {
    lines.push('');
    lines.push(`${colors.bold('failure classes of pairs')} (depth 2: a second fault inside the first one's recovery; the same signatures), worst first:`);
    lines.push(...table(all.filter((r) => r.depth === 2)));
  }
  lines.push('');
  lines.push(...heatMapText(file, colors));
  lines.push('');
  lines.push(`${file.trials} trials; digest ${file.digest}`);
  return `${lines.join('\n')}\n`;
}

type Colors = ReturnType<typeof pc.createColors>;

/** The heat map: columns are the requests (client, its j-th request), then the sites; rows fault kind × mode. */
function heatMapText(file: ExploreFile, colors: Colors): string[] {
  const heat = file.heat;
  if (heat.columns.length === 0 && !heat.sites) return [];
  const cols = heat.columns;
  const letters = opLetters(cols.map((c) => c.op));
  const paint = (o: Outcome | undefined): string => {
    if (o === undefined) return ' ';
    const l = OUTCOME_LETTER[o];
    if (!isFailing(o)) return o === 'not-activated' ? colors.dim(l) : colors.green(l);
    return o === 'degraded' ? colors.yellow(l) : colors.red(colors.bold(l));
  };
  const groups = [...new Set(cols.map((c) => c.client))];
  const labelWidth = Math.max(...file.config.faults.map((k) => k.length)) + 1 + Math.max(...file.config.modes.map((m) => m.length));
  const row = (label: string, cell: (col: number) => string, sites: string) =>
    `  ${label.padEnd(labelWidth)}  ${groups.map((g) => cols.map((c, i) => (c.client === g ? cell(i) : '')).join('')).join(' ')}  ${sites}`.trimEnd();
  const out: string[] = [];
  out.push(`${colors.bold('heat map')}: ${HEAT_MAP_TITLE(file.config.server)}`);
  out.push(row('', (i) => (cols.slice(0, i).some((c) => c.client === cols[i].client) ? ' ' : clientMark(cols[i].client)), heat.sites ? 'sites' : ''));
  out.push(row('', (i) => letters.get(cols[i].op) ?? '?', ''));
  for (const r of heat.rows) out.push(row(`${r.fault} ${r.mode}`, (i) => paint(r.cells[i]?.worst), heat.sites ? paint(r.cells[cols.length]?.worst) : ''));
  out.push(`  operations: ${[...letters].map(([op, l]) => `${l} ${op}`).join(', ')}; clients: ${groups.map((g) => `${clientMark(g)} ${clientName(g)}`).join(', ')}`);
  out.push(`  outcomes: ${OUTCOMES.map((x) => `${OUTCOME_LETTER[x]} ${x}`).join(', ')}`);
  return out;
}
