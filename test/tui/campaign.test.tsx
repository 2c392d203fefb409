// A campaign watched as it runs: chunks of cells, the table and the recovery per mode recomputed
// after each, the same results as an unwatched campaign, its plain lines, and its screen and keys.
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { cellsOf, digestOf, runCell, type CampaignConfig, type Cell } from '../../src/campaign/campaign.ts';
import { runCells } from '../../src/campaign/pool.ts';
import type { TrialResult } from '../../src/campaign/result-types.ts';
import { progressJson, progressLine } from '../../tui/campaign/campaign-lines.ts';
import { CampaignProgress, chunkCells } from '../../tui/campaign/campaign-progress.ts';
import { CAMPAIGN_COLUMNS, campaignTable } from '../../tui/campaign/campaign-table.ts';
import { CampaignApp } from '../../tui/view/campaign-app.tsx';
import { bar, CampaignScreen } from '../../tui/view/campaign-screen.tsx';

const config: CampaignConfig = { seed: 3, servers: ['prng', 'fs'], faults: ['crash'], modes: ['none', 'restart', 'persist', 'curios'], trials: 2, commits: ['shadow'], clients: 2, ops_per_client: 8 };
const settle = (ms = 30) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs cells in this thread, as the pool does with one worker. */
const inThread = async (c: CampaignConfig, cells: Cell[]): Promise<TrialResult[]> => cells.flatMap((cell) => runCell(c, cell));

describe('chunkCells', () => {
  it('covers every cell once, in order, in chunks that keep the workers busy', () => {
    const cells = cellsOf({ ...config, trials: 50 });
    for (const workers of [1, 2, 8]) {
      const chunks = chunkCells(cells, workers);
      expect(chunks.flat()).toEqual(cells);
      if (workers > 1) expect(chunks[0].length).toBeGreaterThanOrEqual(8 * workers);
    }
    expect(chunkCells(cells, 1).every((c) => c.length === 1)).toBe(true);
  });
});

describe('CampaignProgress', () => {
  it('gets the results, table and digest of the unwatched campaign, redrawing after each chunk', async () => {
    const cells = cellsOf(config);
    const progress = new CampaignProgress(config, cells, 1, () => 0);
    const seen: string[] = [];
    const results = await progress.run(() => seen.push(progressLine(progress)), inThread);
    expect(seen).toHaveLength(cells.length);
    expect(progress.finished).toBe(true);
    expect(progress.done_cells).toBe(cells.length);
    const direct = await runCells(config, cells, 1);
    expect(digestOf(results)).toBe(digestOf(direct));
    expect(progress.rows.length).toBe(config.servers.length * config.faults.length * config.modes.length);
    const curios = progress.perMode().find((m) => m.mode === 'curios');
    expect(curios?.manifested).toBeGreaterThan(0);
    expect(curios?.share).toBe(curios === undefined || curios.manifested === 0 ? null : curios.recovered / curios.manifested);
  });

  it('prints one fixed-column line (or JSON object) per chunk', async () => {
    const progress = new CampaignProgress(config, cellsOf(config), 1, () => 0);
    const lines: string[] = [];
    const json: string[] = [];
    await progress.run(() => {
      lines.push(progressLine(progress));
      json.push(progressJson(progress));
    }, inThread);
    expect(lines[0]).toMatch(/^cells 1\/4  trials  4  none (-|\d+\.\d%) \(\d+\/\d+\)  restart .*  persist .*  curios .*$/);
    expect(lines.at(-1)).toMatch(/^cells 4\/4  trials 16  /);
    expect(JSON.parse(json.at(-1) ?? '{}')).toMatchObject({ kind: 'progress', done_cells: 4, total_cells: 4, trials: 16 });
  });

  it('starts no chunk once asked to stop, and says it did not finish', async () => {
    const progress = new CampaignProgress(config, cellsOf(config), 1, () => 0);
    await progress.run(() => {
      progress.stop_requested = true;
    }, inThread);
    expect(progress.done_cells).toBe(1);
    expect(progress.finished).toBe(false);
  });

  it('keeps a failed chunk as its error', async () => {
    const progress = new CampaignProgress(config, cellsOf(config), 1, () => 0);
    await expect(progress.run(() => undefined, () => Promise.reject(new Error('worker died')))).rejects.toThrow('worker died');
    expect(progress.error).toBe('worker died');
  });
});

