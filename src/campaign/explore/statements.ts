// What every report of an exploration says in words — the text report, the HTML page and the
// dashboard alike: which exploration it is, the space per fault kind and mode, the statement of
// completeness per kind (made only when every point was tried: a strided run, a subset of the bits
// or a kind that draws a field says it sampled and how much, a shard that it holds a share), what
// depth 2 allowed, pruned and tried, and one row per failure class with its crash seed.
import type { FaultKind } from '../../faults/model.ts';
import type { Outcome } from '../result-types.ts';
import type { ExploreConfig } from './config.ts';
import { BITS_ALL, EXPLORE_SPACES, fieldsName, isTriggerOnly } from './kinds.ts';
import { secondKinds, type PairCount } from './pairs.ts';
import type { ExploreClass, ExploreFile, ModeSpace } from './run.ts';
import { pointName } from './space.ts';

/** A class's key among the seeds: mode and signature (a pair's: `pair|` first). */
export const classKey = (c: Pick<ExploreClass, 'mode' | 'signature' | 'depth'>): string => `${c.depth > 1 ? 'pair|' : ''}${c.mode}|${c.signature}`;

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** "fs, workload seed 1 (3 clients × 16 operations), faults crash, hang, modes restart, curios" */
export function exploreTitle(cfg: ExploreConfig): string {
  return `${cfg.server}, workload seed ${cfg.seed} (${cfg.clients} clients × ${cfg.ops_per_client} operations), faults ${cfg.faults.join(', ')}, modes ${cfg.modes.join(', ')}`;
}

export const HEAT_MAP_TITLE = (server: string): string => `the worst outcome of every point in each request ${server} handled (across, by client; the letter over a column is its operation), per fault kind and mode (down)`;

/** Per kind (those that are only a trigger together): what a point is, then per mode how many ("curios   2700 points each: 48 requests, 2652 accesses, 0 sites"). */
export function spaceLines(file: ExploreFile): string[] {
  return kindGroups(file.config.faults).flatMap((g) => {
    const row = EXPLORE_SPACES[g[0]];
    const head = `${g.join(', ')}: ${row.describe}${row.sampled === null ? '' : ` (${row.sampled})`}`;
    return [head, ...file.space.map((s) => `  ${s.mode.padEnd(8)} ${isTriggerOnly(g[0]) ? `${s.full} points each: ${plural(s.requests, 'request')}, ${plural(s.accesses, 'access', 'accesses')}, ${plural(s.sites, 'site')}` : `${spaceOfKind(s, g[0]).full} points`}`)];
  });
}

/** The statement of each mode and kind, then what depth 2 allowed, pruned and tried. */
export function completenessLines(file: ExploreFile): string[] {
  const groups = kindGroups(file.config.faults);
  return [...file.space.flatMap((s) => groups.map((g) => completeness(file, s, g))), ...(file.pairs ?? []).map((p) => pairStatement(file, p))];
}

/** The kinds stated together: those that are only a trigger (they share one space), then each other kind alone. */
function kindGroups(faults: readonly FaultKind[]): FaultKind[][] {
  const only = faults.filter(isTriggerOnly);
  return [...(only.length > 0 ? [only] : []), ...faults.filter((k) => !isTriggerOnly(k)).map((k) => [k])];
}

function spaceOfKind(s: ModeSpace, fault: FaultKind): ModeSpace['kinds'][number] {
  const k = s.kinds.find((x) => x.fault === fault);
  if (k === undefined) throw new Error(`invariant: no space of ${fault} under ${s.mode}`);
  return k;
}

/**
 * The statement for one mode and kinds: complete only when every point was tried — no stride, every
 * bit, no shard, and no kind that draws a field (wild-write draws its offsets).
 */
