// The regression corpus: trials kept as data, each replayed by the test suite, which fails when
// one no longer gives its recorded outcome and trace hash. An entry is NAME.json, exactly what
// `curios seeds export ID` prints ({"config", "plan", "expected": {"outcome", "traceHash"}}), and
// NAME.trace, the trace lines `curios replay --trial NAME.json --trace` prints on stdout, so that a change
// names the first event where the traces part. To add a seed:
//
//   curios seeds export ID > test/corpus/NAME.json
//   curios replay --trial test/corpus/NAME.json --trace > test/corpus/NAME.trace
//
// A campaign stores only latent-corruption, silent-corruption and failed trials; the entries of
// the other classes are trials of a small campaign (seed 1, 2 clients, 6 operations each), written
// the same way.
// Names say outcome-server-mode-fault.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTrialData, type Difference, type TrialData } from '../../src/campaign/replay.ts';
import type { Outcome } from '../../src/campaign/result-types.ts';

export const CORPUS_DIR = fileURLToPath(new URL('./', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CorpusEntry {
  /** the file, relative to the repository (test/corpus/NAME.json) */
  file: string;
  path: string;
  trial: TrialData & { expected: { outcome: Outcome; traceHash: string } };
  /** the recorded trace lines (NAME.trace) */
  traceLines: string[];
}

function readEntry(name: string): CorpusEntry {
  const path = join(CORPUS_DIR, name);
  const file = relative(REPO_ROOT, path);
  const trial = parseTrialData(JSON.parse(readFileSync(path, 'utf8')));
  if (trial.expected === undefined) throw new Error(`${file}: a corpus entry needs "expected": {"outcome", "traceHash"} (as curios seeds export prints it)`);
  const tracePath = path.replace(/\.json$/, '.trace');
  if (!existsSync(tracePath)) throw new Error(`${file}: no ${relative(REPO_ROOT, tracePath)} beside it; write it with curios replay --trial ${file} --trace > ${relative(REPO_ROOT, tracePath)}`);
  const traceLines = readFileSync(tracePath, 'utf8').split('\n').filter((line) => line.length > 0);
  return { file, path, trial: { ...trial, expected: trial.expected }, traceLines };
}

export function corpusEntries(): CorpusEntry[] {
  return readdirSync(CORPUS_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map(readEntry);
}

/** What a failing corpus test prints: the file, what was recorded and what the replay gave. */
export function describeDifference(file: string, diff: Difference): string {
  const lines = [`${file} no longer reproduces:`];
  if (diff.outcome !== null) lines.push(`  outcome     expected ${diff.outcome.expected}, got ${diff.outcome.got}`);
  if (diff.traceHash !== null) lines.push(`  trace hash  expected ${diff.traceHash.expected}, got ${diff.traceHash.got}`);
  if (diff.firstDivergence !== null) {
    const { event, expected, got } = diff.firstDivergence;
    lines.push(`  the traces part at event ${event}:`, `    expected ${expected ?? '(end of trace)'}`, `    got      ${got ?? '(end of trace)'}`);
  }
  const trace = file.replace(/\.json$/, '.trace');
  lines.push(`  if the change is intended, record the entry again: "expected" as curios replay --trial ${file} --json prints it, and curios replay --trial ${file} --trace > ${trace}`);
  return lines.join('\n');
}
