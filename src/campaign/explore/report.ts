// The text report of an exploration: what the space holds and how much of it was tried (with the
// statement of completeness only when every point was), the failure classes, and the heat map —
// the requests the server handled across (by client and operation), fault kind × mode down, each
// cell the worst outcome of the points in that request, one letter per outcome — so that the one
// request no mode recovers from stands out.
import pc from 'picocolors';
import { OUTCOMES, type Outcome } from '../result-types.ts';
import { isFailing, type ExploreClass, type ExploreFile, type ModeSpace } from './run.ts';
import { pointName, requestOf } from './space.ts';
import type { ExploreResult } from './trials.ts';

/** One letter per outcome, in the heat map (a blank: no point of that kind and mode in the request). */
export const OUTCOME_LETTER: Record<Outcome, string> = {
  'not-activated': '·',
  masked: 'm',
  recovered: 'r',
  degraded: 'd',
  'degraded-collateral': 'c',
  'latent-corruption': 'L',
  'silent-corruption': 'S',
  failed: 'F',
  'host-limit': 'H',
};

export interface ExploreTextOptions {
  color: boolean;
  /** the crash seed stored for each failing class, by `classKey` */
  seeds?: ReadonlyMap<string, string>;
}

export const classKey = (c: Pick<ExploreClass, 'mode' | 'signature'>): string => `${c.mode}|${c.signature}`;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function formatExploreText(file: ExploreFile, results: readonly ExploreResult[], o: ExploreTextOptions): string {
  const colors = pc.createColors(o.color);
  const cfg = file.config;
  const kinds = cfg.faults.join(cfg.faults.length === 2 ? ' and ' : ', ');
  const lines: string[] = [];
  lines.push(colors.bold(`curios explore: ${cfg.server}, workload seed ${cfg.seed} (${cfg.clients} clients × ${cfg.ops_per_client} operations), faults ${cfg.faults.join(', ')}, modes ${cfg.modes.join(', ')}`));
  lines.push('');
  lines.push('fault space (per fault kind: every request, every memory access inside each request, every injection site reached):');
  for (const s of file.space) lines.push(`  ${s.mode.padEnd(8)} ${s.full} points: ${plural(s.requests, 'request')}, ${plural(s.accesses, 'access', 'accesses')}, ${plural(s.sites, 'site')}`);
  lines.push('');
  for (const s of file.space) lines.push(completeness(file, s, kinds));
  lines.push('');
  lines.push(colors.bold('failure classes') + ' (outcome and first divergence from the golden run: client, operation, what it saw — or, for a latent corruption, the damage to the end state), worst first:');
  const rows = file.classes.map((c) => {
    const seed = o.seeds?.get(classKey(c));
    const d = c.divergence;
    return [c.mode, c.signature.split(':')[0], String(c.points), d !== null ? `client ${d.client} op ${d.index} ${d.op} → ${d.seen}` : c.damage !== null && c.damage.length > 0 ? `end state: ${c.damage.join('; ')}` : '—', `${c.representative.fault} at ${pointName(c.representative.point)}`, seed === undefined ? '' : `npx curios replay ${seed}`, c.failing ? 'bad' : ''];
  });
  const header = ['mode', 'outcome', 'points', 'first divergence', 'representative', 'crash seed', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => `  ${r.slice(0, 6).map((v, i) => (i === 2 ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ')}`.trimEnd();
  lines.push(fmt(header));
  for (const r of rows) lines.push(r[6] === 'bad' ? colors.red(fmt(r)) : fmt(r));
  lines.push('');
  lines.push(...heatMap(file, results, colors));
  lines.push('');
  lines.push(`${file.trials} trials; digest ${file.digest}`);
  return `${lines.join('\n')}\n`;
}

/** The statement for one mode: complete only when every point was tried (no stride, no shard). */
function completeness(file: ExploreFile, s: ModeSpace, kinds: string): string {
  const classes = file.classes.filter((c) => c.mode === s.mode);
  const failing = classes.filter((c) => c.failing).length;
  const verdict = `${plural(classes.length, 'class', 'classes')}, of which ${failing} fail`;
  const n = s.full * file.config.faults.length;
  if (file.shard !== undefined) return `shard ${file.shard.index}/${file.shard.count} tried its share of the ${n} ${kinds} points under ${s.mode} (${verdict} in this shard); merge the shards for the statement of completeness`;
  if (s.points === s.full) return `all ${n} ${kinds} points of this workload were tried under ${s.mode}: ${verdict}`;
  const tried = s.points * file.config.faults.length;
  return `sampled under ${s.mode}: ${tried} of the ${n} ${kinds} points (every ${ordinal(file.config.stride)} access, ${((100 * tried) / n).toFixed(1)}%): ${verdict} — not every point was tried`;
}

const ordinal = (k: number) => `${k}${k % 10 === 1 && k % 100 !== 11 ? 'st' : k % 10 === 2 && k % 100 !== 12 ? 'nd' : k % 10 === 3 && k % 100 !== 13 ? 'rd' : 'th'}`;

type Colors = ReturnType<typeof pc.createColors>;

/** The heat map: columns are the requests (client, its j-th request), then the sites; rows fault kind × mode. */
function heatMap(file: ExploreFile, results: readonly ExploreResult[], colors: Colors): string[] {
  const base = file.space[0];
  if (base === undefined) return [];
  // Columns: every (client, j) any mode's golden run holds, by client then j; then one for the sites.
  const columns = new Map<string, { client: number; j: number; op: string }>();
  for (const s of file.space) for (const c of s.calls) if (!columns.has(`${c.client}/${c.j}`)) columns.set(`${c.client}/${c.j}`, c);
  const cols = [...columns.values()].sort((a, b) => (a.client < 0 ? 1e9 : a.client) - (b.client < 0 ? 1e9 : b.client) || a.j - b.j);
  const colIndex = new Map(cols.map((c, i) => [`${c.client}/${c.j}`, i]));
  const SITES = cols.length;
  const letters = opLetters(cols.map((c) => c.op));
  const worst = new Map<string, Outcome>();
  for (const r of results) {
    const space = file.space.find((s) => s.mode === r.mode);
    const n = requestOf(r.point);
    let col = SITES;
    if (n !== null) {
      const call = space?.calls[n - 1];
      if (call === undefined) continue;
      col = colIndex.get(`${call.client}/${call.j}`) ?? SITES;
    }
    const key = `${r.fault}|${r.mode}|${col}`;
    const was = worst.get(key);
    if (was === undefined || OUTCOMES.indexOf(r.outcome) > OUTCOMES.indexOf(was)) worst.set(key, r.outcome);
  }
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
  const hasSites = results.some((r) => requestOf(r.point) === null);
  const out: string[] = [];
  out.push(`${colors.bold('heat map')}: the worst outcome of every point in each request ${file.config.server} handled (across, by client; the letter over a column is its operation), per fault kind and mode (down)`);
  out.push(row('', (i) => (cols.slice(0, i).some((c) => c.client === cols[i].client) ? ' ' : groupMark(cols[i].client)), hasSites ? 'sites' : ''));
  out.push(row('', (i) => letters.get(cols[i].op) ?? '?', ''));
  for (const fault of file.config.faults) for (const mode of file.config.modes) out.push(row(`${fault} ${mode}`, (i) => paint(worst.get(`${fault}|${mode}|${i}`)), hasSites ? paint(worst.get(`${fault}|${mode}|${SITES}`)) : ''));
  out.push(`  operations: ${[...letters].map(([op, l]) => `${l} ${op}`).join(', ')}; clients: ${groups.map((g) => `${groupMark(g)} ${g < 0 ? 'the kernel' : `client ${g}`}`).join(', ')}`);
  out.push(`  outcomes: ${OUTCOMES.map((x) => `${OUTCOME_LETTER[x]} ${x}`).join(', ')}`);
  return out;
}

const groupMark = (client: number) => (client < 0 ? 'k' : String(client % 10));

/** A letter per operation: its first letter not taken by an earlier one. */
function opLetters(ops: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<string>();
  for (const op of ops) {
    if (out.has(op)) continue;
    const l = [...op.toLowerCase(), ...op.toUpperCase(), ...'abcdefghijklmnopqrstuvwxyz'].find((ch) => /[a-z]/i.test(ch) && !taken.has(ch)) ?? '?';
    taken.add(l);
    out.set(op, l);
  }
  return out;
}
