// The `curios` command. Data goes to stdout, messages to stderr; bad input is one line and exit
// code 2 (see errors.ts). This is the only layer (with src/store and the worker pool) that may
// read the clock, the environment and the terminal.
import { Command, CommanderError, Help, Option } from 'commander';
import { armsOf, CAMPAIGN_DEFAULTS, type CampaignConfig } from '../campaign/campaign.ts';
import { REPORT_FORMATS } from '../campaign/report/index.ts';
import { FAULT_KINDS, TRUSTED_BASE } from '../faults/model.ts';
import { targets } from '../servers/catalog.ts';
import { COMMIT_POLICIES, MODES } from '../ssr/modes.ts';
import { LIVE_DEFAULTS } from '../../tui/live/simulation.ts';
import { parseCount, parseList, parseOne, parseSeed } from './args.ts';
import { comparisonOf, formatComparison } from '../campaign/report/compare.ts';
import { campaignFootnote, campaignSetup, mergeFiles, readShardInput, recordCampaign, report, runWithProgress, writeOut } from './campaign.ts';
import { KEEP_POLICIES } from '../campaign/keep.ts';
import { HOST_LIMITS } from '../campaign/host-limits.ts';
// The dashboard (ink, React) is loaded only when it is asked for: every other command starts faster.
import type { DashboardOpts } from './dashboard.ts';
import { activateConfig, CONFIG_FILES } from './config.ts';
import { demoCommandIsolated } from './demo.ts';
import { areExploreShards, exploreCommand, mergeExploreFiles } from './explore.ts';
import { formatSeedHeader, formatSeedLine, matchesSeedFilter, type SeedFilter } from './seed-list.ts';
import { formatRunHeader, formatRunLine, RUN_KINDS, runsOf, type RunKind } from './run-list.ts';
import { dbPath, loadTrialFile, readStoreOrFail, removeSeedTrace, replayCommand, seedSink, seedToTrial, seedTrace, withStore } from './seeds.ts';
import { OUTCOMES } from '../campaign/result-types.ts';
import { StoreError, type SeedRecord, type Store } from '../store/index.ts';
import { wantsColor } from './color.ts';
import { progressReporter } from './progress.ts';
import { dashboardOptionShown, type DashboardView } from './dashboard-flags.ts';
import { CliError, EXIT, fail } from './errors.ts';

const out = (s: string) => process.stdout.write(`${s}\n`);
const color = () => wantsColor(process.stdout);

interface CampaignOpts {
  servers: string;
  faults: string;
  modes?: string;
  trials: string;
  seed: string;
  workers?: string;
  commit?: string;
  format: string;
  out?: string;
  shard?: string;
  clients: string;
  ops: string;
  db?: string;
  store: boolean;
  verbose?: boolean;
  wide?: boolean;
}

function campaignConfig(o: CampaignOpts, allModes: boolean): CampaignConfig {
  for (const name of o.servers.split(',').map((s) => s.trim())) {
    if ((TRUSTED_BASE as readonly string[]).includes(name)) fail(`--servers: "${name}" is part of the trusted base (kernel, SSR manager, supervisor); faults target servers only`);
  }
  return {
    seed: parseSeed(o.seed),
    servers: parseList(o.servers === 'all' ? targets().join(',') : o.servers, '--servers', targets()),
    faults: parseList(o.faults === 'all' ? FAULT_KINDS.join(',') : o.faults, '--faults', FAULT_KINDS),
    modes: allModes ? [...MODES] : parseList(o.modes ?? MODES.join(','), '--modes', MODES),
    trials: parseCount(o.trials, '--trials'),
    commits: parseList(o.commit ?? (allModes ? CAMPAIGN_DEFAULTS.compare_commits : CAMPAIGN_DEFAULTS.commits).join(','), '--commit', COMMIT_POLICIES),
    clients: parseCount(o.clients, '--clients', 1, 16),
    ops_per_client: parseCount(o.ops, '--ops', 1, 500),
  };
}

