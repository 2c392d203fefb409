// `curios dashboard` (and `curios` alone on a terminal): the live recovery dashboard, with
// --campaign a campaign watched as it runs, or with --explore a recorded exploration. ink is
// mounted only when stdout is a terminal and --json is not given; otherwise the same run prints
// plain lines and ends by itself (an exploration prints its report). This layer
// owns the wall clock and the terminal; the dashboard (tui/) gets them as arguments.
import { performance } from 'node:perf_hooks';
import { cellsOf, type CampaignConfig } from '../campaign/campaign.ts';
import { campaignFile } from '../campaign/run.ts';
import { shardCells } from '../campaign/shard.ts';
import type { TrialResult } from '../campaign/result-types.ts';
import type { Cycles } from '../hw/types.ts';
import { COMMIT_POLICIES, MODES } from '../ssr/modes.ts';
import { HOST_LIMITS } from '../campaign/host-limits.ts';
import { progressJson, progressLine } from '../../tui/campaign/campaign-lines.ts';
import { CampaignProgress } from '../../tui/campaign/campaign-progress.ts';
import { DASHBOARD_LIMITS } from '../../tui/limits.ts';
import { DashboardModel } from '../../tui/live/dashboard-model.ts';
import type { LiveRunner } from '../../tui/live/live-session.ts';
import { runPlain } from '../../tui/live/plain-run.ts';
import { LIVE_DEFAULTS, type LiveConfig } from '../../tui/live/simulation.ts';
import { WorkerRunner } from '../../tui/live/worker-runner.ts';
import { mountCampaign, mountExplore, mountLive, type TerminalStreams } from '../../tui/view/mount.tsx';
import { parseCount, parseOne, parseSeed } from './args.ts';
import { campaignFootnote, campaignSetup, recordCampaign, report, writeOut } from './campaign.ts';
import { wantsColor } from './color.ts';
import { CAMPAIGN_ONLY, EXPLORE_TAKES, LIVE_ONLY } from './dashboard-flags.ts';
import { exploreOfRecord } from '../campaign/explore/record.ts';
import { exploreReport, findExploration } from './explore.ts';
import { CliError, fail } from './errors.ts';
import { dbPath, readStoreOrFail, seedSink } from './seeds.ts';

/** The flags `curios dashboard` reads (the campaign ones are those of `curios campaign`). */
export interface DashboardOpts {
  seed: string;
  clients: string;
  commit?: string;
  mode: string;
  faultRate: string;
  cycles?: string;
  json?: boolean;
  campaign?: boolean;
  workers?: string;
  trialBudget?: string;
  sliceBudget?: string;
  keep?: string;
  shard?: string;
  db?: string;
  store: boolean;
  format: string;
  out?: string;
  verbose?: boolean;
  wide?: boolean;
  /** --explore [id]: true without an id (the latest) */
  explore?: string | true;
}

/** Faults per million cycles above which a run would do little but crash. */
const FAULT_RATE_MAX = 100;
/** The exit code of a campaign stopped by its viewer (as for Ctrl-C). */
const EXIT_STOPPED = 130;

function processStreams(): TerminalStreams {
  return { stdout: process.stdout, stdin: process.stdin, stderr: process.stderr };
}

/**
 * Runs `curios dashboard`. `given(option)` says whether a flag was on the command line;
 * `campaignConfig` reads the campaign flags as `curios campaign` does.
 */
export async function dashboardCommand(o: DashboardOpts, given: (option: string) => boolean, campaignConfig: () => CampaignConfig, io: TerminalStreams = processStreams()): Promise<void> {
  if (o.explore !== undefined) return exploreDashboard(o.explore, o, given, io);
  const misplaced = (o.campaign === true ? LIVE_ONLY : CAMPAIGN_ONLY).find(given);
  if (misplaced !== undefined) fail(`--${kebab(misplaced)} ${o.campaign === true ? 'is for a live run, not for --campaign' : EXPLORE_TAKES.includes(misplaced) ? 'goes with --campaign or --explore' : 'goes with --campaign'}`);
  if (o.campaign === true) return campaignDashboard(campaignConfig(), o, io);
  if (o.commit?.includes(',') === true) fail(`--commit: a live run takes one commit policy (${COMMIT_POLICIES.join(' or ')}), got "${o.commit}"`);
  const config: LiveConfig = {
    seed: parseSeed(o.seed),
    mode: parseOne(o.mode, '--mode', MODES),
    // A live run is one arm: one commit policy.
    commit: parseOne(o.commit ?? LIVE_DEFAULTS.commit, '--commit', COMMIT_POLICIES),
    fault_rate: parseRate(o.faultRate),
    clients: parseCount(o.clients, '--clients', 1, 16),
  };
  const cycles = o.cycles === undefined ? null : parseCount(o.cycles, '--cycles', 1, Number.MAX_SAFE_INTEGER);
  const slice_budget_ms = o.sliceBudget === undefined ? null : parseCount(o.sliceBudget, '--slice-budget', 1, HOST_LIMITS.budget_max_ms);
  return liveDashboard({ config, cycles, json: o.json === true }, io, workerRunner(slice_budget_ms));
}

/** The live simulation in a worker process, under the host limits (`budget_ms`: --slice-budget, or null for the default). */
function workerRunner(budget_ms: number | null): WorkerRunner {
  return new WorkerRunner({ budget_ms, clock: () => performance.now() });
}

