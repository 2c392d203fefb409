// `curios replay` as a person runs it: a trial of every outcome class (from the regression
// corpus) reproduces with exit 0 and its recorded outcome and trace hash; a tampered expectation
// exits 3 and says what differs; and a campaign's stored seeds replay by id, travel as exported
// trial files, and name the first event where a changed trace parts.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTCOMES } from '../../src/campaign/result-types.ts';
import { corpusEntries, type CorpusEntry } from '../corpus/corpus.ts';
import { linesOf, makeWorkDir, reportedSeeds, runCli } from '../helpers/cli.ts';

const EXIT_MISMATCH = 3;

/** One corpus entry of each outcome class the built-in servers reach (host-limit needs a hostile server: test/campaign/host-limit.test.ts). */
const corpus = corpusEntries();
const oneOfEachOutcome: CorpusEntry[] = OUTCOMES.filter((outcome) => outcome !== 'host-limit').map((outcome) => {
  const entry = corpus.find((e) => e.trial.expected.outcome === outcome);
  if (entry === undefined) throw new Error(`the corpus has no ${outcome} trial`);
  return entry;
});

let dir: string;

beforeAll(() => {
  dir = makeWorkDir();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A copy of an entry's trial file, with its expectation changed. */
function tampered(entry: CorpusEntry, expected: Partial<CorpusEntry['trial']['expected']>, name: string): string {
  const data = JSON.parse(readFileSync(entry.path, 'utf8')) as { expected: object };
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ ...data, expected: { ...data.expected, ...expected } }));
  return path;
}

describe('curios replay --trial', { tags: ['slow'] }, () => {
  it.concurrent.each(oneOfEachOutcome.map((e) => [e.trial.expected.outcome, e] as const))('reproduces a %s trial: exit 0, same outcome and trace hash', async (outcome, entry) => {
    const r = await runCli(['replay', '--trial', entry.path, '--json'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ outcome, traceHash: entry.trial.expected.traceHash, reproduced: true, difference: null, events: entry.traceLines.length });
  });

  it.concurrent.each(oneOfEachOutcome.map((e) => [e.trial.expected.outcome, e] as const))('tells the story of a %s trial in a dozen lines, the same story --json gives', async (outcome, entry) => {
    const [text, json] = await Promise.all([runCli(['replay', '--trial', entry.path], dir), runCli(['replay', '--trial', entry.path, '--json'], dir)]);
    expect(text.code).toBe(0);
    expect(text.stderr).toBe('');
    const lines = linesOf(text.stdout);
    const story = JSON.parse(json.stdout) as { faults: { planned: { kind: string; server: string }; fired: { at_cycles: number; client: number | null; hit: 'request' | 'state'; through: string | null } | null }[]; clients: { first_difference: { call: string } | null }[]; recovery: { server: string }[] };
    expect(lines.length).toBeLessThanOrEqual(14);
    expect(lines[0]).toMatch(new RegExp(`^trial +${entry.trial.config.target} under ${entry.trial.config.mode} `));
    const faults = lines.filter((l) => l.startsWith('fault '));
    expect(faults).toHaveLength(story.faults.length);
    story.faults.forEach((f, i) => {
      expect(faults[i]).toContain(`${f.planned.kind} in ${f.planned.server} `);
      expect(faults[i]).toContain(f.fired === null ? 'never fired' : `fired at cycle ${f.fired.at_cycles}`);
      // whose request it hit, and through which server (the degraded entry: a disk hang in fs's call for client 2)
      if (f.fired !== null && f.fired.client !== null) expect(faults[i]).toContain(f.fired.hit === 'state' ? `in client ${f.fired.client}'s state:` : `in client ${f.fired.client}'s request${f.fired.through === null ? '' : `, through ${f.fired.through}`}:`);
    });
    const clients = lines.filter((l) => l.startsWith('client '));
    expect(clients).toHaveLength(entry.trial.config.clients);
    story.clients.forEach((c, i) => expect(clients[i]).toContain(c.first_difference === null ? 'every result as in the golden run' : c.first_difference.call));
    for (const e of story.recovery.slice(0, 3)) expect(lines.some((l) => l.startsWith('recovery ') && l.includes(`${e.server}: `))).toBe(true);
    expect(lines.find((l) => l.startsWith('outcome '))).toMatch(new RegExp(`^outcome +${outcome}[ :]`));
    expect(lines.at(-2)).toMatch(new RegExp(`^trace +${entry.trial.expected.traceHash.slice(0, 16)}, ${entry.traceLines.length} events`));
    expect(lines.at(-1)).toMatch(/^check +reproduced: same outcome, same trace hash$/);
  });

  it('exits 3 naming what differs when the expected outcome and trace hash are not the replay\'s', async () => {
    const entry = oneOfEachOutcome[OUTCOMES.indexOf('silent-corruption')];
    const wrongHash = '0'.repeat(64);
    const r = await runCli(['replay', '--trial', tampered(entry, { outcome: 'masked', traceHash: wrongHash }, 'tampered.json')], dir);
    expect(r.code).toBe(EXIT_MISMATCH);
    expect(r.stderr).toBe('');
    const short = entry.trial.expected.traceHash.slice(0, 16);
    expect(linesOf(r.stdout).at(-1)).toMatch(new RegExp(`^check +NOT reproduced: outcome silent-corruption, recorded masked; trace hash ${short}, recorded ${'0'.repeat(16)}$`));
  });
});

