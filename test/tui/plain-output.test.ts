// The dashboard without a terminal: plain fixed-column lines (or one JSON object a line), checked
// line by line; a bounded run that ends by itself; the same lines for the same flags; and the
// command's flags refused where they do not belong.
import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/errors.ts';
import { dashboardCommand, liveDashboard, type DashboardOpts } from '../../src/cli/dashboard.ts';
import type { TerminalStreams } from '../../tui/view/mount.tsx';
import { STREAM_COLUMNS, STREAM_KINDS, streamHeader } from '../../tui/live/stream-event.ts';
import { LocalRunner } from '../../tui/live/live-session.ts';
import type { LiveConfig } from '../../tui/live/simulation.ts';
import { linesOf, makeWorkDir, runCli } from '../helpers/cli.ts';

/** Streams whose stdout is not a terminal and keeps what is written. */
function pipe(): { io: TerminalStreams; lines: () => string[] } {
  let text = '';
  const stdout = { isTTY: false, write: (s: string) => ((text += s), true) } as unknown as NodeJS.WriteStream;
  const io: TerminalStreams = { stdout, stderr: stdout, stdin: {} as NodeJS.ReadStream };
  return { io, lines: () => linesOf(text) };
}

const config: LiveConfig = { seed: 4, mode: 'curios', commit: 'shadow', fault_rate: 3, clients: 3 };

async function plainRun(cycles: number, json = false, c: LiveConfig = config): Promise<string[]> {
  const out = pipe();
  // In this process: this file is about the lines; worker.test.ts runs the same lines in a worker.
  await liveDashboard({ config: c, cycles, json }, out.io, new LocalRunner(() => 0));
  return out.lines();
}

/** The fields of one event line, cut at its fixed columns. */
function columns(line: string) {
  const kind_at = STREAM_COLUMNS.t + 2;
  const server_at = kind_at + STREAM_COLUMNS.kind + 2;
  const detail_at = server_at + STREAM_COLUMNS.server + 2;
  return { t: line.slice(0, STREAM_COLUMNS.t), kind: line.slice(kind_at, kind_at + STREAM_COLUMNS.kind).trimEnd(), server: line.slice(server_at, server_at + STREAM_COLUMNS.server).trimEnd(), detail: line.slice(detail_at) };
}

describe('the live run without a terminal', () => {
  it('prints a title, a header, then one fixed-column line per event, and ends by itself', async () => {
    const lines = await plainRun(2_000_000);
    expect(lines[0]).toBe('# curios dashboard (not a terminal): mode curios, seed 4, 3 faults per million cycles, 3 clients, 2_000_000 cycles');
    expect(lines[1]).toBe(streamHeader());
    let last_t = 0;
    for (const line of lines.slice(2)) {
      const c = columns(line);
      expect(c.t, line).toMatch(/^ *\d+$/);
      expect(STREAM_KINDS as readonly string[], line).toContain(c.kind);
      expect(c.server, line).toMatch(/^[a-z-]+$/);
      expect(c.detail.length, line).toBeGreaterThan(0);
      expect(Number(c.t), line).toBeGreaterThanOrEqual(last_t);
      last_t = Number(c.t);
    }
    const kinds = lines.slice(2).map((l) => columns(l).kind);
    expect(kinds).toContain('inject');
    expect(kinds).toContain('fault');
    // The summary: one line per server, per client, the recovery figures, the trace hash.
    expect(kinds.filter((k) => k === 'server')).toHaveLength(7);
    expect(lines.filter((l) => /^ *\d+  client    -         client \d: ops \d+, errors \d+ \(stale \d+\), wrong \d+, other \d+, unjudged \d+$/.test(l))).toHaveLength(3);
    expect(lines.at(-2)).toMatch(/recovery  -         faults fired \d+, failures \d+, restarted \d+ \(.*\), down \d+, given up (yes|no), MTTR /);
    expect(lines.at(-1)).toMatch(/end       -         trace [0-9a-f]{16}$/);
    expect(last_t).toBeGreaterThanOrEqual(2_000_000);
  });

  it('prints the same lines for the same flags, other lines for another seed', async () => {
    const a = await plainRun(1_500_000);
    const b = await plainRun(1_500_000);
    const c = await plainRun(1_500_000, false, { ...config, seed: 5 });
    expect(a).toEqual(b);
    expect(a.at(-1)).not.toEqual(c.at(-1));
  });

  it('with --json prints one JSON object a line, the same run', async () => {
    const text = await plainRun(1_500_000);
    const lines = await plainRun(1_500_000, true);
    const objects = lines.map((l) => JSON.parse(l) as { t: number; kind: string; server: string; detail: string; trace_hash?: string });
    expect(objects[0]).toMatchObject({ kind: 'run', detail: 'start', seed: 4, mode: 'curios', cycles: 1_500_000 });
    for (const o of objects) {
      expect(typeof o.t).toBe('number');
      expect(STREAM_KINDS as readonly string[]).toContain(o.kind);
      expect(typeof o.detail).toBe('string');
    }
    // The same events as the plain lines, in the same order.
    expect(objects.length).toBe(text.length - 1);
    expect(objects.at(-1)?.trace_hash).toBe(/trace ([0-9a-f]{16})$/.exec(text.at(-1) ?? '')?.[1]);
  });
});

