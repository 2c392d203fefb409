// Where `curios replay` runs a trial (src/cli/replay-run.ts): a built-in server's trial with a
// recorded outcome other than host-limit runs in the command's own process, under a wall-clock
// budget that stops any JavaScript — a thread looping in plain JavaScript inside the kernel's run
// included — and gives exactly what a worker process gives; anything else goes to a worker.
import { describe, expect, it } from 'vitest';
import { replayIsolated } from '../../src/campaign/pool.ts';
import { replayContained, replayPlace, runWithin } from '../../src/cli/replay-run.ts';
import { corpusEntries } from '../corpus/corpus.ts';
import { makeKernel } from '../helpers/kernel-fixtures.ts';
import * as sys from '../../src/kernel/sys.ts';

const corpus = corpusEntries();

describe('replay in this process or in a worker', () => {
  it('runs a built-in server’s trial with a known outcome here, and the rest in a worker', () => {
    const entry = corpus[0];
    expect(replayPlace(entry.trial)).toBe('this process');
    expect(replayPlace({ config: entry.trial.config, plan: entry.trial.plan })).toBe('a worker process');
    expect(replayPlace({ ...entry.trial, expected: { outcome: 'host-limit', traceHash: '' } })).toBe('a worker process');
  });

  it('gives in this process exactly what a worker process gives', async () => {
    for (const entry of [corpus[0], corpus[corpus.length - 1]]) {
      const here = await replayContained(entry.trial);
      const there = await replayIsolated(entry.trial);
      expect(here).toEqual(there);
      expect(here.outcome).toBe(entry.trial.expected.outcome);
      expect(here.traceHash).toBe(entry.trial.expected.traceHash);
    }
  }, 60_000);

  it('stops a thread that loops in plain JavaScript within the budget, and this process goes on', () => {
    const k = makeKernel();
    const task = k.createTask('looper');
    let spins = 0;
    k.spawnThread(task, 'main', function* () {
      yield* sys.yieldCpu();
      // No memory access and no system call: nothing the simulation's watchdog sees.
      for (;;) spins++;
    });
    const started = performance.now();
    const ran = runWithin(300, () => k.run());
    expect(ran.done).toBe(false);
    expect(spins).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(60_000);
    // The process is whole: another run goes on as usual.
    const k2 = makeKernel();
    const t2 = k2.createTask('fine');
    let done = false;
    k2.spawnThread(t2, 'main', function* () {
      yield* sys.yieldCpu();
      done = true;
    });
    expect(runWithin(10_000, () => k2.run())).toEqual({ done: true, value: 'idle' });
    expect(done).toBe(true);
  });
});
