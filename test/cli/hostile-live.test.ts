// `curios` piped (the demo) and `curios dashboard` piped (the live run's plain lines) over a user's
// server that allocates 1e9 elements at every request (test/fixtures/hostile/greedy.config.ts):
// both run the servers in a worker process, so each ends with host-limit (memory) — the demo with
// one line and exit 3, the live run with its end line — instead of dying of the heap. So does
// explore, whose golden runs (the space it explores) are made in a worker too.
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { linesOf, makeWorkDir, runCli } from '../helpers/cli.ts';

const GREEDY = fileURLToPath(new URL('../fixtures/hostile/greedy.config.ts', import.meta.url));
const dir = makeWorkDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the demo and the plain live run over a server that allocates without bound', { tags: ['slow'] }, () => {
  it('curios piped: the demo stops with one line, host-limit (memory), exit 3', async () => {
    const r = await runCli(['--config', GREEDY], dir);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("curios: the demo stopped: host-limit (memory): a server's code in it ran its worker process out of its 512 MB heap\n");
  }, 120_000);

  it('curios dashboard piped: the run ends with a host-limit (memory) end line, exit 0', async () => {
    const r = await runCli(['dashboard', '--config', GREEDY, '--cycles', '1000000', '--json'], dir);
    expect(r.code).toBe(0);
    const last = JSON.parse(linesOf(r.stdout).at(-1) ?? '{}') as Record<string, unknown>;
    expect(last).toMatchObject({ kind: 'end', outcome: 'host-limit', host_limit: 'memory' });
    expect(last.detail).toBe('host-limit (memory): the simulation ran its worker process out of its 512 MB heap');
  }, 120_000);

  it('curios explore: the fault-free run breaks the limit in its worker; one line, exit 3, nothing stored', async () => {
    const r = await runCli(['--config', GREEDY, 'explore', '--server', 'greedy', '--faults', 'crash', '--modes', 'restart', '--db', `${dir}/explore.json`], dir);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('curios: explore: the fault-free run of the explored server under restart broke a host limit (memory): with no golden run there is no fault space to explore\n');
    expect(existsSync(`${dir}/explore.json`)).toBe(false);
  }, 120_000);
});
