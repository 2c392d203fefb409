// `curios runs`: the campaigns and explorations the store recorded, one fixed-column line each —
// id, kind, when it started (to the minute, UTC), trials, what it was — oldest first, so that an
// exploration's id can be given to `curios dashboard --explore`.
import type { CampaignRecord, ExplorationRecord, StoreSnapshot } from '../store/index.ts';

export const RUN_KINDS = ['campaign', 'explore'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

export interface RunLine {
  id: string;
  kind: RunKind;
  startedAt: string;
  trials: number | null;
  /** what it ran, in a few words */
  what: string;
  digest: string;
}

/** Every recorded run, oldest first. */
export function runsOf(store: Pick<StoreSnapshot, 'listCampaigns' | 'listExplorations'>): RunLine[] {
  const campaigns = store.listCampaigns().map((c) => lineOf(c, 'campaign', campaignWhat(c.config)));
  const explorations = store.listExplorations().map((e) => lineOf(e, 'explore', exploreWhat(e)));
  return [...campaigns, ...explorations].sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
}

function lineOf(r: CampaignRecord | ExplorationRecord, kind: RunKind, what: string): RunLine {
  const trials = field(r.summary, 'trials');
  return { id: r.id, kind, startedAt: r.startedAt, trials: typeof trials === 'number' ? trials : null, what, digest: r.digest };
}

const field = (o: unknown, key: string): unknown => (typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[key] : undefined);
const list = (v: unknown): string => (Array.isArray(v) ? v.join(',') : '?');

function campaignWhat(config: unknown): string {
  return `${list(field(config, 'servers'))} × ${list(field(config, 'faults'))}, modes ${list(field(config, 'modes'))}, seed ${String(field(config, 'seed') ?? '?')}`;
}

function exploreWhat(e: ExplorationRecord): string {
  const classes = field(e.summary, 'classes');
  const shard = field(e.summary, 'shard');
  const failing = Array.isArray(classes) ? classes.filter((c) => field(c, 'failing') === true).length : '?';
  const share = shard === undefined ? '' : `, shard ${String(field(shard, 'index'))}/${String(field(shard, 'count'))}`;
  return `${String(field(e.config, 'server') ?? '?')}: ${list(field(e.config, 'faults'))}, modes ${list(field(e.config, 'modes'))}, seed ${String(field(e.config, 'seed') ?? '?')}${share}; ${Array.isArray(classes) ? classes.length : '?'} classes, ${failing} failing`;
}

const HEADER = ['id', 'kind', 'started', 'trials', 'what'] as const;
const WIDTHS = [12, 8, 16, 7, 0] as const;

function row(cells: readonly string[]): string {
  return cells.map((text, i) => (WIDTHS[i] === 0 ? text : i === 3 ? text.padStart(WIDTHS[i]) : text.padEnd(WIDTHS[i]))).join('  ').trimEnd();
}

export function formatRunHeader(): string {
  return row(HEADER);
}

export function formatRunLine(r: RunLine): string {
  return row([r.id, r.kind, r.startedAt.replace('T', ' ').slice(0, 16), r.trials === null ? '?' : String(r.trials), r.what]);
}
