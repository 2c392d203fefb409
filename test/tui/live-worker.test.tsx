// The live dashboard's simulation in its worker process (tui/live/worker-runner.ts): the same run
// as in this process, line for line and hash for hash; and, over a server whose code loops forever
// or allocates 1e9 elements once a corrupt flips a bit of its heap (test/fixtures/hostile, through
// a config file as a user's server is), a dashboard that keeps drawing and reading keys while the
// worker is stuck, then ends the run as host-limit with the limit it broke — and replays it.
//
// Seeds: the first fault by hand (`c 1`) of seed 56 flips bit 0 of one of the words the hostile
// server reads back (an odd count: it loops), that of seed 2 a bit from 16 up (it allocates):
// see the fixture, and the hand faults' stream in tui/live/fault-schedule.ts.
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/campaign/config-file.ts';
import { activeCatalog, useCatalog } from '../../src/servers/catalog.ts';
import { DashboardModel } from '../../tui/live/dashboard-model.ts';
import { LocalRunner, type LiveRunner } from '../../tui/live/live-session.ts';
import { runPlain } from '../../tui/live/plain-run.ts';
import type { LiveConfig } from '../../tui/live/simulation.ts';
import { WorkerRunner } from '../../tui/live/worker-runner.ts';
import { LiveApp } from '../../tui/view/live-app.tsx';

const HOSTILE = fileURLToPath(new URL('../fixtures/hostile/curios.config.ts', import.meta.url));
const clock = () => performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function plainLines(config: LiveConfig, cycles: number, runner: LiveRunner): Promise<string[]> {
  const lines: string[] = [];
  try {
    await runPlain({ config, cycles, json: false, write: (l) => void lines.push(l), runner });
  } finally {
    await runner.close();
  }
  return lines;
}

