// What every report of an exploration says in words — the text report, the HTML page and the
// dashboard alike: which exploration it is, the space per mode, the statement of completeness
// (made only when every point was tried: a strided run says it sampled and how much, a shard that
// it holds a share), and one row per failure class with its crash seed.
import type { Outcome } from '../result-types.ts';
import type { ExploreConfig } from './config.ts';
import type { ExploreClass, ExploreFile, ModeSpace } from './run.ts';
import { pointName } from './space.ts';

export const classKey = (c: Pick<ExploreClass, 'mode' | 'signature'>): string => `${c.mode}|${c.signature}`;

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** "fs, workload seed 1 (3 clients × 16 operations), faults crash, hang, modes restart, curios" */
export function exploreTitle(cfg: ExploreConfig): string {
  return `${cfg.server}, workload seed ${cfg.seed} (${cfg.clients} clients × ${cfg.ops_per_client} operations), faults ${cfg.faults.join(', ')}, modes ${cfg.modes.join(', ')}`;
}

export const HEAT_MAP_TITLE = (server: string): string => `the worst outcome of every point in each request ${server} handled (across, by client; the letter over a column is its operation), per fault kind and mode (down)`;

/** Per mode: "curios   2700 points: 48 requests, 2652 accesses, 0 sites". */
export function spaceLines(file: ExploreFile): string[] {
  return file.space.map((s) => `${s.mode.padEnd(8)} ${s.full} points: ${plural(s.requests, 'request')}, ${plural(s.accesses, 'access', 'accesses')}, ${plural(s.sites, 'site')}`);
}

/** The statement of each mode. */
export function completenessLines(file: ExploreFile): string[] {
  const kinds = file.config.faults.join(file.config.faults.length === 2 ? ' and ' : ', ');
  return file.space.map((s) => completeness(file, s, kinds));
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

/** A failure class as the reports list it. */
export interface ClassRow {
  mode: string;
  outcome: Outcome;
  /** the outcome as its signature says it (`failed/reason` says why it failed) */
  label: string;
  points: number;
  /** "client 1 op 14 fs.unlink → ENOENT", or the damage of a latent corruption ("end state: …"), or — */
  divergence: string;
  /** "crash at access 44/66" */
  representative: string;
  /** the crash seed stored for it; null: none (a passing class, --no-store, a host-limit class) */
  seed: string | null;
  failing: boolean;
}

export const CLASS_HEADER = ['mode', 'outcome', 'points', 'first divergence', 'representative', 'crash seed'] as const;

/** The classes, worst first, with the seed stored for each (by classKey). */
export function classRows(file: Pick<ExploreFile, 'classes'>, seeds?: ReadonlyMap<string, string>): ClassRow[] {
  return file.classes.map((c) => {
    const d = c.divergence;
    return {
      mode: c.mode,
      outcome: c.outcome,
      label: c.signature.split(':')[0],
      points: c.points,
      divergence: d !== null ? `client ${d.client} op ${d.index} ${d.op} → ${d.seen}` : c.damage !== null && c.damage.length > 0 ? `end state: ${c.damage.join('; ')}` : '—',
      representative: `${c.representative.fault} at ${pointName(c.representative.point)}`,
      seed: seeds?.get(classKey(c)) ?? null,
      failing: c.failing,
    };
  });
}