describe('the campaign table', () => {
  it('keeps the report columns that fit 96 characters', async () => {
    const progress = new CampaignProgress(config, cellsOf(config), 1, () => 0);
    await progress.run(() => undefined, inThread);
    const table = campaignTable(progress.rows);
    expect(CAMPAIGN_COLUMNS.map((c) => c.header)).toEqual(['server', 'fault', 'mode', 'n', 'masked', 'recovered', 'degraded', 'collateral', 'latent', 'silent', 'failed', 'strict']);
    expect(table.header.length).toBeLessThanOrEqual(96);
    for (const line of table.lines) expect(line.text.length).toBe(table.header.length);
    expect(table.lines[0].text).toMatch(/^fs\s+crash\s+none\s+\d+/);
  });
});

describe('CampaignScreen and CampaignApp', () => {
  it('draws progress, the bars per mode and the table as it fills', async () => {
    const progress = new CampaignProgress(config, cellsOf(config), 1, () => 0);
    const empty = render(<CampaignScreen progress={progress} size={{ columns: 100, rows: 30 }} scroll={0} />).lastFrame() ?? '';
    expect(empty).toMatch(/0\/4 cells · 0 trials/);
    expect(empty).toMatch(/curios\/shadow\s+░+\s+-/);
    await progress.run(() => undefined, inThread);
    const full = render(<CampaignScreen progress={progress} size={{ columns: 100, rows: 30 }} scroll={0} />).lastFrame() ?? '';
    expect(full).toMatch(/4\/4 cells · 16 trials/);
    expect(full).toMatch(/done: 16 trials — q quits and prints the full report/);
    expect(full).toMatch(/fs\s+crash\s+curios/);
    const curios = progress.perMode().find((m) => m.mode === 'curios');
    if (curios?.share !== null && curios !== undefined) expect(full).toContain(`curios/shadow    ${bar(curios.share, 40)}`);
    const small = render(<CampaignScreen progress={progress} size={{ columns: 60, rows: 30 }} scroll={0} />).lastFrame() ?? '';
    expect(small).toMatch(/terminal too small: 60×30/);
  });

  it('scrolls the table with the arrow keys and stops with q', async () => {
    const big: CampaignConfig = { ...config, servers: ['prng', 'fs', 'console', 'sched'], faults: ['crash', 'hang'] };
    const progress = new CampaignProgress(big, cellsOf(big), 1, () => 0);
    // Rows, without running trials: one result per cell × mode is enough for the table.
    const results = cellsOf(big).flatMap((cell) => big.modes.map((mode, m) => ({ index: cell.index * 4 + m, server: cell.server, fault: cell.fault, mode, commit: null, outcome: 'recovered' as const, traceHash: 'x', recoverCycles: 100, overheadCycles: 0, ops: 1 })));
    let started = false;
    const app = render(<CampaignApp progress={progress} start={() => (started = true)} />);
    await progress.run(() => undefined, async (_c, cells) => results.filter((r) => cells.some((c) => Math.floor(r.index / 4) === c.index)));
    app.stdin.write('\u001B[B');
    await settle(1_100);
    expect(started).toBe(true);
    const frame = app.lastFrame() ?? '';
    expect(frame).toMatch(/outcomes \(rows 2-\d+ of 32/);
    app.stdin.write('q');
    for (let waited = 0; !progress.stop_requested && waited < 1_000; waited += 10) await settle(10);
    expect(progress.stop_requested).toBe(true);
    app.unmount();
  });
});
