// The timer: one-shot and periodic deadlines raise its IRQ; the kernel turns the IRQ into a
// notification to the bound driver at the right virtual time.
import { describe, expect, it } from 'vitest';
import { TimerDevice } from '../../src/hw/devices/timer.ts';
import { InterruptController } from '../../src/hw/interrupts.ts';
import { IRQ } from '../../src/hw/machine.ts';
import * as sys from '../../src/kernel/sys.ts';
import { makeKernel } from '../helpers/kernel-fixtures.ts';

function timer(): { t: TimerDevice; irqs: InterruptController } {
  const irqs = new InterruptController();
  return { t: new TimerDevice(IRQ.timer, irqs), irqs };
}

describe('timer device', () => {
  it('a one-shot fires once, at its deadline', () => {
    const { t, irqs } = timer();
    t.setOneShot(100);
    t.poll(99);
    expect(irqs.hasPending).toBe(false);
    t.poll(100);
    expect(irqs.takePending()).toEqual([IRQ.timer]);
    t.poll(1000);
    expect(irqs.hasPending).toBe(false);
    expect(t.fired).toBe(1);
    expect(t.nextEvent()).toBeNull();
  });

  it('a periodic timer fires every period; one that fell behind fires once and realigns', () => {
    const { t, irqs } = timer();
    t.setPeriodic(0, 50);
    expect(t.nextEvent()).toBe(50);
    t.poll(50);
    expect(t.nextEvent()).toBe(100);
    t.poll(275); // missed 100, 150, 200, 250
    expect(t.fired).toBe(2);
    expect(t.nextEvent()).toBe(300);
    expect(irqs.takePending()).toEqual([IRQ.timer]);
    t.cancel();
    t.poll(10_000);
    expect(t.fired).toBe(2);
    expect(() => t.setPeriodic(0, 0)).toThrow(RangeError);
  });

  it('reaches a driver thread as notifications at multiples of its period', () => {
    const k = makeKernel();
    const ep = k.createEndpoint('ticks');
    const driver = k.createTask('driver');
    const dev = k.giveCap(driver, k.deviceCap('timer'));
    const ep_slot = k.giveCap(driver, k.endpointCap(ep, 0x4, { recv: true }));
    const ticks: { at: number; bits: number }[] = [];
    let start = 0;
    const setup: string[] = [];
    k.spawnThread(driver, 'main', function* () {
      setup.push((yield* sys.irqBind(dev, ep_slot)).err);
      start = yield* sys.now();
      setup.push((yield* sys.device(dev, { action: 'timer-periodic', period_cycles: 10_000 })).err);
      for (let i = 0; i < 5; i++) {
        const r = yield* sys.recv(ep_slot);
        ticks.push({ at: yield* sys.now(), bits: r.value });
      }
      yield* sys.device(dev, { action: 'timer-cancel' });
    });
    expect(k.run()).toBe('idle');
    expect(setup).toEqual(['OK', 'OK']);
    expect(ticks.map((t) => t.bits)).toEqual([4, 4, 4, 4, 4]);
    // Each tick is seen shortly after its deadline: period k is the first multiple after the set-up.
    ticks.forEach((t, i) => {
      const deadline = Math.floor(start / 10_000) * 10_000 + (i + 1) * 10_000;
      expect(t.at).toBeGreaterThanOrEqual(deadline);
      expect(t.at - deadline).toBeLessThan(1_000);
    });
  });
});