function campaignOptions(cmd: Command, withModes: boolean): Command {
  cmd
    .option('--servers <list>', `servers to target, comma-separated, or all (${targets().join(', ')})`, 'all')
    .option('--faults <list>', `fault kinds, comma-separated, or all (${FAULT_KINDS.join(', ')})`, 'all');
  if (withModes) cmd.option('--modes <list>', `recovery modes (${MODES.join(', ')})`, MODES.join(','));
  return cmd
    .option('--trials <n>', 'trials per server × fault kind (each runs under every mode)', '100')
    .option('--seed <n>', 'the seed every workload and fault derives from', '1')
    .option('--workers <n>', 'worker processes, each running trials under the host limits (default: the core count)')
    .option('--commit <list>', `SSR commit policies of persist and curios, comma-separated (${COMMIT_POLICIES.join(', ')}); each is an arm of its own (default: ${withModes ? CAMPAIGN_DEFAULTS.commits.join(',') : CAMPAIGN_DEFAULTS.compare_commits.join(',')})`)
    .addOption(new Option('--format <fmt>', 'output format').choices([...REPORT_FORMATS]).default('text'))
    .option('--out <file>', 'write the report to a file instead of stdout')
    .option('--trial-budget <ms>', `wall-clock budget of one trial, past which its worker is stopped and the trial recorded as host-limit (default: ${HOST_LIMITS.budget_factor} × the mean trial time, at least ${HOST_LIMITS.budget_floor_ms})`)
    .option('--shard <i/n>', 'run only shard i of n, i counting from 1 (1/4 … 4/4); merge the shard files with curios merge')
    .option('--clients <n>', 'clients (of each trial, in a campaign)', String(CAMPAIGN_DEFAULTS.clients))
    .option('--ops <n>', 'operations per client', String(CAMPAIGN_DEFAULTS.ops_per_client))
    .option('--db <path>', 'the store (default: $CURIOS_DB, else .curios/db.json)')
    .addOption(new Option('--keep <policy>', 'which failing trials are shrunk and stored as crash seeds: broken (those that break what their mode promises) or all').choices([...KEEP_POLICIES]).default('broken'))
    .option('--no-store', 'do not record the campaign nor save its crash seeds')
    .option('--verbose', 'list each crash seed as it is stored (by default, a count at the end)')
    .option('--wide', 'the text table with every column (by default the columns that fit 100)');
}

async function campaignAction(o: CampaignOpts, compare: boolean): Promise<void> {
  const config = campaignConfig(o, compare);
  const setup = campaignSetup(o);
  const { shard, db, store } = setup;
  try {
    const startedAt = new Date().toISOString();
    const seeds: string[] = [];
    const progress = progressReporter(process.stderr, () => performance.now());
    const log = o.verbose === true ? (line: string) => progress.message(line) : () => undefined;
    // Each crash seed is saved as soon as a worker has shrunk it: a campaign killed midway keeps what it found.
    const sink = store === null || db === null ? {} : seedSink(store, db, log, seeds);
    const { file } = await runWithProgress(config, setup, (p) => progress.update(p.done_cells, p.total_cells), sink);
    progress.finish();
    const text = compare ? formatComparison(comparisonOf(file, armsOf(config)), o.format) : report(file, o.format, { color: color() && o.out === undefined, wide: o.wide === true });
    writeOut(o.out, text, out);
    if (store !== null) recordCampaign(store, file, shard, seeds, startedAt);
    process.stderr.write(`${campaignFootnote(file, store === null ? null : seeds)}\n`);
  } finally {
    store?.close();
  }
}

function lookupSeed(store: Pick<Store, 'getSeed'>, id: string): SeedRecord {
  try {
    return store.getSeed(id);
  } catch (e) {
    if (e instanceof StoreError) fail(e.message);
    throw e;
  }
}

/** Per command, which of its options its help shows (the dashboard shows a live run's or a campaign's). */
const helpShows = new WeakMap<Command, (option: Option, cmd: Command) => boolean>();

/**
 * Help as a user reads it: defaults and choices printed as values (`default: 42`, not `"42"`),
 * and only the options that belong to what was asked for.
 */