/** Polls until `done()` holds; fails saying what it waited for. */
async function until(what: string, done: () => boolean, timeout_ms = 60_000): Promise<void> {
  const end = performance.now() + timeout_ms;
  while (!done()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('the live simulation in a worker process', { tags: ['slow'] }, () => {
  it('prints the same lines, and so the same trace hash, as in this process', async () => {
    const config: LiveConfig = { seed: 4, mode: 'curios', commit: 'shadow', fault_rate: 3, clients: 3 };
    const here = await plainLines(config, 1_500_000, new LocalRunner(clock));
    const there = await plainLines(config, 1_500_000, new WorkerRunner({ budget_ms: null, clock }));
    expect(here.at(-1)).toMatch(/end\s+-\s+trace [0-9a-f]{16}$/);
    expect(there).toEqual(here);
  });

  it('reaches the same trace hash at the same cycle, in a worker as in this process, however the frames slice it', async () => {
    const config: LiveConfig = { seed: 9, mode: 'restart', commit: 'shadow', fault_rate: 5, clients: 2 };
    const target = 2_000_000;
    const hashAt = async (runner: LiveRunner) => {
      const m = new DashboardModel(config, { clock, speed_index: 6, stop_at_cycles: target, runner });
      try {
        await until('the --cycles bound', () => {
          m.tick();
          return m.view().header.stopped_at !== null && !runner.busy;
        });
        return { at: m.now, hash: m.frame.trace_hash };
      } finally {
        await runner.close();
      }
    };
    const here = await hashAt(new LocalRunner(clock));
    const there = await hashAt(new WorkerRunner({ budget_ms: null, clock }));
    // The first scheduling step at or past the bound: the same step whatever the slicing.
    expect(here.at).toBeGreaterThanOrEqual(target);
    expect(there).toEqual(here);
  });
});

describe('the live dashboard over a server that loops forever or allocates without bound', { tags: ['slow'] }, () => {
  const runners: WorkerRunner[] = [];
  const mounted: { unmount: () => void }[] = [];
  afterEach(async () => {
    for (const app of mounted.splice(0)) app.unmount();
    await Promise.all(runners.splice(0).map((r) => r.close()));
  });

  async function dashboard(seed: number, budget_ms: number) {
    if (activeCatalog().source !== HOSTILE) useCatalog(await loadCatalog(HOSTILE));
    const runner = new WorkerRunner({ budget_ms, clock });
    runners.push(runner);
    const model = new DashboardModel({ seed, mode: 'restart', commit: 'shadow', fault_rate: 0, clients: 2 }, { clock, runner });
    const app = render(<LiveApp model={model} />);
    mounted.push(app);
    const frame = () => app.lastFrame() ?? '';
    await until('the first frame of the run', () => model.frame.trace_hash !== '' && model.now > 0);
    return { model, app, frame, runner };
  }

  it('loops: keys still work while the worker is stuck; the run ends as host-limit (wall-clock); r replays up to it, m starts another run', async () => {
    const { model, app, frame, runner } = await dashboard(56, 5_000);
    app.stdin.write('c');
    app.stdin.write('1');
    await until('the corrupt to be taken', () => /^corrupt → hostile at cycle \d+/.test(model.message ?? ''));
    // Stuck: the worker has not answered for a second.
    let busy_since = performance.now();
    await until('the simulation to get stuck', () => {
      if (!runner.busy) busy_since = performance.now();
      return performance.now() - busy_since > 1_000;
    }, 20_000);
    const stuck_at = model.now;
    await until('the header to say so', () => /· WAITING \d+ s/.test(frame()));
    // The dashboard draws and reads keys meanwhile: help opens and closes, pause shows.
    app.stdin.write('?');
    await until('the help panel', () => model.help && frame().includes('keys'));
    app.stdin.write('?');
    app.stdin.write(' ');
    await until('PAUSED', () => frame().includes('· PAUSED'));
    expect(runner.busy).toBe(true);
    expect(model.ended).toBeNull();
    expect(model.now).toBe(stuck_at);
    app.stdin.write(' ');
    await until('the host limit', () => frame().includes('· host-limit (wall-clock)'));
    expect(model.host_limit).toBe('wall-clock');
    const end = model.view().events.filter((e) => e.kind === 'end');
    expect(end).toHaveLength(1);
    expect(end[0].detail).toBe('host-limit (wall-clock): a slice ran past its wall-clock budget of 5000 ms');
    expect(model.message).toBe(`the run ended: host-limit (wall-clock) — r replays it to cycle ${model.now}, m starts another run, q quits`);
    const last = { at: model.now, hash: model.frame.trace_hash };
    // r: the same run again in a fresh worker, paused at the last frame before the limit, same hash.
    app.stdin.write('r');
    await until('the replay to pause', () => /replay paused at cycle \d+, the last frame before host-limit \(wall-clock\); trace (identical ✓|differs ✗)/.test(model.message ?? ''));
    expect(model.message).toContain('trace identical ✓');
    expect(model.now).toBe(last.at);
    expect(model.frame.trace_hash).toBe(last.hash);
    expect(model.ended).toBeNull();
    // m: another run (the next mode) that runs.
    app.stdin.write('m');
    await until('the next mode to run', () => model.config.mode === 'persist' && model.now > 0 && model.ended === null);
  });

  it('m while the worker is stuck starts the next mode in a fresh worker, without waiting out the budget', async () => {
    // A budget longer than this test waits: the new run cannot come from the watchdog's stop.
    const { model, app, runner } = await dashboard(56, 600_000);
    app.stdin.write('c');
    app.stdin.write('1');
    let busy_since = performance.now();
    await until('the simulation to get stuck', () => {
      if (!runner.busy) busy_since = performance.now();
      return performance.now() - busy_since > 1_000;
    }, 20_000);
    app.stdin.write('m');
    await until('the next mode to run', () => model.config.mode === 'persist' && model.now > 0);
    expect(model.ended).toBeNull();
    expect(model.view().events.some((e) => e.kind === 'end')).toBe(false);
  });

  it('allocates: the run ends as host-limit (memory), and q quits', async () => {
    const { model, app, frame } = await dashboard(2, 120_000);
    app.stdin.write('c');
    app.stdin.write('1');
    await until('the host limit', () => frame().includes('· host-limit (memory)'));
    expect(model.host_limit).toBe('memory');
    expect(frame()).toMatch(/end\s+-\s+host-limit \(memory\)/);
    expect(model.view().events.at(-1)?.detail).toBe('host-limit (memory): the simulation ran its worker process out of its 512 MB heap');
    app.stdin.write('q');
    await until('quit', () => model.quit);
  });
});
