// The heat map of an exploration, as data: the requests the server handled across (grouped by
// client, in the order each client made them; a kernel report is client −1, last), then one column
// for the injection sites; one row per fault kind × mode; each cell the worst outcome of the points
// of that request, with how many points it holds and how many of them fail. It is part of the
// result file (and of the stored run), so that the text and HTML reports and the dashboard draw one
// picture without the thousands of trials behind it.
import type { Mode } from '../../ssr/modes.ts';
import { OUTCOMES, type Outcome } from '../result-types.ts';
import type { ExploreConfig } from './config.ts';
import { isFailing } from './outcomes.ts';
import { requestOf } from './space.ts';
import type { ExploreResult } from './trials.ts';

/** A request as the heat map labels it: its client, the client's j-th request to the server (from 0), the operation. */
export interface RequestCall {
  client: number;
  j: number;
  op: string;
}

export interface HeatCell {
  worst: Outcome;
  /** trials in this cell (points of the request under this kind and mode) */
  points: number;
  /** of them, those whose outcome fails */
  failing: number;
}

export interface HeatRow {
  fault: string;
  mode: Mode;
  /** one per column, then the sites (when `sites`); null: no point of this kind and mode there */
  cells: (HeatCell | null)[];
}

export interface HeatMap {
  columns: RequestCall[];
  /** whether a last column holds the injection sites */
  sites: boolean;
  rows: HeatRow[];
}

/** One letter per outcome, in the heat map. */
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

const columnKey = (c: Pick<RequestCall, 'client' | 'j'>) => `${c.client}/${c.j}`;
// Kernel reports (client −1) go after every client.
const clientRank = (client: number) => (client < 0 ? Number.MAX_SAFE_INTEGER : client);

/** The heat map of an exploration's trials; `calls` is each mode's golden run, request by request. */
export function heatMapOf(cfg: ExploreConfig, calls: readonly { mode: Mode; calls: readonly RequestCall[] }[], results: readonly ExploreResult[]): HeatMap {
  // Columns: every (client, j) any mode's golden run holds.
  const byKey = new Map<string, RequestCall>();
  for (const s of calls) for (const c of s.calls) if (!byKey.has(columnKey(c))) byKey.set(columnKey(c), c);
  const columns = [...byKey.values()].sort((a, b) => clientRank(a.client) - clientRank(b.client) || a.j - b.j);
  const colIndex = new Map(columns.map((c, i) => [columnKey(c), i]));
  const SITES = columns.length;
  const rows: HeatRow[] = cfg.faults.flatMap((fault) => cfg.modes.map((mode) => ({ fault, mode, cells: new Array<HeatCell | null>(SITES + 1).fill(null) })));
  const rowOf = new Map(rows.map((r) => [`${r.fault}|${r.mode}`, r]));
  for (const r of results) {
    const row = rowOf.get(`${r.fault}|${r.mode}`);
    if (row === undefined) continue;
    const n = requestOf(r.point);
    let col = SITES;
    if (n !== null) {
      const call = calls.find((s) => s.mode === r.mode)?.calls[n - 1];
      if (call === undefined) continue;
      col = colIndex.get(columnKey(call)) ?? SITES;
    }
    const was = row.cells[col];
    const failing = isFailing(r.outcome) ? 1 : 0;
    if (was === null) row.cells[col] = { worst: r.outcome, points: 1, failing };
    else row.cells[col] = { worst: OUTCOMES.indexOf(r.outcome) > OUTCOMES.indexOf(was.worst) ? r.outcome : was.worst, points: was.points + 1, failing: was.failing + failing };
  }
  const sites = rows.some((r) => r.cells[SITES] !== null);
  if (!sites) for (const r of rows) r.cells.pop();
  return { columns, sites, rows };
}

/** A letter per operation: its first letter not taken by an earlier one. */
export function opLetters(ops: readonly string[]): Map<string, string> {
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

/** The mark of a client's group of columns: its number's last digit, `k` for the kernel. */
export const clientMark = (client: number): string => (client < 0 ? 'k' : String(client % 10));

/** The name of a column's client. */
export const clientName = (client: number): string => (client < 0 ? 'the kernel' : `client ${client}`);
