// A database the command cannot read — not JSON, truncated, or of another version — stops every
// command that opens it with exit code 4 and one line naming the file and how to recover, and
// the file's bytes are exactly what they were. (test/store/corrupt.test.ts checks the store's
// own refusal in process, reason by reason; this is what a person at the command line sees.)
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, seedDedupKey } from '../../src/store/index.ts';
import { corpusEntries } from '../corpus/corpus.ts';
import { linesOf, makeWorkDir, runCli } from '../helpers/cli.ts';

const EXIT_STORE = 4;

// Made as the file loads: the cases below are built while the tests are collected.
const dir = realpathSync(makeWorkDir());

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The bytes of a real database: every corpus trial stored as a seed, and one campaign. */
function realDatabaseBytes(): Buffer {
  const path = join(dir, 'real', 'db.json');
  const store = openStore(path);
  for (const { trial } of corpusEntries()) {
    store.addSeed({ dedupKey: seedDedupKey(trial.config, trial.plan, trial.config.mode), config: trial.config, workloadSeed: trial.config.workload_seed, plan: trial.plan, mode: trial.config.mode, outcome: trial.expected.outcome, traceHash: trial.expected.traceHash, version: '0.1.0' });
  }
  store.addCampaign({ config: { seed: 1 }, summary: { trials: 0 }, digest: '0'.repeat(64), startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:00:01.000Z' });
  store.close();
  return readFileSync(path);
}

const SEEDS_LIST: [string, string[]] = ['seeds list', ['seeds', 'list']];
const CAMPAIGN: [string, string[]] = ['campaign', ['campaign', '--trials', '1', '--servers', 'prng', '--faults', 'crash', '--modes', 'curios', '--clients', '2', '--ops', '6', '--workers', '1']];

/** Each unreadable database, and the commands tried on it (each start of curios costs seconds: the campaign once). */
const cases = (): { name: string; bytes: Buffer; problem: string; commands: [string, string[]][] }[] => {
  const real = realDatabaseBytes();
  return [
    // Garbage with a newline and control bytes in it: the error line quotes it, escaped.
    { name: 'not JSON', bytes: Buffer.from('\u0000garbage\nrm -rf \u001b[2J\n'), problem: 'it is not valid JSON (', commands: [SEEDS_LIST] },
    { name: 'truncated', bytes: real.subarray(0, Math.floor(real.length / 2)), problem: 'it is not valid JSON (', commands: [SEEDS_LIST, CAMPAIGN] },
    { name: 'another version', bytes: Buffer.from(real.toString('utf8').replace('"version": 1', '"version": 2')), problem: 'it is version 2; this curios reads version 1 only', commands: [SEEDS_LIST] },
  ];
};

describe('a database that cannot be read, at the command line', { tags: ['slow'] }, () => {
  for (const { name, bytes, problem, commands } of cases()) {
    describe(name, () => {
      it.concurrent.each(commands)('curios %s exits 4 with one line naming the file, and leaves its bytes', async (command, args) => {
        const sub = `${name}-${command}`.replace(/ /g, '-');
        mkdirSync(join(dir, sub, 'data'), { recursive: true });
        const path = join(dir, sub, 'data', 'db.json');
        writeFileSync(path, bytes);

        const r = await runCli([...args, '--db', 'data/db.json'], join(dir, sub));
        expect(r.code).toBe(EXIT_STORE);
        expect(r.stdout).toBe('');
        const lines = linesOf(r.stderr);
        expect(lines).toHaveLength(1);
        expect(lines[0].startsWith(`curios: cannot read the curios database ${path}: ${problem}`)).toBe(true);
        expect(lines[0].endsWith('. Move it aside or restore it from a backup; curios will not overwrite it.')).toBe(true);
        // No control byte reaches the terminal.
        expect(lines[0]).not.toMatch(/[\u0000-\u001f\u007f]/);

        expect(readFileSync(path).equals(bytes)).toBe(true);
        // Nothing else was written beside it: no temp file, no lock left, no traces.
        expect(readdirSync(join(dir, sub, 'data'))).toEqual(['db.json']);
        expect(existsSync(join(dir, sub, '.curios'))).toBe(false);
      });
    });
  }
});