const HELP_CONFIG: Partial<Help> = {
  optionDescription(option: Option): string {
    const extra: string[] = [];
    if (option.argChoices !== undefined) extra.push(`one of: ${option.argChoices.join(', ')}`);
    const shown = option.defaultValueDescription ?? (typeof option.defaultValue === 'boolean' ? undefined : option.defaultValue);
    if (shown !== undefined && !option.negate) extra.push(`default: ${String(shown)}`);
    return extra.length === 0 ? option.description : `${option.description} (${extra.join('; ')})`;
  },
  visibleOptions(this: Help, cmd: Command): Option[] {
    const shows = helpShows.get(cmd);
    const all = Help.prototype.visibleOptions.call(this, cmd);
    return shows === undefined ? all : all.filter((option) => shows(option, cmd));
  },
};

/** Commander's own errors get our prefix; its quotes become ours. */
function commanderError(text: string, write: (s: string) => void): void {
  write(`curios: ${text.replace(/^error: /, '').replace(/'([^']*)'/g, '"$1"')}`);
}

/** A command with subcommands names an unknown one instead of complaining about arguments. */
function refuseUnknownSubcommand(cmd: Command, path: string): Command {
  return cmd.allowExcessArguments(true).action(() => {
    const [first] = cmd.args;
    const names = cmd.commands.map((c) => c.name());
    if (first === undefined) fail(`missing command: ${names.slice(0, -1).join(', ')} or ${names.at(-1)} (see ${path} --help)`);
    fail(`unknown command "${first}" (see ${path} --help)`);
  });
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('curios')
    .description('A fault-tolerant microkernel testbed: crash, hang and corrupt user-level servers, and measure what each recovery mode survives.')
    .version('0.1.0')
    .option('--config <file>', `the config file that registers your servers (default: ${CONFIG_FILES.join(', ')} in the working directory)`)
    .exitOverride()
    .configureHelp({ ...HELP_CONFIG, showGlobalOptions: true })
    .configureOutput({ writeErr: (s) => process.stderr.write(s), outputError: commanderError });

  program
    .command('demo')
    .description('crash each stateful server mid-workload under each of the four modes, and print what every client saw')
    .option('--seed <n>', 'the scenario seed', '42')
    .option('--json', 'print JSON instead of a table')
    .action((o: { seed: string; json?: boolean }) => demoCommandIsolated({ seed: parseSeed(o.seed), json: o.json === true }, out));

  campaignOptions(program.command('campaign').description('run a paired fault campaign and report recovery per server × fault kind × mode'), true).action((o: CampaignOpts) => campaignAction(o, false));
  campaignOptions(program.command('compare').description('a campaign over every mode, printed side by side'), false).action((o: CampaignOpts) => campaignAction(o, true));

  exploreCommand(program, out, color);

  program
    .command('merge')
    .description('merge shard results (curios campaign --shard i/n --format json --out FILE) into the unsharded result')
    .argument('<files...>', 'the shard files')
    .addOption(new Option('--format <fmt>', 'output format').choices([...REPORT_FORMATS]).default('text'))
    .option('--out <file>', 'write the report to a file instead of stdout')
    .option('--wide', 'the text table with every column (by default the columns that fit 100)')
    .action(async (files: string[], o: { format: string; out?: string; wide?: boolean }) => {
      const inputs = files.map(readShardInput);
      // An exploration's shards (curios explore --shard i/n --format json) merge to its report.
      if (areExploreShards(inputs)) return writeOut(o.out, await mergeExploreFiles(inputs, o.format, color() && o.out === undefined), out);
      writeOut(o.out, report(mergeFiles(files), o.format, { color: color() && o.out === undefined, wide: o.wide === true }), out);
    });

  program
    .command('replay')
    .description('replay a crash seed (or a trial given as JSON), tell its story — the fault, what each client saw, recovery, the outcome — and check that outcome and trace hash are identical')
    .argument('[id]', 'the seed id (or a unique prefix)')
    .option('--trial <file>', 'a trial as JSON: {"config": …, "plan": …, "expected": {"outcome", "traceHash"}} (curios seeds export writes one)')
    .option('--db <path>', 'the store (default: $CURIOS_DB, else .curios/db.json)')
    .option('--trace', 'print the kernel trace, one event a line, instead of the story')
    .option('--json', 'print the story and the verdict as JSON')
    .action(async (id: string | undefined, o: { trial?: string; db?: string; json?: boolean; trace?: boolean }) => {
      const err = (s: string) => process.stderr.write(`${s}\n`);
      const opts = { json: o.json === true, trace: o.trace === true };
      if (o.trial !== undefined) {
        process.exitCode = await replayCommand(loadTrialFile(o.trial), null, { ...opts, name: `--trial ${o.trial}` }, out, err);
        return;
      }
      if (id === undefined) fail('replay needs a seed id or --trial FILE');
      const db = dbPath(o.db);
      const seed = lookupSeed(readStoreOrFail(db), id);
      process.exitCode = await replayCommand(seedToTrial(seed), seedTrace(db, seed.id), { ...opts, name: seed.id }, out, err);
    });

  const seeds = refuseUnknownSubcommand(program.command('seeds').description('list, show, export or remove crash seeds (readers never wait for a running campaign)'), 'curios seeds');
  const dbOption = () => new Option('--db <path>', 'the store (default: $CURIOS_DB, else .curios/db.json)');
  seeds
    .command('list')
    .description('list the crash seeds: id, server, fault kinds, mode, outcome, when found')
    .addOption(dbOption())
    .option('--server <name>', 'only seeds of this server')
    .addOption(new Option('--fault <kind>', 'only seeds whose plan has this fault kind').choices([...FAULT_KINDS]))
    .addOption(new Option('--mode <mode>', 'only seeds of this recovery mode').choices([...MODES]))
    .addOption(new Option('--outcome <outcome>', 'only seeds with this outcome').choices([...OUTCOMES]))
    .option('--json', 'print the seeds as a JSON array')
    .action((o: SeedFilter & { db?: string; json?: boolean }) => {
      const all = readStoreOrFail(dbPath(o.db)).listSeeds();
      const shown = all.filter((seed) => matchesSeedFilter(seed, o));
      if (o.json === true) out(JSON.stringify(shown, null, 2));
      else if (all.length === 0) process.stderr.write('no crash seeds yet: run a campaign (npx curios campaign)\n');
      else if (shown.length === 0) process.stderr.write(`none of the ${all.length} crash seeds matches\n`);
      else out([formatSeedHeader(), ...shown.map(formatSeedLine)].join('\n'));
    });
  seeds
    .command('show')
    .description('print one seed: its line, fault plan, trial configuration and trace hash')
    .argument('<id>', 'the seed id (or a unique prefix)')
    .addOption(dbOption())
    .option('--json', 'print the seed record as JSON')
    .action((id: string, o: { db?: string; json?: boolean }) => {
      const seed = lookupSeed(readStoreOrFail(dbPath(o.db)), id);
      out(o.json === true ? JSON.stringify(seed, null, 2) : `${formatSeedLine(seed)}\nplan ${JSON.stringify(seed.plan)}\nconfig ${JSON.stringify(seed.config)}\ntrace ${seed.traceHash}`);
    });
  seeds
    .command('export')
    .description('print a seed as a trial file for curios replay --trial (JSON)')
    .argument('<id>', 'the seed id (or a unique prefix)')
    .addOption(dbOption())
    .action((id: string, o: { db?: string }) => {
      const seed = lookupSeed(readStoreOrFail(dbPath(o.db)), id);
      out(JSON.stringify({ config: seed.config, plan: seed.plan, expected: { outcome: seed.outcome, traceHash: seed.traceHash } }, null, 2));
    });
  seeds
    .command('rm')
    .description('remove a seed and its trace file')
    .argument('<id>', 'the seed id (or a unique prefix)')
    .addOption(dbOption())
    .option('--json', 'print the removed seed as JSON')
    .action((id: string, o: { db?: string; json?: boolean }) => {
      const db = dbPath(o.db);
      readStoreOrFail(db);
      const removed = withStore(db, (store) => {
        lookupSeed(store, id);
        return store.removeSeed(id);
      });
      removeSeedTrace(db, removed.id);
      if (o.json === true) out(JSON.stringify(removed, null, 2));
      else process.stderr.write(`removed seed ${removed.id}\n`);
    });

  program
    .command('runs')
    .description('list the recorded campaigns and explorations: id, kind, when started, trials, what they ran (an exploration\'s id opens it in curios dashboard --explore)')
    .addOption(dbOption())
    .addOption(new Option('--kind <kind>', 'only runs of this kind').choices([...RUN_KINDS]))
    .option('--json', 'print the runs as a JSON array')
    .action((o: { db?: string; kind?: RunKind; json?: boolean }) => {
      const all = runsOf(readStoreOrFail(dbPath(o.db)));
      const shown = all.filter((r) => o.kind === undefined || r.kind === o.kind);
      if (o.json === true) out(JSON.stringify(shown, null, 2));
      else if (all.length === 0) process.stderr.write('no runs recorded yet: run a campaign or an exploration (npx curios campaign, npx curios explore --server fs)\n');
      else if (shown.length === 0) process.stderr.write(`none of the ${all.length} runs is of kind ${o.kind ?? ''}\n`);
      else out([formatRunHeader(), ...shown.map(formatRunLine)].join('\n'));
    });

  const dashboard = campaignOptions(
    program.command('dashboard').description('the live recovery dashboard: servers dying and coming back, clients, SSRs, faults by hand (keys: ? for help); with --campaign, a campaign as it runs. Without a terminal it prints plain lines.'),
    true,
  )
    .option('--mode <mode>', `recovery mode of the live run (${MODES.join(', ')}; m switches it)`, LIVE_DEFAULTS.mode)
    .option('--fault-rate <r>', 'faults injected at random, per million simulated cycles (0: only by hand)', String(LIVE_DEFAULTS.fault_rate))
    .option('--cycles <n>', 'stop the live run after this many simulated cycles (without a terminal: 5000000 unless given)')
    .option('--slice-budget <ms>', `wall-clock budget of one slice of the live run in its worker process, past which the run ends as host-limit (default: ${HOST_LIMITS.budget_factor} × the mean slice time, at least ${HOST_LIMITS.budget_floor_ms})`)
    .option('--json', 'print one JSON object a line instead of the dashboard')
    .option('--campaign', 'watch a campaign (the flags of curios campaign) instead of a live run')
    .option('--explore [id]', 'open a recorded exploration (its id or a unique prefix, as curios runs lists them; latest, or no id: the last one) instead of a live run');
  dashboard.action(async (o: CampaignOpts & DashboardOpts) => (await import('./dashboard.ts')).dashboardCommand(o, (option) => dashboard.getOptionValueSource(option) === 'cli', () => campaignConfig(o, false)));
  const viewOf = (cmd: Command): DashboardView => (cmd.opts().explore !== undefined ? 'explore' : cmd.opts().campaign === true ? 'campaign' : 'live');
  helpShows.set(dashboard, (option, cmd) => dashboardOptionShown(option.attributeName(), viewOf(cmd)));
  dashboard.addHelpText('after', (context) => (viewOf(context.command) !== 'live' ? '' : '\nWith --campaign it watches a campaign: see npx curios dashboard --campaign --help for its flags. With --explore [ID] it opens a recorded exploration: see npx curios dashboard --explore --help.'));

  // Set last, so that no subcommand inherits it: the words after `curios` are a command or an error.
  program.allowExcessArguments(true).action(async () => {
    const [first] = program.args;
    if (first !== undefined) fail(`unknown command "${first}" (see curios --help)`);
    // The dashboard needs a terminal to draw on and one to read keys from; anywhere else the
    // demo shows the system working.
    if (process.stdout.isTTY === true && process.stdin.isTTY === true) return (await import('./dashboard.ts')).defaultDashboard();
    return demoCommandIsolated({ seed: 42, json: false }, out);
  });
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await activateConfig(argv.slice(2), process.cwd());
    await buildProgram().parseAsync(argv);
    // An action may set its own exit code (replay: 3 when the trial does not reproduce).
    return Number(process.exitCode ?? EXIT.ok);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (e instanceof CliError) {
      process.stderr.write(`curios: ${e.message}\n`);
      return e.code;
    }
    process.stderr.write(`curios: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT.internal;
  }
}

// A closed pipe (curios … | head) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(EXIT.ok);
});

process.exitCode = await main(process.argv);
