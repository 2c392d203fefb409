// The `curios` command. Data goes to stdout, messages to stderr; bad input is one line and exit
// code 2 (see errors.ts). This is the only layer (with src/store and the worker pool) that may
// read the clock, the environment and the terminal.
import { Command, CommanderError, Option } from 'commander';
import { CAMPAIGN_DEFAULTS, type CampaignConfig } from '../campaign/campaign.ts';
import { REPORT_FORMATS } from '../campaign/report/index.ts';
import { FAULT_KINDS, TRUSTED_BASE } from '../faults/model.ts';
import { targets } from '../servers/catalog.ts';
import { COMMIT_POLICIES, MODES } from '../ssr/layout.ts';
import { parseCount, parseList, parseOne, parseSeed, parseShard } from './args.ts';
import { defaultWorkers, formatCompare, mergeFiles, report, runCampaign, writeOut } from './campaign.ts';
import { demoCommand } from './demo.ts';
import { CliError, EXIT, fail } from './errors.ts';

const out = (s: string) => process.stdout.write(`${s}\n`);
const color = () => process.stdout.isTTY === true && process.env.NO_COLOR === undefined;

interface CampaignOpts {
  servers: string;
  faults: string;
  modes?: string;
  trials: string;
  seed: string;
  workers?: string;
  commit: string;
  format: string;
  out?: string;
  shard?: string;
  clients: string;
  ops: string;
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
    commit: parseOne(o.commit, '--commit', COMMIT_POLICIES),
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
    .option('--seed <n>', 'the campaign seed', '1')
    .option('--workers <n>', 'worker threads (default: the core count)')
    .option('--commit <policy>', `SSR commit policy (${COMMIT_POLICIES.join(', ')})`, CAMPAIGN_DEFAULTS.commit)
    .addOption(new Option('--format <fmt>', 'output format').choices([...REPORT_FORMATS]).default('text'))
    .option('--out <file>', 'write the report to a file instead of stdout')
    .option('--shard <i/n>', 'run only shard i of n (merge the shard files with curios merge)')
    .option('--clients <n>', 'clients per trial', String(CAMPAIGN_DEFAULTS.clients))
    .option('--ops <n>', 'operations per client', String(CAMPAIGN_DEFAULTS.ops_per_client));
}

async function campaignAction(o: CampaignOpts, compare: boolean): Promise<void> {
  const config = campaignConfig(o, compare);
  const workers = o.workers === undefined ? defaultWorkers() : parseCount(o.workers, '--workers', 1, 256);
  const shard = o.shard === undefined ? null : parseShard(o.shard);
  const { file } = await runCampaign(config, workers, shard, process.stderr.isTTY === true);
  const text = compare && o.format === 'text' ? formatCompare(file, config.modes) : report(file, o.format, color() && o.out === undefined);
  writeOut(o.out, text, out);
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('curios')
    .description('A fault-tolerant microkernel testbed: crash, hang and corrupt user-level servers, and measure what each recovery mode survives.')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('demo')
    .description('crash each stateful server mid-workload under each of the four modes, and print what every client saw')
    .option('--seed <n>', 'the scenario seed', '42')
    .option('--json', 'print JSON instead of a table')
    .action((o: { seed: string; json?: boolean }) => demoCommand({ seed: parseSeed(o.seed), json: o.json === true }, out));

  campaignOptions(program.command('campaign').description('run a paired fault campaign and report recovery per server × fault kind × mode'), true).action((o: CampaignOpts) => campaignAction(o, false));
  campaignOptions(program.command('compare').description('a campaign over every mode, printed side by side'), false).action((o: CampaignOpts) => campaignAction(o, true));

  program
    .command('merge')
    .description('merge shard results (curios campaign --shard i/n --format json --out FILE) into the unsharded result')
    .argument('<files...>', 'the shard files')
    .addOption(new Option('--format <fmt>', 'output format').choices([...REPORT_FORMATS]).default('text'))
    .option('--out <file>', 'write the report to a file instead of stdout')
    .action((files: string[], o: { format: string; out?: string }) => writeOut(o.out, report(mergeFiles(files), o.format, color() && o.out === undefined), out));

  program.action(() => {
    // The dashboard needs a terminal; anywhere else the demo shows the system working.
    demoCommand({ seed: 42, json: false }, out);
  });
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return EXIT.ok;
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
