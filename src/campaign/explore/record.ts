// An exploration as the store keeps it: its configuration, what its reports draw — the space, the
// classes, the heat map, how many trials and how fast — with the crash seed of each failing class,
// and its digest; not its thousands of trials. What comes back from the store is checked before a
// report or the dashboard draws it: a record of the wrong shape is refused with what is wrong.
import type { ExploreConfig } from './config.ts';
import { BITS_ALL } from './kinds.ts';
import type { ExploreFile } from './run.ts';

/** The summary of a stored exploration: its file without the trials, and the seed of each failing class (by classKey). */
export type ExploreSummary = Omit<ExploreFile, 'config' | 'digest' | 'results'> & { seeds: Record<string, string> };

export interface StoredExploration {
  config: ExploreConfig;
  summary: ExploreSummary;
  digest: string;
}

export function exploreRecordOf(file: ExploreFile, seeds: ReadonlyMap<string, string>): StoredExploration {
  const { config, digest, results: _trials, ...rest } = file;
  return { config, summary: { ...rest, seeds: Object.fromEntries(seeds) }, digest };
}

/** The file and seeds of a stored exploration, or an Error saying which part has the wrong shape. */
export function exploreOfRecord(record: { config: unknown; summary: unknown; digest: string }): { file: ExploreFile; seeds: Map<string, string> } {
  const { config, summary } = record;
  const problem = shapeProblem(config, { server: 'string', seed: 'number', faults: 'array', modes: 'array', stride: 'number' }, 'config') ?? shapeProblem(summary, { space: 'array', classes: 'array', heat: 'object', trials: 'number', trialsPerSecond: 'number', seeds: 'object' }, 'summary');
  if (problem !== null) throw new Error(`not an exploration record: ${problem}`);
  const { seeds, ...rest } = summary as ExploreSummary;
  const heatProblem = shapeProblem(rest.heat, { columns: 'array', rows: 'array', sites: 'boolean' }, 'summary.heat');
  if (heatProblem !== null) throw new Error(`not an exploration record: ${heatProblem}`);
  return { file: withDefaults({ config: config as ExploreConfig, digest: record.digest, ...rest }), seeds: new Map(Object.entries(seeds)) };
}

/**
 * A record stored before depth 2 and the kinds with fields: one fault per trial, every bit, and a
 * space that holds crash and hang only (each kind takes every point of it).
 */
function withDefaults(file: ExploreFile): ExploreFile {
  const config = { ...file.config, depth: file.config.depth ?? 1, bits: file.config.bits ?? [...BITS_ALL] };
  const space = file.space.map((s) => ({ ...s, kinds: s.kinds ?? config.faults.map((fault) => ({ fault, full: s.full, points: s.points, sampled: null })) }));
  return { ...file, config, space, classes: file.classes.map((c) => ({ ...c, depth: c.depth ?? 1 })) };
}

type Kind = 'string' | 'number' | 'boolean' | 'array' | 'object';

function shapeProblem(value: unknown, fields: Record<string, Kind>, where: string): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${where} is not an object`;
  for (const [key, kind] of Object.entries(fields)) {
    const v = (value as Record<string, unknown>)[key];
    const ok = kind === 'array' ? Array.isArray(v) : kind === 'object' ? typeof v === 'object' && v !== null && !Array.isArray(v) : typeof v === kind;
    if (!ok) return `${where}.${key} is not ${kind === 'array' || kind === 'object' ? 'an' : 'a'} ${kind}`;
  }
  return null;
}