describe('curios dashboard flags', () => {
  const opts: DashboardOpts = { seed: '1', clients: '3', commit: 'shadow', mode: 'curios', faultRate: '0.5', store: true, format: 'text' };
  const never = () => {
    throw new Error('no campaign here');
  };

  it('refuses campaign flags without --campaign, and live flags with it', async () => {
    await expect(dashboardCommand(opts, (o) => o === 'trials', never, pipe().io)).rejects.toThrow(new CliError('--trials goes with --campaign'));
    await expect(dashboardCommand({ ...opts, campaign: true }, (o) => o === 'faultRate', never, pipe().io)).rejects.toThrow(new CliError('--fault-rate is for a live run, not for --campaign'));
  });

  it('takes one commit policy for a live run (a campaign takes a list)', async () => {
    await expect(dashboardCommand({ ...opts, commit: 'shadow,in-place' }, () => false, never, pipe().io)).rejects.toThrow(new CliError('--commit: a live run takes one commit policy (in-place or shadow), got "shadow,in-place"'));
  });

  it('refuses a bad mode, rate or bound with one line naming the flag', async () => {
    await expect(dashboardCommand({ ...opts, mode: 'fast' }, () => false, never, pipe().io)).rejects.toThrow(/--mode: unknown "fast"/);
    await expect(dashboardCommand({ ...opts, faultRate: '-1' }, () => false, never, pipe().io)).rejects.toThrow(/--fault-rate must be a number ≥ 0/);
    await expect(dashboardCommand({ ...opts, faultRate: '1000' }, () => false, never, pipe().io)).rejects.toThrow(/at most 100/);
    await expect(dashboardCommand({ ...opts, cycles: '0' }, () => false, never, pipe().io)).rejects.toThrow(/--cycles must be between 1/);
  });

  it('runs a bounded live run through the flags', async () => {
    const out = pipe();
    await dashboardCommand({ ...opts, cycles: '300000', faultRate: '0', mode: 'restart' }, () => false, never, out.io);
    expect(out.lines()[0]).toBe('# curios dashboard (not a terminal): mode restart, seed 1, no faults, 3 clients, 300_000 cycles');
  });
});

describe('the curios command, piped', { tags: ['slow'] }, () => {
  it('curios dashboard prints plain lines and exits by itself; curios alone prints the demo', async () => {
    const cwd = makeWorkDir();
    const dash = await runCli(['dashboard', '--seed', '2', '--cycles', '600000'], cwd);
    expect(dash.code).toBe(0);
    const lines = linesOf(dash.stdout);
    expect(lines[0]).toMatch(/^# curios dashboard \(not a terminal\): mode curios, seed 2/);
    expect(lines.at(-1)).toMatch(/end\s+-\s+trace [0-9a-f]{16}$/);
    // No terminal control sequences: ink was never mounted.
    expect(dash.stdout).not.toMatch(/\u001b\[/);
    const bare = await runCli([], cwd);
    expect(bare.code).toBe(0);
    expect(bare.stdout).toMatch(/^curios demo — seed 42/);
  });
});
