// Progress on stderr: without a terminal, one plain line every few seconds of the clock (and the
// last one), never more; on a terminal, messages land on lines of their own, above the live line,
// never glued to it. Colour follows FORCE_COLOR, then NO_COLOR, then the terminal.
import { describe, expect, it } from 'vitest';
import { wantsColor, type ColorTarget } from '../../src/cli/color.ts';
import { PROGRESS_LIMITS, progressReporter, progressText } from '../../src/cli/progress.ts';
import { RateEstimate } from '../../src/campaign/progress-rate.ts';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { stream: { isTTY, columns: 100, write: (text: string) => writes.push(text) > 0 }, writes };
}

describe('progress without a terminal', () => {
  it('prints at most one line per interval, and always the last', () => {
    let now = 0;
    const { stream, writes } = fakeStream(false);
    const progress = progressReporter(stream, () => now);
    for (let done = 1; done <= 100; done++) {
      now += 1_000;
      progress.update(done, 100);
    }
    const seconds = 100 * 1_000;
    expect(writes.length).toBeLessThanOrEqual(Math.ceil(seconds / PROGRESS_LIMITS.plain_interval_ms) + 1);
    expect(writes.length).toBeGreaterThanOrEqual(Math.floor(seconds / PROGRESS_LIMITS.plain_interval_ms));
    expect(writes.every((w) => /^progress \d+\/100 cells \(\d+%\).*\n$/.test(w))).toBe(true);
    expect(writes.at(-1)).toMatch(/^progress 100\/100 cells \(100%\)/);
  });
});

describe('progress on a terminal', () => {
  it('keeps messages on their own lines', () => {
    let now = 0;
    const { stream, writes } = fakeStream(true);
    const progress = progressReporter(stream, () => now);
    progress.update(1, 10);
    now += 1_000;
    progress.message('saved seed 0123456789ab: prng crash none → failed');
    now += 1_000;
    progress.update(2, 10);
    progress.finish();
    const plain = writes.join('').replace(/\x1b\[[0-9;]*[A-Za-z]/g, '\n');
    const lines = plain.split('\n').filter((l) => l.length > 0);
    expect(lines).toContain('saved seed 0123456789ab: prng crash none → failed');
    for (const line of lines) expect(line.includes('saved seed') && line.includes('cells')).toBe(false);
  });

  it('says the share, the rate and the time left', () => {
    expect(progressText(30, 120, 3, 'cells')).toBe('30/120 cells (25%)  3.0 cells/s  about 30 s left');
    expect(progressText(0, 120, null, 'cells')).toBe('0/120 cells (0%)');
    expect(progressText(120, 120, 2, 'cells')).toBe('120/120 cells (100%)  2.0 cells/s');
  });
});

describe('the rate estimate', () => {
  it('counts from the first finished unit, not from the start-up before it', () => {
    let now = 0;
    const { stream, writes } = fakeStream(false);
    const progress = progressReporter(stream, () => now, 'trials');
    // 20 s of worker start-up and golden runs, then one trial every 100 ms
    now = 20_000;
    progress.update(1, 1_000);
    for (let done = 2; done <= 51; done++) {
      now += 100;
      progress.update(done, 1_000);
    }
    // 50 trials in the 5 s since the first: 10/s, 949 left ≈ 95 s ≈ 2 min (counting the start-up: 2.0/s and 8 min)
    expect(writes).toEqual(['progress 1/1000 trials (0%)\n', 'progress 51/1000 trials (5%)  10 trials/s  about 2 min left\n']);
  });

  it('tells no rate until a second has passed since the first unit, nor when nothing has finished since', () => {
    const r = new RateEstimate();
    expect(r.perSecond(0, 5_000)).toBeNull();
    r.update(2, 5_000);
    expect(r.perSecond(4, 5_500)).toBeNull();
    expect(r.perSecond(2, 9_000)).toBeNull();
    expect(r.perSecond(6, 7_000)).toBe(2);
    r.update(6, 7_000);
    expect(r.perSecond(12, 8_000)).toBe(10 / 3);
  });
});

describe('wantsColor', () => {
  const tty = { isTTY: true, hasColors: () => true };
  const pipe = { isTTY: false };
  const cases: [ColorTarget, NodeJS.ProcessEnv, boolean][] = [
    [tty, {}, true],
    [pipe, {}, false],
    [tty, { NO_COLOR: '1' }, false],
    [tty, { NO_COLOR: '' }, true],
    [pipe, { FORCE_COLOR: '1' }, true],
    [pipe, { FORCE_COLOR: '0' }, false],
    [tty, { FORCE_COLOR: '1', NO_COLOR: '1' }, true],
    [{ isTTY: true, hasColors: () => false }, {}, false],
  ];
  it.each(cases)('%o with %o → %s', (stream, env, expected) => {
    expect(wantsColor(stream, env)).toBe(expected);
  });
});