function completeness(file: ExploreFile, s: ModeSpace, group: readonly FaultKind[]): string {
  const kinds = group.join(group.length === 2 ? ' and ' : ', ');
  const classes = file.classes.filter((c) => c.mode === s.mode && c.depth === 1 && c.faults.some((f) => (group as readonly string[]).includes(f)));
  const failing = classes.filter((c) => c.failing).length;
  const verdict = `${plural(classes.length, 'class', 'classes')}, of which ${failing} fail`;
  const spaces = group.map((k) => spaceOfKind(s, k));
  const n = spaces.reduce((a, k) => a + k.full, 0);
  const tried = spaces.reduce((a, k) => a + k.points, 0);
  if (file.shard !== undefined) return `shard ${file.shard.index}/${file.shard.count} tried its share of the ${n} ${kinds} points under ${s.mode} (${verdict} in this shard); merge the shards for the statement of completeness`;
  const sampled = spaces.flatMap((k) => (k.sampled === null ? [] : [k.sampled]));
  if (tried === n && sampled.length === 0) return `all ${n} ${kinds} points of this workload were tried under ${s.mode}: ${verdict}`;
  const cfg = file.config;
  const rows = group.map((k) => EXPLORE_SPACES[k]);
  const strides = [...new Set(rows.flatMap((r) => (r.strides === null ? [] : [r.strides])))];
  const how = [
    ...(cfg.stride > 1 && strides.length > 0 ? [`every ${ordinal(cfg.stride)} ${strides.join(' or ')}`] : []),
    ...(cfg.bits.length < BITS_ALL.length && rows.some((r) => r.bits) ? [`bits ${cfg.bits.join(',')} of 32`] : []),
    ...sampled,
  ];
  return `sampled under ${s.mode}: ${tried} of the ${n} ${kinds} points (${how.join('; ')}, ${((100 * tried) / Math.max(n, 1)).toFixed(1)}%): ${verdict} — not every point was tried`;
}

/** Depth 2 under one mode: what the bound allows, what was pruned and why, what was tried. */
function pairStatement(file: ExploreFile, p: PairCount): string {
  const classes = file.classes.filter((c) => c.mode === p.mode && c.depth === 2);
  const failing = classes.filter((c) => c.failing).length;
  const share = file.shard === undefined ? '' : ` (shard ${file.shard.index}/${file.shard.count}: its share)`;
  const sampled = file.config.stride > 1 ? ` (every ${ordinal(file.config.stride)} access of each window: sampled)` : '';
  return `depth 2 under ${p.mode}${share}: the bound allows ${p.allowed} pairs${sampled} — a second ${secondKinds(file.config).join(' or ')} at each point inside the recovery of each of the ${p.firsts} first faults that caused one (its recover, and the request served first after the restart); ${p.pruned} pruned (the ${p.pruned_firsts} first points whose class already fails), ${p.tried} tried: ${plural(classes.length, 'class', 'classes')} of pairs, of which ${failing} fail`;
}

const ordinal = (k: number) => `${k}${k % 10 === 1 && k % 100 !== 11 ? 'st' : k % 10 === 2 && k % 100 !== 12 ? 'nd' : k % 10 === 3 && k % 100 !== 13 ? 'rd' : 'th'}`;

/** A failure class as the reports list it. */
export interface ClassRow {
  mode: string;
  /** 1: a single fault; 2: a pair (a second fault inside the first one's recovery) */
  depth: number;
  outcome: Outcome;
  /** the outcome as its signature says it (`failed/reason` says why it failed) */
  label: string;
  points: number;
  /** "client 1 op 14 fs.unlink → ENOENT", or the damage of a latent corruption ("end state: …"), or — */
  divergence: string;
  /** "crash at access 44/66", "bitflip heap offset 8 bit 3 at rest after request 5", "crash at request 1, then crash at recovery 1/4" */
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
    const r = c.representative;
    return {
      mode: c.mode,
      depth: c.depth,
      outcome: c.outcome,
      label: c.signature.split(':')[0],
      points: c.points,
      divergence: d !== null ? `client ${d.client} op ${d.index} ${d.op} → ${d.seen}` : c.damage !== null && c.damage.length > 0 ? `end state: ${c.damage.join('; ')}` : '—',
      representative: `${r.fault}${fieldsName(r.fields ?? {})} at ${pointName(r.point)}${r.second === undefined ? '' : `, then ${r.second.fault} at ${pointName(r.second.point)}`}`,
      seed: seeds?.get(classKey(c)) ?? null,
      failing: c.failing,
    };
  });
}
