// `curios explore`: every fault point of one server's workload, one trial per point × fault kind ×
// mode, reported as failure classes, a statement of how much of the space was tried, and a heat
// map; one crash seed per failing class. Parsing, printing and storing only: the exploration is
// src/campaign/explore/.
import { Option, type Command } from 'commander';
import { CAMPAIGN_DEFAULTS } from '../campaign/campaign.ts';
import { DEPTH_MAX, EXPLORE_DEFAULT_KINDS, EXPLORE_KINDS, type ExploreConfig } from '../campaign/explore/config.ts';
import { formatExploreHtml } from '../campaign/explore/html.ts';
import { BITS_ALL } from '../campaign/explore/kinds.ts';
import { secondKinds } from '../campaign/explore/pairs.ts';
import { formatExploreText, type ExploreTextOptions } from '../campaign/explore/report.ts';
import { exploreRecordOf } from '../campaign/explore/record.ts';
import { mergeExploreShards, runExplore, type ExploreFile } from '../campaign/explore/run.ts';
import { exploreSeedsOf } from '../campaign/explore/seeds.ts';
import { TRUSTED_BASE } from '../faults/model.ts';
import { targets } from '../servers/catalog.ts';
import { COMMIT_POLICIES, DEFAULT_COMMIT, MODES } from '../ssr/modes.ts';
import { parseCount, parseList, parseOne, parseSeed } from './args.ts';
import type { ShardInput } from '../campaign/merge.ts';
import { campaignSetup, writeOut, type RunFlags } from './campaign.ts';
import { EXIT, fail } from './errors.ts';
import { adoptGoldens, GoldenHostLimitError } from '../campaign/explore/goldens.ts';
import type { ExplorationRecord, StoreSnapshot } from '../store/index.ts';
import { progressReporter } from './progress.ts';
import { saveSeedsTo } from './seeds.ts';

interface ExploreOpts extends RunFlags {
  server: string;
  faults: string;
  modes: string;
  seed: string;
  stride: string;
  bits?: string;
  depth: string;
  commit: string;
  clients: string;
  ops: string;
  format: string;
  out?: string;
  verbose?: boolean;
}

export const EXPLORE_FORMATS = ['text', 'json', 'html'] as const;

function exploreConfig(o: ExploreOpts): ExploreConfig {
  if ((TRUSTED_BASE as readonly string[]).includes(o.server)) fail(`--server: "${o.server}" is part of the trusted base (kernel, SSR manager, supervisor); faults target servers only`);
  const config: ExploreConfig = {
    seed: parseSeed(o.seed),
    server: parseOne(o.server, '--server', targets()),
    faults: parseList(o.faults, '--faults', EXPLORE_KINDS),
    bits: o.bits === undefined ? [...BITS_ALL] : parseBits(o.bits),
    modes: parseList(o.modes, '--modes', MODES),
    commit: parseOne(o.commit, '--commit', COMMIT_POLICIES),
    clients: parseCount(o.clients, '--clients', 1, 16),
    ops_per_client: parseCount(o.ops, '--ops', 1, 500),
    stride: parseCount(o.stride, '--stride', 1, 1_000_000),
    depth: parseCount(o.depth, '--depth', 1, DEPTH_MAX),
  };
  if (config.depth >= 2 && secondKinds(config).length === 0) fail(`--depth 2: the second fault is a crash or a hang; --faults ${o.faults} has neither`);
  return config;
}

/** `--bits 0,7,31`: distinct bits of a 32-bit word, in ascending order. */
function parseBits(raw: string): number[] {
  const bits = raw.split(',').map((b) => b.trim());
  for (const b of bits) if (!/^\d+$/.test(b) || Number(b) > 31) fail(`--bits: "${b}" is not a bit of a 32-bit word (0..31); give a comma-separated list such as 0,7,31`);
  return [...new Set(bits.map(Number))].sort((a, b) => a - b);
}

