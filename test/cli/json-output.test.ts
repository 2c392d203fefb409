// stdout carries data only: every command's JSON output (--json, --format json) parses as JSON,
// whole (or one document a line for the streams of the dashboard), with nothing else mixed in —
// progress, seeds and speed go to stderr.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusEntries } from '../corpus/corpus.ts';
import { linesOf, makeWorkDir, runCli } from '../helpers/cli.ts';

const dir = makeWorkDir();
const SMALL = ['--servers', 'prng', '--faults', 'hang', '--trials', '2', '--clients', '2', '--ops', '6', '--workers', '1'];

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function jsonOf(args: string[]): Promise<unknown> {
  const r = await runCli(args, dir);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as unknown;
}

async function jsonLinesOf(args: string[]): Promise<unknown[]> {
  const r = await runCli(args, dir);
  expect(r.code, r.stderr).toBe(0);
  const lines = linesOf(r.stdout);
  expect(lines.length).toBeGreaterThan(0);
  return lines.map((line) => JSON.parse(line) as unknown);
}

describe('JSON on stdout, and nothing else', { tags: ['slow'] }, () => {
  let seedId = '';

  beforeAll(async () => {
    const file = (await jsonOf(['campaign', ...SMALL, '--modes', 'none', '--keep', 'all', '--format', 'json', '--db', 'db.json'])) as { digest: string };
    expect(file.digest).toMatch(/^[0-9a-f]{64}$/);
    const seeds = (await jsonOf(['seeds', 'list', '--json', '--db', 'db.json'])) as { id: string }[];
    expect(seeds.length).toBeGreaterThan(0);
    seedId = seeds[0].id;
  });

  it.concurrent.each([
    ['demo', ['demo', '--json']],
    ['compare', ['compare', ...SMALL, '--format', 'json', '--no-store']],
    ['dashboard --campaign --format json', ['dashboard', '--campaign', ...SMALL, '--format', 'json', '--no-store']],
    ['replay --trial --json', ['replay', '--trial', corpusEntries()[0].path, '--json']],
  ])('%s', async (_name, args) => {
    const data = await jsonOf(args);
    expect(typeof data).toBe('object');
  });

  it('merge', async () => {
    const shards = ['1/2', '2/2'];
    for (const [i, shard] of shards.entries()) expect((await runCli(['campaign', ...SMALL, '--faults', 'crash,hang', '--shard', shard, '--format', 'json', '--out', `shard-${i}.json`, '--no-store'], dir)).code).toBe(0);
    expect(await jsonOf(['merge', 'shard-0.json', 'shard-1.json', '--format', 'json'])).toHaveProperty('digest');
  });

  it('seeds show, export, replay, and rm (which removes the trace too)', async () => {
    expect(await jsonOf(['seeds', 'show', seedId, '--json', '--db', 'db.json'])).toMatchObject({ id: seedId });
    expect(await jsonOf(['seeds', 'export', seedId, '--db', 'db.json'])).toHaveProperty('plan');
    expect(await jsonOf(['replay', seedId, '--json', '--db', join(dir, 'db.json')])).toHaveProperty('outcome');
    const trace = join(dir, 'traces', `${seedId}.jsonl`);
    expect(existsSync(trace)).toBe(true);
    expect(await jsonOf(['seeds', 'rm', seedId, '--json', '--db', 'db.json'])).toMatchObject({ id: seedId });
    expect(existsSync(trace)).toBe(false);
  });

  it.concurrent.each([
    ['dashboard --json', ['dashboard', '--json', '--cycles', '300000']],
    ['dashboard --campaign --json', ['dashboard', '--campaign', ...SMALL, '--json', '--no-store']],
  ])('%s: one JSON document a line', async (_name, args) => {
    const docs = await jsonLinesOf(args);
    for (const doc of docs) expect(typeof doc).toBe('object');
  });
});