/** What `curios` alone opens on a terminal. */
export function defaultDashboard(io: TerminalStreams = processStreams()): Promise<void> {
  return liveDashboard({ config: { ...LIVE_DEFAULTS }, cycles: null, json: false }, io, workerRunner(null));
}

/**
 * A live run on `runner` — a worker process for every run of the command, so that no server's
 * code can hang or kill this process (tests of the output pass one in-process) — drawn on the
 * terminal, or printed as plain lines without one. The runner is closed at the end.
 */
export async function liveDashboard(o: { config: LiveConfig; cycles: Cycles | null; json: boolean }, io: TerminalStreams, runner: LiveRunner): Promise<void> {
  try {
    if (io.stdout.isTTY !== true || o.json) {
      await runPlain({ config: o.config, cycles: o.cycles ?? DASHBOARD_LIMITS.plain_cycles_default, json: o.json, write: (line) => io.stdout.write(`${line}\n`), runner });
      return;
    }
    const model = new DashboardModel(o.config, { clock: () => performance.now(), stop_at_cycles: o.cycles, runner });
    await mountLive(model, io).waitUntilExit();
  } finally {
    await runner.close();
  }
}

async function campaignDashboard(config: CampaignConfig, o: DashboardOpts, io: TerminalStreams): Promise<void> {
  const { workers, shard, trial_budget_ms, keep, db, store } = campaignSetup(o);
  try {
    const startedAt = new Date().toISOString();
    const cells = shard === null ? cellsOf(config) : shardCells(cellsOf(config), shard);
    const seeds: string[] = [];
    // Seeds are stored as the workers make them; what is said of them waits for the screen to close.
    const said: string[] = [];
    const sink = store === null || db === null ? {} : seedSink(store, db, (s) => void said.push(s), seeds);
    const progress = new CampaignProgress(config, cells, workers, () => performance.now(), { trial_budget_ms, keep, ...sink });
    const line = (s: string) => io.stdout.write(`${s}\n`);
    const terminal = io.stdout.isTTY === true && o.json !== true;
    // Only data on stdout: with --json the progress objects are part of the stream; otherwise progress lines go to stderr.
    const onChunk = () => (o.json === true ? line(progressJson(progress)) : io.stderr.write(`${progressLine(progress)}\n`));
    const results = terminal ? await watchCampaign(progress, io) : await progress.run(onChunk);
    const file = campaignFile(config, results, (performance.now() - progress.started_ms) / 1000, shard);
    if (o.verbose === true) for (const s of said) io.stderr.write(`${s}\n`);
    if (store !== null && db !== null) recordCampaign(store, file, shard, seeds, startedAt);
    if (o.json === true) line(JSON.stringify({ kind: 'summary', ...file }));
    else writeOut(o.out, report(file, o.format, { color: o.out === undefined && wantsColor(io.stdout), wide: o.wide === true }), line);
    io.stderr.write(`${campaignFootnote(file, store === null ? null : seeds)}\n`);
  } finally {
    store?.close();
  }
}

/** The campaign on the terminal until it ends and q is pressed; q before the end stops it. */
async function watchCampaign(progress: CampaignProgress, io: TerminalStreams): Promise<TrialResult[]> {
  let running: Promise<TrialResult[]> | null = null;
  const app = mountCampaign(
    progress,
    (redraw) => {
      running = progress.run(redraw);
      // A failed chunk is shown on the screen, and thrown once the screen is gone.
      running.catch(() => undefined);
    },
    io,
  );
  await app.waitUntilExit();
  const results = await (running ?? Promise.resolve([]));
  if (!progress.finished) throw new CliError(`campaign stopped after ${progress.done_cells} of ${progress.total_cells} cells: nothing recorded, no report`, EXIT_STOPPED);
  return results;
}

/** Every option of `curios dashboard` but --explore's own: given with --explore, each is refused. */
const NOT_FOR_EXPLORE = [...new Set([...LIVE_ONLY, ...CAMPAIGN_ONLY, 'campaign', 'seed', 'clients', 'commit'])].filter((a) => !EXPLORE_TAKES.includes(a));

/** A recorded exploration: on a terminal its heat map and classes until q; otherwise (or with --json) its report, once. */
async function exploreDashboard(which: string | true, o: DashboardOpts, given: (option: string) => boolean, io: TerminalStreams): Promise<void> {
  const misplaced = NOT_FOR_EXPLORE.find(given);
  if (misplaced !== undefined) fail(`--${kebab(misplaced)} is not for --explore (it takes only ${EXPLORE_TAKES.map((a) => `--${a}`).join(', ')})`);
  const record = findExploration(readStoreOrFail(dbPath(o.db)), which === true ? 'latest' : which);
  let opened;
  try {
    opened = exploreOfRecord(record);
  } catch (e) {
    fail(`exploration ${record.id}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (io.stdout.isTTY !== true || o.json === true) {
    io.stdout.write(exploreReport(opened.file, o.json === true ? 'json' : 'text', { color: wantsColor(io.stdout), seeds: opened.seeds }));
    return;
  }
  await mountExplore({ id: record.id, ...opened }, io).waitUntilExit();
}

function parseRate(raw: string): number {
  if (!/^\d+(\.\d+)?$/.test(raw.trim())) fail(`--fault-rate must be a number ≥ 0 (faults per million cycles), got "${raw}"`);
  const rate = Number(raw);
  if (rate > FAULT_RATE_MAX) fail(`--fault-rate must be at most ${FAULT_RATE_MAX} faults per million cycles, got ${rate}`);
  return rate;
}

function kebab(attribute: string): string {
  return attribute === 'store' ? 'no-store' : attribute.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