describe('curios replay ID: the seeds a campaign stored', { tags: ['slow'] }, () => {
  const db = 'store/db.json';
  /** id → outcome, as the campaign reported them on stderr */
  let reported = new Map<string, string>();

  beforeAll(async () => {
    const r = await runCli(['campaign', '--seed', '1', '--servers', 'prng', '--faults', 'bitflip,hang', '--modes', 'none,curios', '--trials', '2', '--clients', '2', '--ops', '6', '--workers', '1', '--format', 'json', '--out', 'campaign.json', '--db', db, '--keep', 'all', '--verbose'], dir);
    expect(r.code).toBe(0);
    reported = reportedSeeds(linesOf(r.stderr));
  });

  const seedOf = (outcome: string): string => {
    const id = [...reported].find(([, o]) => o === outcome)?.[0];
    if (id === undefined) throw new Error(`the campaign stored no ${outcome} seed: ${[...reported].join(' ')}`);
    return id;
  };

  it('replays a seed by id with --trace: exit 0, its stored trace on stdout', async () => {
    const id = seedOf('silent-corruption');
    const r = await runCli(['replay', id, '--db', db, '--trace'], dir);
    expect(r.code).toBe(0);
    const stored = readFileSync(join(dir, 'store', 'traces', `${id}.jsonl`), 'utf8');
    expect(linesOf(r.stdout)).toEqual(linesOf(stored).map((l) => JSON.parse(l) as string));
    expect(linesOf(r.stderr)).toEqual([expect.stringMatching(/^outcome silent-corruption, trace [0-9a-f]{16}, \d+ events; reproduced: same outcome, same trace hash$/)]);
  });

  it('shares a seed as a file: seeds export, then replay --trial where there is no store', async () => {
    const id = seedOf('silent-corruption');
    const exported = await runCli(['seeds', 'export', id, '--db', db], dir);
    expect(exported.code).toBe(0);
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, 'seed.json'), exported.stdout);
    const r = await runCli(['replay', '--trial', 'seed.json', '--json'], elsewhere);
    expect(r.code).toBe(0);
    const trial = JSON.parse(exported.stdout) as { expected: { outcome: string; traceHash: string } };
    expect(JSON.parse(r.stdout)).toMatchObject({ ...trial.expected, reproduced: true });
  });

  it('exits 3 with the first event where the traces part when a stored seed no longer matches', async () => {
    const id = seedOf('silent-corruption');
    const storeDir = join(dir, 'changed');
    mkdirSync(join(storeDir, 'traces'), { recursive: true });
    // A store whose copy of the seed records another trace hash and, from event 3 on, another trace.
    const data = JSON.parse(readFileSync(join(dir, db), 'utf8')) as { seeds: { id: string; traceHash: string }[] };
    const seed = data.seeds.find((s) => s.id === id);
    if (seed === undefined) throw new Error(`seed ${id} is not in the store`);
    const realHash = seed.traceHash;
    seed.traceHash = 'f'.repeat(64);
    writeFileSync(join(storeDir, 'db.json'), JSON.stringify(data));
    const lines = linesOf(readFileSync(join(dir, 'store', 'traces', `${id}.jsonl`), 'utf8')).map((l) => JSON.parse(l) as string);
    const real = lines[3];
    lines[3] = 'a line this build never prints';
    writeFileSync(join(storeDir, 'traces', `${id}.jsonl`), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');

    const r = await runCli(['replay', id, '--db', join(storeDir, 'db.json')], dir);
    expect(r.code).toBe(EXIT_MISMATCH);
    expect(linesOf(r.stdout).at(-1)).toMatch(new RegExp(`^check +NOT reproduced: trace hash ${realHash.slice(0, 16)}, recorded ${'f'.repeat(16)}$`));
    expect(linesOf(r.stderr)).toEqual(['traces part at event 3:', '  recorded a line this build never prints', `  got      ${real}`]);
  });
});
