// The network interface: loopback, a wire between two interfaces, a bounded receive queue that
// drops (and counts) frames when full, frames copied at send.
import { describe, expect, it } from 'vitest';
import { NetworkInterface } from '../../src/hw/devices/nic.ts';
import { InterruptController } from '../../src/hw/interrupts.ts';
import { LIMITS } from '../../src/hw/limits.ts';
import { IRQ } from '../../src/hw/machine.ts';
import * as sys from '../../src/kernel/sys.ts';
import { makeKernel } from '../helpers/kernel-fixtures.ts';

function nic(): { n: NetworkInterface; irqs: InterruptController } {
  const irqs = new InterruptController();
  return { n: new NetworkInterface(IRQ.nic, irqs), irqs };
}

describe('network interface', () => {
  it('loops back to itself, raising its own IRQ, and copies the frame', () => {
    const { n, irqs } = nic();
    NetworkInterface.connect(n, n);
    const frame = Uint8Array.from([1, 2, 3]);
    expect(n.send(frame)).toBe(true);
    frame[0] = 9;
    expect(irqs.takePending()).toEqual([IRQ.nic]);
    expect(n.receive()).toEqual(Uint8Array.from([1, 2, 3]));
    expect(n.receive()).toBeNull();
  });

  it('a wire carries frames one way to the peer only, in order', () => {
    const a = nic();
    const b = nic();
    NetworkInterface.connect(a.n, b.n);
    a.n.send(Uint8Array.from([1]));
    a.n.send(Uint8Array.from([2]));
    expect(a.n.rx).toEqual([]);
    expect(a.irqs.hasPending).toBe(false);
    expect(b.irqs.takePending()).toEqual([IRQ.nic]);
    expect([b.n.receive(), b.n.receive()]).toEqual([Uint8Array.from([1]), Uint8Array.from([2])]);
    b.n.send(Uint8Array.from([3]));
    expect(a.n.receive()).toEqual(Uint8Array.from([3]));
    expect([a.n.sent, b.n.received, b.n.sent, a.n.received]).toEqual([2, 2, 1, 1]);
  });

  it('a full receive queue drops frames and counts them', () => {
    const a = nic();
    const b = nic();
    NetworkInterface.connect(a.n, b.n);
    for (let i = 0; i < LIMITS.nic_queue_max; i++) expect(a.n.send(Uint8Array.from([i]))).toBe(true);
    expect(a.n.send(Uint8Array.from([0xff]))).toBe(false);
    expect(a.n.send(Uint8Array.from([0xfe]))).toBe(false);
    expect(b.n.dropped).toBe(2);
    expect(b.n.rx.length).toBe(LIMITS.nic_queue_max);
    expect(b.n.receive()).toEqual(Uint8Array.from([0]));
    expect(a.n.send(Uint8Array.from([0xfd]))).toBe(true);
    expect(b.n.rx.at(-1)).toEqual(Uint8Array.from([0xfd]));
  });

  it('refuses a frame above the size limit', () => {
    const { n } = nic();
    expect(() => n.send(new Uint8Array(LIMITS.nic_frame_bytes_max + 1))).toThrow(RangeError);
    expect(n.send(new Uint8Array(LIMITS.nic_frame_bytes_max))).toBe(true);
  });

  it('through the kernel: a driver sends to its loopback, is notified, and receives the same bytes', () => {
    const k = makeKernel();
    const ep = k.createEndpoint('net-irq');
    const driver = k.createTask('net');
    expect(k.allocPages(driver, 0x1000, 1, true)).toBe('OK');
    const dev = k.giveCap(driver, k.deviceCap('nic'));
    const irq = k.giveCap(driver, k.endpointCap(ep, 0x2, { recv: true }));
    const seen: { send: number; notify: number; recv_err: string; len: number; bytes: number[]; empty: string } = { send: 0, notify: 0, recv_err: '', len: 0, bytes: [], empty: '' };
    k.spawnThread(driver, 'main', function* (ctx) {
      yield* sys.irqBind(dev, irq);
      ctx.mem.storeBytes(0x1000, Uint8Array.from([5, 6, 7, 8]));
      seen.send = (yield* sys.device(dev, { action: 'nic-send', vaddr: 0x1000, len: 4 })).value;
      seen.notify = (yield* sys.recv(irq)).value;
      const r = yield* sys.device(dev, { action: 'nic-recv', vaddr: 0x1800, len: 64 });
      seen.recv_err = r.err;
      seen.len = r.value;
      seen.bytes = [...ctx.mem.loadBytes(0x1800, r.value)];
      seen.empty = (yield* sys.device(dev, { action: 'nic-recv', vaddr: 0x1800, len: 64 })).err;
    });
    expect(k.run()).toBe('idle');
    expect(seen).toEqual({ send: 1, notify: 2, recv_err: 'OK', len: 4, bytes: [5, 6, 7, 8], empty: 'EAGAIN' });
  });

  it('peek looks at any waiting frame and leaves it; take removes exactly that one', () => {
    const { n } = nic();
    NetworkInterface.connect(n, n);
    for (const b of [1, 2, 3]) n.send(Uint8Array.of(b));
    expect([n.peek(0), n.peek(2), n.peek(3)]).toEqual([Uint8Array.of(1), Uint8Array.of(3), null]);
    expect(n.take(1)).toBe(true);
    expect(n.take(2)).toBe(false);
    expect([n.receive(), n.receive(), n.receive()]).toEqual([Uint8Array.of(1), Uint8Array.of(3), null]);
  });

  it('through the kernel: nic-peek copies without removing, nic-take removes, bad arguments are errors', () => {
    const k = makeKernel();
    const driver = k.createTask('net');
    expect(k.allocPages(driver, 0x1000, 1, true)).toBe('OK');
    const dev = k.giveCap(driver, k.deviceCap('nic'));
    const seen: string[] = [];
    k.spawnThread(driver, 'main', function* (ctx) {
      ctx.mem.storeBytes(0x1000, Uint8Array.of(4, 5));
      yield* sys.device(dev, { action: 'nic-send', vaddr: 0x1000, len: 2 });
      yield* sys.device(dev, { action: 'nic-send', vaddr: 0x1001, len: 1 });
      const p = yield* sys.device(dev, { action: 'nic-peek', index: 1, vaddr: 0x1800, len: 8 });
      seen.push(`${p.err}:${p.value}:${ctx.mem.load8(0x1800)}`);
      seen.push((yield* sys.device(dev, { action: 'nic-peek', index: 0, vaddr: 0x1800, len: 1 })).err);
      seen.push((yield* sys.device(dev, { action: 'nic-peek', index: -1, vaddr: 0x1800, len: 8 })).err);
      seen.push((yield* sys.device(dev, { action: 'nic-peek', index: 0, vaddr: 0x9000, len: 8 })).err);
      seen.push((yield* sys.device(dev, { action: 'nic-take', index: 0 })).err);
      seen.push((yield* sys.device(dev, { action: 'nic-take', index: 1 })).err);
      const r = yield* sys.device(dev, { action: 'nic-recv', vaddr: 0x1800, len: 8 });
      seen.push(`${r.err}:${r.value}:${ctx.mem.load8(0x1800)}`);
    });
    expect(k.run()).toBe('idle');
    expect(seen).toEqual(['OK:1:5', 'EMSGSIZE', 'EINVAL', 'EFAULT', 'OK', 'EAGAIN', 'OK:1:5']);
  });
});
