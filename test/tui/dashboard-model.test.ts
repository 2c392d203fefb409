// The dashboard's model without a terminal: every key, pacing by a (fake) wall clock, the
// --cycles bound, and replay of the last crash with its trace hash checked.
import { describe, expect, it } from 'vitest';
import { SPEED_LEVELS_CPS } from '../../tui/limits.ts';
import { DashboardModel } from '../../tui/live/dashboard-model.ts';
import type { LiveConfig } from '../../tui/live/simulation.ts';

const config: LiveConfig = { seed: 5, mode: 'curios', commit: 'shadow', fault_rate: 0, clients: 2 };

/** A model whose clock moves `step_ms` each time it is read. */
function modelAt(speed_index: number, step_ms = 5, stop_at_cycles: number | null = null) {
  let now_ms = 0;
  const model = new DashboardModel(config, { clock: () => (now_ms += step_ms), speed_index, stop_at_cycles });
  return model;
}

describe('DashboardModel keys', () => {
  it('space pauses and resumes: a paused model does not run', () => {
    const m = modelAt(3);
    m.tick();
    m.key(' ');
    expect(m.view().header.paused).toBe(true);
    const at = m.now;
    for (let i = 0; i < 5; i++) m.tick();
    expect(m.now).toBe(at);
    m.key(' ');
    expect(m.view().header.paused).toBe(false);
    for (let i = 0; i < 5; i++) m.tick();
    expect(m.now).toBeGreaterThan(at);
  });

  it('s takes one scheduling step, pausing, and shows the kernel trace', () => {
    const m = modelAt(3);
    const at = m.now;
    m.key('s');
    expect(m.paused).toBe(true);
    expect(m.now).toBeGreaterThan(at);
    expect(m.view().trace.length).toBeGreaterThan(0);
    expect(m.view().message).toMatch(/^one step: cycle \d+ → \d+$/);
  });

  it('+ and - change the speed within its levels', () => {
    const m = modelAt(1);
    m.key('+');
    expect(m.speed_index).toBe(2);
    expect(m.view().header.speed).toBe('100k cycles/s');
    for (let i = 0; i < 20; i++) m.key('+');
    expect(m.view().header.speed).toBe('max');
    for (let i = 0; i < 20; i++) m.key('-');
    expect(m.speed_index).toBe(0);
  });

  it('m restarts the same seed under the next mode', () => {
    const m = modelAt(4);
    for (let i = 0; i < 5; i++) m.tick();
    m.key('m');
    expect(m.view().header.mode).toBe('none');
    expect(m.now).toBeLessThan(100_000);
    expect(m.view().events.at(-1)?.detail).toMatch(/mode curios → none/);
    m.key('m');
    m.key('m');
    m.key('m');
    expect(m.view().header.mode).toBe('curios');
  });

  it('k then a number crashes that server; other keys there cancel', () => {
    const m = modelAt(4);
    m.tick();
    m.key('k');
    expect(m.view().prompt).toBe('crash which server? 1-7 (esc cancels)');
    m.key('4');
    expect(m.view().prompt).toBeNull();
    expect(m.view().message).toMatch(/^crash → fs at cycle \d+$/);
    for (let i = 0; i < 30; i++) m.tick();
    const fs = m.view().events.filter((e) => e.server === 'fs').map((e) => e.kind);
    expect(fs).toEqual(expect.arrayContaining(['inject', 'fault', 'detect', 'restart']));
    m.key('h');
    m.key('9');
    expect(m.view().message).toBe('no server 9: servers are numbered 1-7');
    m.key('c');
    m.key('x');
    expect(m.view().message).toBe('corrupt cancelled');
    m.key('w');
    m.key('', { escape: true });
    expect(m.view().message).toBe('wild-write cancelled');
  });

  it('takes keys that arrive together (typed fast, pasted) one by one', () => {
    const m = modelAt(4);
    m.key('k4');
    expect(m.view().message).toMatch(/^crash → fs at cycle \d+$/);
    m.key(' ?');
    expect(m.view().header.paused).toBe(true);
    expect(m.view().help).toBe(true);
  });

  it('? shows help, esc and ? hide it; q quits', () => {
    const m = modelAt(4);
    m.key('?');
    expect(m.view().help).toBe(true);
    m.key('', { escape: true });
    expect(m.view().help).toBe(false);
    m.key('?');
    m.key('?');
    expect(m.view().help).toBe(false);
    m.key('q');
    expect(m.quit).toBe(true);
  });
});

describe('DashboardModel pacing', () => {
  it('runs as many cycles as the wall clock allows at the chosen speed', () => {
    const m = modelAt(1, 10);
    m.tick();
    const at = m.now;
    // Each tick reads the clock a few times; each read moves it 10 ms.
    for (let i = 0; i < 20; i++) m.tick();
    const ran = m.now - at;
    expect(ran).toBeGreaterThan(0);
    expect(ran).toBeLessThan(SPEED_LEVELS_CPS[1] * 2);
  });

  it('pauses for good at --cycles', () => {
    const m = modelAt(6, 5, 500_000);
    for (let i = 0; i < 50 && !m.paused; i++) m.tick();
    expect(m.view().header.stopped_at).toBeGreaterThanOrEqual(500_000);
    expect(m.view().message).toMatch(/reached --cycles 500000/);
  });
});

describe('DashboardModel replay', () => {
  it('r replays the last crash from cycle 0 and pauses just before it, with the same trace hash', () => {
    const m = modelAt(6);
    for (let i = 0; i < 3; i++) m.tick();
    m.key('c');
    m.key('5');
    for (let i = 0; i < 3; i++) m.tick();
    m.key('k');
    m.key('2');
    const crash_at = m.now;
    for (let i = 0; i < 10; i++) m.tick();
    expect(m.frame.last_failure?.server).toBe('prng');
    m.key('r');
    expect(m.view().message).toBe(`replaying to cycle ${crash_at}…`);
    expect(m.now).toBeLessThan(crash_at);
    m.key('k');
    expect(m.view().message).toBe('replaying: wait until it pauses before the crash');
    expect(m.view().prompt).toBeNull();
    for (let i = 0; i < 200 && !m.paused; i++) m.tick();
    expect(m.now).toBe(crash_at);
    expect(m.view().message).toMatch(/replay paused just before crash → prng \(hand\); trace identical ✓/);
    expect(m.view().events.at(-1)?.detail).toMatch(/matches the original run/);
    // Resumed, the replayed crash happens again.
    m.key(' ');
    for (let i = 0; i < 10; i++) m.tick();
    expect(m.view().events.some((e) => e.kind === 'detect' && e.server === 'prng')).toBe(true);
  });

  it('says so when there is no crash to replay', () => {
    const m = modelAt(4);
    m.key('r');
    expect(m.view().message).toBe('no crash to replay yet');
  });
});
