// `curios seeds list`: one fixed-column line per crash seed (id, server, fault kinds, mode,
// outcome, when it was found), under 100 columns, and the filters that narrow the list.
import type { SeedRecord } from '../store/index.ts';

export interface SeedFilter {
  server?: string;
  fault?: string;
  mode?: string;
  outcome?: string;
}

/** The server a seed's trial targets ('?' for a record that does not say). */
export function seedServer(seed: SeedRecord): string {
  const target = (seed.config as { target?: unknown } | null)?.target;
  return typeof target === 'string' ? target : '?';
}

/** The fault kinds of a seed's plan, in plan order, each once. */
export function seedFaultKinds(seed: SeedRecord): string[] {
  const faults = (seed.plan as { faults?: unknown } | null)?.faults;
  if (!Array.isArray(faults)) return [];
  return [...new Set(faults.map((f: unknown) => (f as { kind?: unknown } | null)?.kind).filter((k): k is string => typeof k === 'string'))];
}

export function matchesSeedFilter(seed: SeedRecord, filter: SeedFilter): boolean {
  return (
    (filter.server === undefined || seedServer(seed) === filter.server) &&
    (filter.fault === undefined || seedFaultKinds(seed).includes(filter.fault)) &&
    (filter.mode === undefined || seed.mode === filter.mode) &&
    (filter.outcome === undefined || seed.outcome === filter.outcome)
  );
}

const HEADER = ['id', 'server', 'fault', 'mode', 'outcome', 'found'] as const;
const WIDTHS = [12, 8, 13, 8, 19, 0] as const;
const FAULT_CELL_MAX = WIDTHS[2];

function line(cells: readonly string[]): string {
  return cells.map((text, i) => (WIDTHS[i] === 0 ? text : text.padEnd(WIDTHS[i]))).join('  ').trimEnd();
}

export function formatSeedHeader(): string {
  return line(HEADER);
}

/** One seed as a line of the list; the time it was found to the minute, in UTC. */
export function formatSeedLine(seed: SeedRecord): string {
  const found = seed.createdAt.replace('T', ' ').slice(0, 16);
  return line([seed.id, seedServer(seed), faultCell(seedFaultKinds(seed)), seed.mode, seed.outcome, found]);
}

/** The fault kinds joined with +, or the first and how many more when that is too wide ("msg-corrupt+2"). */
export function faultCell(kinds: readonly string[]): string {
  if (kinds.length === 0) return '?';
  const all = kinds.join('+');
  return all.length <= FAULT_CELL_MAX ? all : `${kinds[0]}+${kinds.length - 1}`;
}
