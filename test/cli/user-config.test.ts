// A user's config file through the command line, as a person runs it: every mistake a server
// author is likely to make is one line on stderr and exit code 2; a config is found in the working
// directory or named with --config; campaign workers run the config's servers; a crash seed
// remembers the module that defined its server, and replaying it after that module changed says so.
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linesOf, makeWorkDir, runCli } from '../helpers/cli.ts';

const EXIT_USAGE = 2;
const EXIT_MISMATCH = 3;
/** The public API, by absolute path: a config outside the repository cannot name the package. */
const API = fileURLToPath(new URL('../../src/index.ts', import.meta.url));

/** A small server module of the user's, as source text; `server` overrides fields of its definition. */
function serverSource(opts: { name?: string; server?: string; ops?: string; next?: string } = {}): string {
  return `import { defineModule, defineServer } from ${JSON.stringify(API)};
export const server = defineServer({
  name: ${JSON.stringify(opts.name ?? 'tally')},
  kind: 'per-client',
  state_bytes: 4,
  heap_pages: 1,
  *init() {},
  *handle(env, req) {
    if (req.op !== 1) return { status: 'ENOSYS' };
    const n = env.mem.load32(req.state) + 1;
    env.mem.store32(req.state, n);
    return { status: 'OK', words: [n] };
  },
  ${opts.server ?? ''}
});
export const module = defineModule({ server, ops: ${opts.ops ?? "['add']"}, next: ${opts.next ?? "() => ({ op: 'add' })"} });
`;
}

const CONFIG = `import { defineConfig } from ${JSON.stringify(API)};\nimport { module } from './server.ts';\nexport default defineConfig({ servers: [module] });\n`;

let root: string;
let n = 0;