export function exploreCommand(program: Command, out: (s: string) => void, color: () => boolean): void {
  program
    .command('explore')
    .description('try every fault point of one server\'s workload (each request, each memory access inside it, each injection site) under each mode, and report the failure classes, how much of the space was tried, and a heat map')
    .requiredOption('--server <name>', `the server to explore (${targets().join(', ')})`)
    .option('--faults <list>', `fault kinds, comma-separated (${EXPLORE_KINDS.join(', ')})`, EXPLORE_DEFAULT_KINDS.join(','))
    .option('--bits <list>', 'the bits of a 32-bit word that bitflip, regflip and msg-corrupt points flip, comma-separated, each 0..31 (default: all 32; fewer samples, and the report says so)')
    .option('--modes <list>', `recovery modes (${MODES.join(', ')})`, 'restart,curios')
    .option('--seed <n>', 'the workload seed', '1')
    .option('--stride <k>', 'take every k-th memory access of each request (1: every one; more samples, and the report says so)', '1')
    .option('--depth <d>', '1: one fault per trial; 2: also a second fault (each of --faults that takes no fields: crash, hang) at each point inside the recovery of each first fault that did not fail', '1')
    .option('--workers <n>', 'worker processes, each running trials under the host limits (default: the core count)')
    .option('--shard <i/n>', 'run only shard i of n, i counting from 1 (its report says it is a share)')
    .option('--trial-budget <ms>', 'wall-clock budget of one trial (as in curios campaign)')
    .option('--commit <policy>', `SSR commit policy (${COMMIT_POLICIES.join(', ')})`, DEFAULT_COMMIT)
    .option('--clients <n>', 'clients in the workload', String(CAMPAIGN_DEFAULTS.clients))
    .option('--ops <n>', 'operations per client', String(CAMPAIGN_DEFAULTS.ops_per_client))
    .addOption(new Option('--format <fmt>', 'output format').choices([...EXPLORE_FORMATS]).default('text'))
    .option('--out <file>', 'write the report to a file instead of stdout')
    .option('--db <path>', 'the store (default: $CURIOS_DB, else .curios/db.json)')
    .option('--no-store', 'do not record the exploration nor save a crash seed per failing class')
    .option('--verbose', 'list each crash seed as it is stored')
    .action(async (o: ExploreOpts) => {
      const config = exploreConfig(o);
      const setup = campaignSetup(o);
      const { db, store } = setup;
      try {
        const startedAt = new Date().toISOString();
        const progress = progressReporter(process.stderr, () => performance.now(), 'trials');
        const { file, results } = await unlessGoldenBroke(() => runExplore(config, { workers: setup.workers, shard: setup.shard, trial_budget_ms: setup.trial_budget_ms, clock_ms: () => performance.now(), onProgress: (p) => progress.update(p.done_cells, p.total_cells) }));
        progress.finish();
        const seeds = new Map<string, string>();
        let recorded: string | null = null;
        if (store !== null && db !== null) {
          const log = o.verbose === true ? (line: string) => process.stderr.write(`${line}\n`) : () => undefined;
          const found = exploreSeedsOf(config, file.classes, results);
          saveSeedsTo(store, db, found, log).forEach((id, i) => seeds.set(found[i].class, id));
          recorded = store.addExploration({ ...exploreRecordOf(file, seeds), startedAt, endedAt: new Date().toISOString() }).id;
        }
        writeOut(o.out, exploreReport(file, o.format, { color: color() && o.out === undefined, seeds }), out);
        process.stderr.write(`${file.trials} trials, ${file.trialsPerSecond.toFixed(1)} trials/s; ${recorded === null ? 'not recorded, crash seeds not stored (--no-store)' : `${seeds.size} crash seed${seeds.size === 1 ? '' : 's'} (one per failing class): npx curios seeds list; recorded as exploration ${recorded}: npx curios dashboard --explore ${recorded}`}\n`);
      } finally {
        store?.close();
      }
    });
}

/** Whether shard files are an exploration's (`curios merge` takes both kinds). */
export function areExploreShards(inputs: readonly ShardInput[]): boolean {
  const data = inputs[0]?.data;
  return typeof data === 'object' && data !== null && 'space' in data && 'classes' in data;
}

/** Merges an exploration's shard files and prints the unsharded report (text or json); a set that cannot be merged is one line, exit 2. */
export async function mergeExploreFiles(inputs: readonly ShardInput[], format: string, color: boolean): Promise<string> {
  for (const input of inputs) {
    const d = input.data as Partial<ExploreFile> | null;
    if (typeof d !== 'object' || d === null || typeof d.config !== 'object' || !Array.isArray(d.results) || typeof d.shard !== 'object') fail(`${input.name}: not an explore shard file (curios explore --shard i/n --format json --out FILE)`);
  }
  // The merged report reads the space off the golden runs: made in a worker, as explore makes them.
  await unlessGoldenBroke(() => adoptGoldens((inputs[0].data as ExploreFile).config, null));
  let merged;
  try {
    merged = mergeExploreShards(inputs.map((i) => i.data as ExploreFile));
  } catch (e) {
    fail(`merge: ${e instanceof Error ? e.message : String(e)}`);
  }
  return exploreReport(merged.file, format, { color });
}

/** An exploration's report in a format of EXPLORE_FORMATS (json: the file, with the seed of each failing class). */
export function exploreReport(file: ExploreFile, format: string, o: ExploreTextOptions): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify({ ...file, seeds: Object.fromEntries(o.seeds ?? []) }, null, 2)}\n`;
    case 'html':
      return formatExploreHtml(file, o);
    case 'text':
      return formatExploreText(file, o);
    default:
      fail(`--format ${format}: an exploration prints ${EXPLORE_FORMATS.join(', ')}`);
  }
}

/** The exploration `which` names in the store: `latest` (the last recorded), or an id or a unique prefix of one. */
export function findExploration(store: Pick<StoreSnapshot, 'listExplorations' | 'path'>, which: string): ExplorationRecord {
  const all = store.listExplorations();
  if (all.length === 0) fail(`no exploration recorded in ${store.path}: run one (npx curios explore --server fs)`);
  if (which === 'latest') return all.reduce((a, b) => (b.startedAt >= a.startedAt ? b : a));
  const matching = all.filter((e) => e.id.startsWith(which));
  if (which === '' || matching.length === 0) fail(`no exploration ${JSON.stringify(which)} in ${store.path} (npx curios runs --kind explore lists them)`);
  if (matching.length > 1) fail(`exploration id prefix ${JSON.stringify(which)} is ambiguous: ${matching.map((e) => e.id).join(', ')}`);
  return matching[0];
}

/** Runs `f`; a fault-free run that broke a host limit is one line and exit 3 (a run did what it should not), not an internal error. */
async function unlessGoldenBroke<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof GoldenHostLimitError) fail(`explore: ${e.message}`, EXIT.mismatch);
    throw e;
  }
}
