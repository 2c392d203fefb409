// A stored exploration laid out for the terminal: the heat map as rows of cells (a label, then one
// cell per request grouped by client with a blank between groups, then the sites), a window of it
// that fits the width (scrolled sideways), and the classes as fixed-column lines. Plain data: the
// ink screen only paints it.
import { clientMark, opLetters, OUTCOME_LETTER, type HeatCell } from '../../src/campaign/explore/heat-map.ts';
import type { ExploreFile } from '../../src/campaign/explore/run.ts';
import { CLASS_HEADER, classRows } from '../../src/campaign/explore/statements.ts';
import { OUTCOMES, type Outcome } from '../../src/campaign/result-types.ts';

/** One character of the heat map: a cell (with its outcome), or part of a header or gap. */
export interface HeatChar {
  text: string;
  outcome: Outcome | null;
}

export interface HeatLines {
  /** the label column (`crash restart`), the same width on every line */
  labels: string[];
  /** the map's characters per line, every line as long: client marks, operation letters, then one row per fault kind × mode */
  lines: HeatChar[][];
  /** what the operation letters and client marks stand for */
  key: string;
}

const blank: HeatChar = { text: ' ', outcome: null };
const plain = (text: string): HeatChar => ({ text, outcome: null });

export function heatLines(file: ExploreFile): HeatLines {
  const heat = file.heat;
  const cols = heat.columns;
  const letters = opLetters(cols.map((c) => c.op));
  const groups = [...new Set(cols.map((c) => c.client))];
  const byGroup = groups.map((g) => cols.map((c, i) => ({ c, i })).filter(({ c }) => c.client === g));
  // A blank between two clients' groups, and two before the sites.
  const lay = (cell: (i: number) => HeatChar, sites: HeatChar): HeatChar[] => [...byGroup.flatMap((members, k) => [...(k === 0 ? [] : [blank]), ...members.map(({ i }) => cell(i))]), ...(heat.sites ? [blank, blank, sites] : [])];
  const cellChar = (c: HeatCell | null | undefined): HeatChar => (c === null || c === undefined ? blank : { text: OUTCOME_LETTER[c.worst], outcome: c.worst });
  const labelsOf = heat.rows.map((r) => `${r.fault} ${r.mode}`);
  const width = Math.max(0, ...labelsOf.map((l) => l.length));
  return {
    labels: ['', '', ...labelsOf].map((l) => l.padEnd(width)),
    lines: [
      lay((i) => (byGroup.find((m) => m[0].i === i) === undefined ? blank : plain(clientMark(cols[i].client))), plain('s')),
      lay((i) => plain(letters.get(cols[i].op) ?? '?'), blank),
      ...heat.rows.map((r) => lay((i) => cellChar(r.cells[i]), cellChar(r.cells[cols.length]))),
    ],
    key: `${[...letters].map(([op, l]) => `${l} ${op}`).join(', ')}; ${groups.map((g) => `${clientMark(g)} ${g < 0 ? 'kernel' : `client ${g}`}`).join(', ')}${heat.sites ? '; s sites' : ''}`,
  };
}

/** The columns of the map shown from `offset` in `width` characters (the offset kept in range). */
export function heatWindow(lines: HeatLines, offset: number, width: number): { first: number; lines: HeatChar[][] } {
  const length = lines.lines[0]?.length ?? 0;
  const first = Math.max(0, Math.min(offset, length - width));
  return { first, lines: lines.lines.map((l) => l.slice(first, first + width)) };
}

export interface ClassLine {
  text: string;
  failing: boolean;
  outcome: Outcome;
  /** what to do with it: replay its seed (or why there is none) */
  replay: string;
}

/** The classes as fixed-column lines under a header, each failing one with its crash seed. */
export function classLines(file: ExploreFile, seeds: ReadonlyMap<string, string>): { header: string; lines: ClassLine[] } {
  const rows = classRows(file, seeds);
  // The seed before the long columns, so that it stays on a narrow terminal.
  const header = [CLASS_HEADER[0], CLASS_HEADER[1], CLASS_HEADER[2], CLASS_HEADER[5], CLASS_HEADER[3], CLASS_HEADER[4]];
  const cells = rows.map((r) => [r.depth > 1 ? `${r.mode} pair` : r.mode, r.label, String(r.points), r.seed ?? (r.failing ? 'not stored' : ''), r.divergence, r.representative]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const fmt = (c: readonly string[]) => c.map((v, i) => (i === 2 ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
  const replay = (r: (typeof rows)[number]) =>
    r.seed !== null ? `${r.mode} ${r.label}, ${r.points} points: npx curios replay ${r.seed}` : r.failing ? `${r.mode} ${r.label}: no crash seed stored for this class` : `${r.mode} ${r.label}: a passing class (no crash seed)`;
  return { header: fmt(header), lines: rows.map((r, i) => ({ text: fmt(cells[i]), failing: r.failing, outcome: r.outcome, replay: replay(r) })) };
}

/** `text` in lines of at most `width` characters, broken between words (a word longer than a line is cut). */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line === '' ? word : `${line} ${word}`;
    if (next.length <= width) {
      line = next;
      continue;
    }
    if (line !== '') lines.push(line);
    line = word.length <= width ? word : word.slice(0, width);
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** The outcomes the map shows, in OUTCOMES order, in rows of legend entries (`r recovered`) that fit `width`. */
export function legendRows(file: ExploreFile, width: number): Outcome[][] {
  const shown = OUTCOMES.filter((o) => file.heat.rows.some((r) => r.cells.some((c) => c?.worst === o)));
  const rows: Outcome[][] = [];
  let used = 0;
  for (const o of shown) {
    const entry = `${OUTCOME_LETTER[o]} ${o}  `.length;
    if (rows.length === 0 || used + entry > width) {
      rows.push([]);
      used = 0;
    }
    rows[rows.length - 1].push(o);
    used += entry;
  }
  return rows;
}