/** A fresh directory holding `files`. */
function project(files: Record<string, string>): string {
  const dir = join(root, `p${n++}`);
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

beforeAll(() => {
  root = makeWorkDir();
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

// Each row: a project, the arguments, and the one line curios must print.
const MISTAKES: [string, Record<string, string>, string[], RegExp][] = [
  ['config not found', {}, ['--config', 'nope.config.ts'], /^curios: --config: config not found: nope\.config\.ts$/],
  ['a module that throws at import', { 'curios.config.ts': "throw new Error('the disk is on fire');\n" }, [], /^curios: config curios\.config\.ts: importing it threw: the disk is on fire$/],
  ['a config without a default export', { 'curios.config.ts': 'export const servers = [];\n' }, [], /^curios: config curios\.config\.ts: no default export \(export default defineConfig/],
  ['a handle that is not a generator', { 'server.ts': serverSource({ server: "handle: (env, req) => ({ status: 'OK' })," }).replace(/ {2}\*handle[\s\S]*?\n {2}\},\n/, ''), 'curios.config.ts': CONFIG }, [], /^curios: config curios\.config\.ts: server tally: handle must be a generator function/],
  ['a name a built-in server has', { 'server.ts': serverSource({ name: 'prng' }), 'curios.config.ts': CONFIG }, [], /^curios: config curios\.config\.ts: server prng: the name is taken by a built-in server$/],
  [
    'the same name twice',
    { 'server.ts': serverSource(), 'other.ts': serverSource().replace(/server\b/g, 'server'), 'curios.config.ts': `import { defineConfig } from ${JSON.stringify(API)};\nimport { module as a } from './server.ts';\nimport { module as b } from './other.ts';\nexport default defineConfig({ servers: [a, b] });\n` },
    [],
    /^curios: config curios\.config\.ts: server tally: the name is taken by another server in .*curios\.config\.ts$/,
  ],
  ['a workload op the server does not know', { 'server.ts': serverSource({ next: "() => ({ op: 'frob' })" }), 'curios.config.ts': CONFIG }, [], /^curios: config curios\.config\.ts: server tally: its workload emits op "frob", which the server does not know \(ops: add\)$/],
  ['state_bytes too large for one SSR', { 'server.ts': serverSource().replace('state_bytes: 4', 'state_bytes: 5000'), 'curios.config.ts': CONFIG }, [], /^curios: config curios\.config\.ts: server tally: state_bytes 5000 is more than one SSR holds \(4080 bytes/],
  ['a name reserved for the trusted base', { 'server.ts': serverSource({ name: 'supervisor' }), 'curios.config.ts': CONFIG }, [], /^curios: config curios\.config\.ts: server supervisor: "supervisor" is reserved for the trusted base/],
  ['a dependency no config defines', { 'server.ts': serverSource({ server: "deps: ['dsk']," }), 'curios.config.ts': CONFIG }, [], /^curios: config curios\.config\.ts: server tally: depends on "dsk", which no config defines/],
];

describe('a user config: mistakes are one line and exit 2', () => {
  it.concurrent.each(MISTAKES)('%s', async (_what, files, args, line) => {
    const dir = project(files);
    const r = await runCli([...args, 'seeds', 'list', '--db', 'db.json'], dir);
    expect(linesOf(r.stderr)).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(line);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.stdout).toBe('');
  });
});

describe('a user config: found, run in workers, stamped in seeds', { tags: ['slow'] }, () => {
  it('is found in the working directory and named by --config; its server is a campaign target in worker processes too', async () => {
    const dir = project({ 'server.ts': serverSource(), 'curios.config.ts': CONFIG });
    const campaign = (workers: number) => ['campaign', '--servers', 'tally', '--faults', 'crash', '--modes', 'curios', '--trials', '12', '--workers', String(workers), '--no-store', '--format', 'json'];
    const args = campaign(2);
    const found = await runCli(args, dir);
    expect(found.code, found.stderr).toBe(0);
    const named = await runCli(['--config', join(dir, 'curios.config.ts'), ...args], root);
    expect(named.code, named.stderr).toBe(0);
    const one = await runCli(campaign(1), dir);
    const digest = (s: string) => (JSON.parse(s) as { digest: string; trials: number }).digest;
    expect(digest(found.stdout)).toBe(digest(named.stdout));
    expect(digest(found.stdout)).toBe(digest(one.stdout));
    expect((JSON.parse(found.stdout) as { trials: number }).trials).toBe(12);
  });

  it('a seed replays while its server module is unchanged, and says in one line (exit 3) when it changed', async () => {
    const dir = project({ 'server.ts': serverSource(), 'curios.config.ts': CONFIG });
    // Mode none leaves a crashed server down: every activated crash is a failed trial (mode none
    // promises nothing, so --keep all keeps it as a seed).
    const c = await runCli(['campaign', '--servers', 'tally', '--faults', 'crash', '--modes', 'none', '--trials', '3', '--workers', '1', '--keep', 'all', '--db', 'db.json'], dir);
    expect(c.code, c.stderr).toBe(0);
    const listed = await runCli(['seeds', 'list', '--db', 'db.json', '--json'], dir);
    const [seed] = JSON.parse(listed.stdout) as { id: string; config: { target: string } }[];
    expect(seed?.config.target).toBe('tally');
    const { id } = seed;
    const same = await runCli(['replay', id, '--db', 'db.json'], dir);
    expect(same.code, same.stderr).toBe(0);
    appendFileSync(join(dir, 'server.ts'), '// a change\n');
    const changed = await runCli(['replay', id, '--db', 'db.json'], dir);
    expect(changed.code).toBe(EXIT_MISMATCH);
    expect(linesOf(changed.stderr)).toHaveLength(1);
    expect(changed.stderr).toMatch(/^NOT replayed: the module that defines server tally changed since the seed was stored \(.*server\.ts: sha256 [0-9a-f]{12}, the seed's [0-9a-f]{12}\)/);
    const elsewhere = await runCli(['replay', id, '--db', join(dir, 'db.json')], root);
    expect(elsewhere.code).toBe(EXIT_USAGE);
    expect(elsewhere.stderr).toMatch(/server tally \(defined in .*server\.ts\) is in no config here: pass the config that defines it with --config/);
  });
});
