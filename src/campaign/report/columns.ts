// The table people read — the same columns, in the same words, whether it is printed in a
// terminal (text), pasted into a paper (md) or opened in a browser (html). Each format only
// decides how to lay the cells out and escape them. Numbers are formatted with toFixed, never
// toLocaleString, so a report does not depend on the host's locale.
import { DEFAULT_COMMIT, variantName } from '../../ssr/modes.ts';
import type { CampaignSummary, Row } from '../result-types.ts';

/** How a cell asks to be highlighted: a bad outcome happened, or a worrying one. */
export type Emphasis = 'bad' | 'warn';

export interface Column {
  header: string;
  align: 'left' | 'right';
  cell: (row: Row) => string;
  emphasis?: (row: Row) => Emphasis | null;
}

/** Shown where a value is undefined (no manifested fault, no recovery, no call). */
const MISSING = '-';

const whenNonZero =
  (emphasis: Emphasis, count: (row: Row) => number) =>
  (row: Row): Emphasis | null =>
    count(row) > 0 ? emphasis : null;

export const COLUMNS: readonly Column[] = [
  { header: 'server', align: 'left', cell: (row) => row.server },
  { header: 'fault', align: 'left', cell: (row) => row.fault },
  { header: 'mode', align: 'left', cell: (row) => row.mode },
  { header: 'commit', align: 'left', cell: (row) => row.commit ?? MISSING },
  { header: 'trials', align: 'right', cell: (row) => String(row.trials) },
  { header: 'manifested', align: 'right', cell: (row) => String(row.manifested) },
  { header: 'masked', align: 'right', cell: (row) => String(row.outcomes.masked) },
  { header: 'recovered', align: 'right', cell: (row) => String(row.outcomes.recovered) },
  { header: 'degraded', align: 'right', cell: (row) => String(row.outcomes.degraded) },
  {
    header: 'collateral',
    align: 'right',
    cell: (row) => String(row.outcomes['degraded-collateral']),
    emphasis: whenNonZero('warn', (row) => row.outcomes['degraded-collateral']),
  },
  {
    header: 'latent',
    align: 'right',
    cell: (row) => String(row.outcomes['latent-corruption']),
    emphasis: whenNonZero('bad', (row) => row.outcomes['latent-corruption']),
  },
  {
    header: 'silent',
    align: 'right',
    cell: (row) => String(row.outcomes['silent-corruption']),
    emphasis: whenNonZero('bad', (row) => row.outcomes['silent-corruption']),
  },
  {
    header: 'failed',
    align: 'right',
    cell: (row) => String(row.outcomes.failed),
    emphasis: whenNonZero('bad', (row) => row.outcomes.failed),
  },
  {
    header: 'host-limit',
    align: 'right',
    cell: (row) => String(row.outcomes['host-limit']),
    emphasis: whenNonZero('warn', (row) => row.outcomes['host-limit']),
  },
  { header: 'strict % [95% CI]', align: 'right', cell: (row) => rateCell(row.recoveryStrict, row.ci95Strict) },
  { header: 'lenient % [95% CI]', align: 'right', cell: (row) => rateCell(row.recoveryLenient, row.ci95Lenient) },
  { header: 'MTTR cycles', align: 'right', cell: (row) => fixedOrMissing(row.mttrCycles, 0) },
  { header: 'overhead cycles/op', align: 'right', cell: (row) => fixedOrMissing(row.overheadCyclesPerOp, 1) },
];

/** A column of COLUMNS under a shorter header. */
function abbreviated(header: string, short: string): Column {
  const column = COLUMNS.find((c) => c.header === header);
  if (column === undefined) throw new Error(`no report column "${header}"`);
  return { ...column, header: short };
}

/**
 * The text table on a terminal: what fits 100 columns — counts under short headers, `n` for the
 * manifested trials, rates as whole percentages with their interval. `--wide` prints COLUMNS.
 */
export const COMPACT_COLUMNS: readonly Column[] = [
  abbreviated('server', 'server'),
  abbreviated('fault', 'fault'),
  // The commit policy only where it is not the default: a campaign's usual table stays as narrow.
  { header: 'mode', align: 'left', cell: (row) => variantName(row.mode, row.commit === DEFAULT_COMMIT ? null : row.commit) },
  abbreviated('manifested', 'n'),
  abbreviated('masked', 'mask'),
  abbreviated('recovered', 'recov'),
  abbreviated('degraded', 'degr'),
  abbreviated('collateral', 'coll'),
  abbreviated('silent', 'silent'),
  abbreviated('failed', 'fail'),
  abbreviated('host-limit', 'host'),
  { header: 'strict [95% CI]', align: 'right', cell: (row) => compactRateCell(row.recoveryStrict, row.ci95Strict) },
  { header: 'lenient', align: 'right', cell: (row) => (row.recoveryLenient === null ? MISSING : wholePercent(row.recoveryLenient)) },
];

/** What the compact table's short headers stand for, printed under it. */
export const COMPACT_LEGEND = 'mode/in-place: the in-place commit policy (persist and curios are shadow otherwise)\nn: trials whose fault fired; strict = (mask + recov) / n; lenient adds degr; --wide: all columns';

/** One line naming the campaign: what two runs must share to be the same campaign (the digest shortened in text). */
export function describeCampaign(summary: CampaignSummary, digest: (hash: string) => string = (hash) => hash): string {
  const host = summary.hostLimited === undefined ? '' : ` (${summary.hostLimited} ${summary.hostLimited === 1 ? 'trial' : 'trials'} stopped by a host limit: this digest depends on the host)`;
  return `seed ${summary.seed}, ${summary.trials} trials, digest ${digest(summary.digest)}${host}`;
}

/** A share in [0, 1] as a percentage with one decimal, e.g. 0.8712 → "87.1". */
export function percent(share: number): string {
  return (share * 100).toFixed(1);
}

function wholePercent(share: number): string {
  return (share * 100).toFixed(0);
}

function compactRateCell(rate: number | null, ci: [number, number] | null): string {
  if (rate === null || ci === null) return MISSING;
  return `${wholePercent(rate)} [${wholePercent(ci[0])}-${wholePercent(ci[1])}]`;
}

function rateCell(rate: number | null, ci: [number, number] | null): string {
  if (rate === null || ci === null) return MISSING;
  return `${percent(rate)} [${percent(ci[0])}, ${percent(ci[1])}]`;
}

function fixedOrMissing(value: number | null, digits: number): string {
  return value === null ? MISSING : value.toFixed(digits);
}

/** Hex characters of a digest or trace hash shown in text (JSON carries the whole hash). */
export const HASH_TEXT_CHARS = 16;

/** A digest or trace hash as text shows it: its first HASH_TEXT_CHARS characters. */
export function shortHash(hash: string): string {
  return hash.slice(0, HASH_TEXT_CHARS);
}
