// Every key of the live dashboard, pressed on the ink app: each changes what the next frame shows.
// Frames are driven by the keys alone here (the frame timer is set far off), except where the
// timer itself is under test.
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { DashboardModel } from '../../tui/live/dashboard-model.ts';
import { LiveApp } from '../../tui/view/live-app.tsx';

const NO_FRAMES_MS = 3_600_000;
const settle = (ms = 30) => new Promise((resolve) => setTimeout(resolve, ms));
/** Waits until `done()` holds, at most three seconds (a loaded machine draws late). */
async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; !done() && waited < 3_000; waited += 10) await settle(10);
}
const mounted: { unmount: () => void }[] = [];

afterEach(() => {
  for (const app of mounted.splice(0)) app.unmount();
});

function app(frame_ms = NO_FRAMES_MS) {
  let now_ms = 0;
  const model = new DashboardModel({ seed: 2, mode: 'curios', commit: 'shadow', fault_rate: 0, clients: 3 }, { clock: () => (now_ms += 5), speed_index: 4 });
  for (let i = 0; i < 3; i++) model.tick();
  const instance = render(<LiveApp model={model} frame_ms={frame_ms} />);
  mounted.push(instance);
  /** Presses a key and answers the next frame: waits for the frame to change (a loaded machine may take a while to redraw), at most a second. */
  const press = async (input: string) => {
    const before = instance.frames.length;
    instance.stdin.write(input);
    for (let waited = 0; instance.frames.length === before && waited < 1_000; waited += 10) await settle(10);
    await settle(10);
    return instance.lastFrame() ?? '';
  };
  return { model, instance, press };
}

/** The cycle the header shows. */
const shownCycle = (frame: string) => Number((/cycle ([\d_]+)/.exec(frame)?.[1] ?? '-1').replaceAll('_', ''));

describe('LiveApp keys', () => {
  it('space pauses and resumes', async () => {
    const { instance, press } = app();
    expect(instance.lastFrame()).toMatch(/· running/);
    expect(await press(' ')).toMatch(/· PAUSED/);
    expect(await press(' ')).toMatch(/· running/);
  });

  it('s steps once and shows the kernel trace', async () => {
    const { model, press } = app();
    const before = model.now;
    const frame = await press('s');
    expect(frame).toMatch(/PAUSED/);
    expect(frame).toMatch(/kernel trace \(last steps\)/);
    expect(frame).toContain(`one step: cycle ${before} → ${model.now}`);
    expect(shownCycle(frame)).toBe(model.now);
  });

  it('+ and - change the speed shown', async () => {
    const { press } = app();
    expect(await press('+')).toMatch(/speed 3\.0M cycles\/s/);
    expect(await press('-')).toMatch(/speed 1\.0M cycles\/s/);
    expect(await press('-')).toMatch(/speed 300k cycles\/s/);
  });

  it('m switches to the next mode', async () => {
    const { press } = app();
    const frame = await press('m');
    expect(frame).toMatch(/mode none/);
    expect(frame).toMatch(/mode curios → none: the same seed again from cycle 0/);
    expect(frame).toMatch(/mode none: no SSRs/);
  });

  it.each([
    ['k', 'crash'],
    ['h', 'hang'],
    ['c', 'corrupt'],
    ['w', 'wild-write'],
  ])('%s then a number asks for a %s of that server', async (key, kind) => {
    const { press } = app();
    expect(await press(key)).toContain(`${kind} which server? 1-7 (esc cancels)`);
    expect(await press('4')).toMatch(new RegExp(`${kind} → fs at cycle \\d+`));
  });

  it('the fault asked for shows up in the events of the next frames', async () => {
    const { instance, press } = app(20);
    await press('k');
    await press('4');
    await until(() => /fault\s+fs\s+crash: crash at time/.test(instance.lastFrame() ?? ''));
    const frame = await press('s');
    expect(frame).toMatch(/inject\s+fs\s+crash \(hand\)/);
    expect(frame).toMatch(/fault\s+fs\s+crash: crash at time/);
  });

  it('esc cancels a fault key', async () => {
    const { press } = app();
    await press('k');
    expect(await press('\u001B')).toContain('crash cancelled');
  });

  it('r says when there is nothing to replay, and replays a crash when there is', async () => {
    const { model, press } = app();
    expect(await press('r')).toContain('no crash to replay yet');
    await press('k');
    await press('2');
    for (let i = 0; i < 5; i++) model.tick();
    expect(await press('r')).toMatch(/replaying to cycle \d+…/);
  });

  it('? shows and hides the help', async () => {
    const { press } = app();
    expect(await press('?')).toMatch(/keys[\s\S]*k N\s+crash server N now/);
    expect(await press('?')).not.toMatch(/k N\s+crash server N now/);
  });

  it('q quits: the app exits and stops drawing', async () => {
    const { model, instance, press } = app(20);
    await press('q');
    expect(model.quit).toBe(true);
    const frames = instance.frames.length;
    await settle(100);
    expect(instance.frames.length).toBe(frames);
  });
});

describe('LiveApp frames', () => {
  it('the frame timer runs the simulation and redraws', async () => {
    const { model, instance } = app(20);
    const before = model.now;
    await until(() => shownCycle(instance.lastFrame() ?? '') > before);
    expect(model.now).toBeGreaterThan(before);
    expect(shownCycle(instance.lastFrame() ?? '')).toBeGreaterThan(before);
  });
});
