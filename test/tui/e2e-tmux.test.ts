// The real `curios dashboard` on a real terminal: started under tmux (a pseudo-terminal of
// 120×40), driven with keys — crash fs, pause, resume, quit — and judged by the frames tmux
// captures. tmux must be installed (.ci/run installs it): under CI its absence fails this test;
// elsewhere the test is skipped with the reason printed.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SOCKET = `curios-e2e-${process.pid}`;
const IN_CI = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== '0' && process.env.CI !== 'false';
const HAVE_TMUX = spawnSync('tmux', ['-V'], { encoding: 'utf8' }).status === 0;

if (!HAVE_TMUX && !IN_CI) console.warn('test/tui/e2e-tmux.test.ts: skipped — tmux is not installed (apt-get install tmux); CI installs it and runs this test');

function tmux(...args: string[]): string {
  const r = spawnSync('tmux', ['-L', SOCKET, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** Starts a command in a detached 120×40 session; the pane stays readable after it exits. */
function start(session: string, command: string): void {
  // ink draws nothing until it exits when it believes it runs under CI: the terminal here is real.
  const shell = `cd ${JSON.stringify(ROOT)} && env -u CI -u CONTINUOUS_INTEGRATION ${command}; echo CURIOS-EXIT=$?; sleep 60`;
  tmux('new-session', '-d', '-x', '120', '-y', '40', '-s', session, shell);
}

const capture = (session: string) => tmux('capture-pane', '-p', '-t', session);
const keys = (session: string, ...k: string[]) => tmux('send-keys', '-t', session, ...k);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls the pane until `test` holds, or fails with the last frame. */
async function waitFor(session: string, what: string, test: (frame: string) => boolean, timeout_ms = 30_000): Promise<string> {
  const until = Date.now() + timeout_ms;
  let frame = '';
  while (Date.now() < until) {
    frame = capture(session);
    if (test(frame)) return frame;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}; last frame:\n${frame}`);
}

const cycleOf = (frame: string) => Number((/cycle ([\d_]+)/.exec(frame)?.[1] ?? '-1').replaceAll('_', ''));

afterAll(() => {
  if (HAVE_TMUX) spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
});

describe('curios dashboard under tmux', { tags: ['slow'] }, () => {
  it.runIf(IN_CI && !HAVE_TMUX)('needs tmux', () => {
    throw new Error('tmux is missing: .ci/run must install it (apt-get install -y tmux) for the end-to-end dashboard test');
  });

  it.runIf(HAVE_TMUX)('draws every panel, crashes fs on k 4, pauses and resumes on space, quits on q', async () => {
    const s = 'dash';
    start(s, 'node bin/curios.mjs dashboard --seed 1 --fault-rate 0');
    // The first frame of the simulation (its worker process starts while the screen is drawn).
    const first = await waitFor(s, 'the first frame', (f) => f.includes('events (virtual time)') && /4 fs\s+running/.test(f));
    for (const part of ['curios · mode curios · seed 1 · no faults · 3 clients', 'servers', 'SSR map', 'clients (against the golden run)', 'recovery', 'q quit']) expect(first).toContain(part);
    expect(first).toMatch(/4 fs\s+running\s+0\s+0/);

    keys(s, 'k');
    await waitFor(s, 'the server prompt', (f) => f.includes('crash which server? 1-7 (esc cancels)'));
    keys(s, '4');
    const crashed = await waitFor(s, 'fs restarted', (f) => /restart\s+fs\s+restarted, incarnation 1/.test(f));
    expect(crashed).toMatch(/inject\s+fs\s+crash \(hand\)/);
    expect(crashed).toMatch(/detect\s+fs\s+failure detected: exception/);
    await waitFor(s, 'the fs row to show the restart', (f) => /4 fs\s+running\s+1\s+1/.test(f));

    keys(s, 'Space');
    await waitFor(s, 'PAUSED', (f) => f.includes('· PAUSED'));
    // The slice in flight when space was pressed still lands; nothing runs after it.
    await sleep(300);
    const paused = capture(s);
    await sleep(600);
    expect(cycleOf(capture(s))).toBe(cycleOf(paused));
    keys(s, 'Space');
    await waitFor(s, 'running again', (f) => f.includes('· running') && cycleOf(f) > cycleOf(paused));

    keys(s, 'q');
    await waitFor(s, 'the command to exit', (f) => f.includes('CURIOS-EXIT=0'));
  });

  it.runIf(HAVE_TMUX)('a user server that loops forever ends the run as host-limit; the dashboard stays and quits on q', async () => {
    const s = 'hostile';
    // Seed 56's first corrupt by hand flips bit 0 of a word the hostile server reads: it loops (test/tui/live-worker.test.tsx).
    start(s, 'node bin/curios.mjs dashboard --config test/fixtures/hostile/curios.config.ts --seed 56 --fault-rate 0 --mode restart --slice-budget 3000');
    await waitFor(s, 'the first frame', (f) => /1 hostile\s+running/.test(f));
    keys(s, 'c');
    keys(s, '1');
    const ended = await waitFor(s, 'the host limit', (f) => f.includes('· host-limit (wall-clock)'));
    expect(ended).toMatch(/end\s+-\s+host-limit \(wall-clock\): a slice ran past its wall-clock budget of 3000 ms/);
    keys(s, 'q');
    await waitFor(s, 'the command to exit', (f) => f.includes('CURIOS-EXIT=0'));
  });

  it.runIf(HAVE_TMUX)('curios with no arguments opens the dashboard on a terminal', async () => {
    const s = 'bare';
    start(s, 'node bin/curios.mjs');
    const frame = await waitFor(s, 'the dashboard', (f) => f.includes('events (virtual time)') && /4 fs\s+running/.test(f));
    expect(frame).toContain('curios · mode curios · seed 1');
    keys(s, 'q');
    await waitFor(s, 'the command to exit', (f) => f.includes('CURIOS-EXIT=0'));
  });

  it.runIf(HAVE_TMUX)('an 80×24 terminal gets the compact dashboard, a smaller one a clear message', async () => {
    const s = 'small';
    start(s, 'node bin/curios.mjs dashboard');
    tmux('resize-window', '-t', s, '-x', '80', '-y', '24');
    const frame = await waitFor(s, 'the compact dashboard', (f) => f.includes('compact view: clients, SSRs and recovery at 100×'));
    expect(frame).toContain('events (virtual time)');
    tmux('resize-window', '-t', s, '-x', '50', '-y', '20');
    // At 50 columns the message wraps: read it as one line.
    await waitFor(s, 'the too-small message', (f) => /terminal too small: 50×20, the dashboard needs\s+60×\d+/.test(f));
    // Wide enough again for the exit line not to wrap.
    tmux('resize-window', '-t', s, '-x', '80', '-y', '24');
    keys(s, 'q');
    await waitFor(s, 'the command to exit', (f) => f.includes('CURIOS-EXIT=0'));
  });
});
