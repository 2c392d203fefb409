// Address ranges (issue 15): every range a system call names — IPC buffers, device buffers, pages
// to map or unmap — goes through one check, `checkRange`, that refuses negative, fractional and
// wrapping ranges (EFAULT) before anything happens; the copies refuse them too, and a device call
// whose copy fails answers its error, never OK. The kernel never panics on any of them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/hw/limits.ts';
import { checkRange, copyBetweenSpaces, copyFromSpace, copyFromSpaceBorrowed, copyToSpace, inspectSpace } from '../../src/kernel/copy.ts';
import type { Errno } from '../../src/kernel/errors.ts';
import type { Kernel } from '../../src/kernel/kernel.ts';
import type { DeviceName, DeviceRequest, Task } from '../../src/kernel/objects.ts';
import * as sys from '../../src/kernel/sys.ts';
import { makeKernel } from '../helpers/kernel-fixtures.ts';

const PAGE = 4096;
const RW = 0x1000;
const RO = 0x2000;
/** the last page of the address space, mapped: a range past it wraps */
const TOP = 2 ** 32 - PAGE;

function machine(): { k: Kernel; task: Task } {
  const k = makeKernel({ frame_bytes: PAGE });
  const task = k.createTask('t');
  expect(k.allocPages(task, RW, 1, true)).toBe('OK');
  expect(k.allocPages(task, RO, 1, false)).toBe('OK');
  expect(k.allocPages(task, TOP, 1, true)).toBe('OK');
  return { k, task };
}

/** Numbers a buggy pointer computation can produce. */
const hostileNumber = fc.oneof(
  fc.integer({ min: -2 * PAGE, max: 4 * PAGE }),
  fc.integer({ min: TOP - PAGE, max: 2 ** 32 + PAGE }),
  fc.constantFrom(-1, 0.5, 1.5, -0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 53, -(2 ** 53), 2 ** 32, 0xffffff00, 2 ** 31),
);

const inPageOrHostile = fc.oneof(hostileNumber, fc.integer({ min: RW, max: RW + PAGE - 1 }));

/** The model: a range is usable when it is well formed and each of its pages is mapped (writable, if asked). */
function modelRange(mapped: Map<number, boolean>, vaddr: number, len: number, writable: boolean): Errno {
  if (!Number.isSafeInteger(vaddr) || !Number.isSafeInteger(len) || vaddr < 0 || len < 0 || vaddr + len > 2 ** 32) return 'EFAULT';
  // An empty range names no page: there is nothing to fault on.
  if (len === 0) return 'OK';
  for (let a = vaddr - (vaddr % PAGE); a < vaddr + len; a += PAGE) {
    const w = mapped.get(a);
    if (w === undefined || (writable && !w)) return 'EFAULT';
  }
  return 'OK';
}

describe('one range check for every address range', () => {
  it('checkRange agrees with the model on hostile ranges, and the copies refuse what it refuses', () => {
    const { k, task } = machine();
    const mapped = new Map([[RW, true], [RO, false], [TOP, true]]);
    fc.assert(
      fc.property(hostileNumber, hostileNumber, fc.boolean(), (vaddr, len, writable) => {
        const want = modelRange(mapped, vaddr, len, writable);
        expect(checkRange(k.machine, task.as, vaddr, len, writable)).toBe(want);
        const small = Number.isSafeInteger(len) && len >= 0 && len <= 2 * PAGE;
        if (!small) return;
        const read = copyFromSpace(k.machine, task.as, vaddr, len);
        expect(read === null).toBe(modelRange(mapped, vaddr, len, false) !== 'OK');
        expect(inspectSpace(k.machine, task.as, vaddr, len) === null).toBe(read === null);
        expect(copyToSpace(k.machine, task.as, vaddr, new Uint8Array(len))).toBe(modelRange(mapped, vaddr, len, true) === 'OK');
      }),
      { numRuns: 2000 },
    );
  });

  it('a copy between two spaces (and a borrowed read) is a copy out and a copy in: same answer, same bytes, same cycles, even through a shared frame', () => {
    fc.assert(
      // Half the ranges inside the shared page (and short), where the copy moves bytes within physical memory.
      // And now and then a destination just past or before the source: ranges that overlap in one frame.
      fc.property(inPageOrHostile, fc.oneof(inPageOrHostile, fc.integer({ min: -80, max: 80 }).map((d) => ({ near: d }))), fc.oneof(fc.nat({ max: 2 * PAGE }), fc.nat({ max: 96 })), fc.boolean(), fc.integer({ min: 1, max: 2 ** 31 }), (src, to, len, same_space, seed) => {
        const dst = typeof to === 'number' ? to : src + to.near;
        // Two identical machines: one copies out then in, the other between the spaces.
        const runs = [machine(), machine()].map(({ k, task }) => {
          const other = k.createTask('other');
          // The other space: RW shares the first task's RW frame, RO is its own, read-only.
          expect(k.transferPages(task, RW, other, RW, 1, true, false)).toBe('OK');
          expect(k.allocPages(other, RO, 1, false)).toBe('OK');
          const bytes = k.machine.memory.bytes;
          for (let i = 0, x = seed; i < bytes.length; i += i < 16 * PAGE ? 1 : 97, x = (x * 48271) % 0x7fffffff) bytes[i] = x & 0xff;
          return { k, from: task, to: same_space ? task : other };
        });
        const [a, b] = runs;
        const start = a.k.now;
        const out = copyFromSpace(a.k.machine, a.from.as, src, len);
        const want = out === null ? 'EFAULT-SRC' : copyToSpace(a.k.machine, a.to.as, dst, out) ? 'OK' : 'EFAULT-DST';
        expect(copyBetweenSpaces(b.k.machine, b.from.as, src, b.to.as, dst, len)).toBe(want);
        expect(b.k.now - start).toBe(a.k.now - start);
        expect(Buffer.compare(b.k.machine.memory.bytes, a.k.machine.memory.bytes)).toBe(0);
        const fresh = copyFromSpace(b.k.machine, b.from.as, src, len);
        const borrowed = copyFromSpaceBorrowed(b.k.machine, b.from.as, src, len);
        expect(borrowed === null ? null : [...borrowed]).toEqual(fresh === null ? null : [...fresh]);
      }),
      { numRuns: 200 },
    );
  });
});

/** Runs one system call from a task holding a capability to `device` in slot 0; returns its error. */
function deviceCall(device: DeviceName, req: unknown, before?: (k: Kernel) => void): { k: Kernel; err: Errno; cycles: number } {
  const { k, task } = machine();
  const slot = k.giveCap(task, k.deviceCap(device));
  before?.(k);
  let err: Errno = 'OK';
  let cycles = 0;
  k.spawnThread(task, 'main', function* () {
    const start = yield* sys.now();
    err = (yield* sys.device(slot, req as DeviceRequest)).err;
    cycles = (yield* sys.now()) - start;
  });
  k.run();
  expect(k.panic_reason).toBeNull();
  return { k, err, cycles };
}

const BAD_RANGES: [string, number, number][] = [
  ['wrapping past 2^32', 0xffffff00, 512],
  ['running off the end of the address space', 2 ** 32 - 16, 64],
  ['negative start', -16, 32],
  ['negative length', RW, -1],
  ['fractional start', RW + 0.5, 4],
  ['fractional length', RW, 4.5],
  ['NaN start', Number.NaN, 4],
  ['unmapped', 0x8000, 16],
];

describe('device buffers', () => {
  const FRAME = new Uint8Array([1, 2, 3, 4, 5]);
  const cases: [DeviceName, (vaddr: number, len: number) => DeviceRequest, ((k: Kernel) => void)?][] = [
    ['console', (vaddr, len) => ({ action: 'console-write', vaddr, len })],
    ['nic', (vaddr, len) => ({ action: 'nic-send', vaddr, len })],
    ['nic', (vaddr, len) => ({ action: 'nic-recv', vaddr, len }), (k) => k.machine.nic.send(FRAME)],
    ['nic', (vaddr, len) => ({ action: 'nic-peek', index: 0, vaddr, len }), (k) => k.machine.nic.send(FRAME)],
  ];
  for (const [device, req, before] of cases) {
    const action = req(0, 0).action;
    it.each(BAD_RANGES)(`${action}: %s is EFAULT before any effect, and charges no device time`, (_name, vaddr, len) => {
      const { k, err, cycles } = deviceCall(device, req(vaddr, len), before);
      expect(err).toBe('EFAULT');
      expect(k.machine.console.bytes_written).toBe(0);
      expect(k.machine.nic.sent).toBe(before === undefined ? 0 : 1);
      // A frame waiting in the NIC is still there: a refused receive drops nothing.
      expect(k.machine.nic.rx.length).toBe(before === undefined ? 0 : 1);
      // What a refused call costs does not depend on the device: the same as any refused call.
      expect(cycles).toBe(deviceCall(device, { action: 'no-such-action' }).cycles);
    });
  }

  it.each([
    ['disk-read', 0xffffff00],
    ['disk-read', -PAGE],
    ['disk-read', RO],
    ['disk-write', 2 ** 32 - 16],
    ['disk-write', 0.5],
  ] as const)('%s at %d is EFAULT and the disk is unchanged', (action, vaddr) => {
    const { k, err } = deviceCall('disk', { action, block: 1, vaddr });
    expect(err).toBe('EFAULT');
    expect(k.machine.disk.reads + k.machine.disk.writes).toBe(0);
  });

  it('nic-recv into a good buffer takes the frame; a buffer too small leaves it waiting', () => {
    const frame = new Uint8Array([9, 8, 7]);
    const small = deviceCall('nic', { action: 'nic-recv', vaddr: RW, len: 2 }, (k) => k.machine.nic.send(frame));
    expect(small.err).toBe('EMSGSIZE');
    expect(small.k.machine.nic.rx.length).toBe(1);
    const good = deviceCall('nic', { action: 'nic-recv', vaddr: RW, len: 3 }, (k) => k.machine.nic.send(frame));
    expect(good.err).toBe('OK');
    expect(good.k.machine.nic.rx.length).toBe(0);
  });
});

describe('IPC buffers and pages', () => {
  it.each(BAD_RANGES)('an IPC buffer %s is EFAULT', (_name, vaddr, len) => {
    const { k, task } = machine();
    const ep = k.createEndpoint('ep');
    const slot = k.giveCap(task, k.endpointCap(ep, 1, { send: true, recv: true }));
    const errs: Errno[] = [];
    k.spawnThread(task, 'main', function* () {
      errs.push((yield* sys.call(slot, { label: 1, words: [], buf: { vaddr, len } }, { timeout_cycles: 0 })).err);
      errs.push((yield* sys.recv(slot, { recv_buf: { vaddr, len }, timeout_cycles: 0 })).err);
    });
    k.run();
    expect(k.panic_reason).toBeNull();
    expect(errs).toEqual(['EFAULT', 'EFAULT']);
  });

  it.each([
    ['wrapping', TOP, 2, 'EFAULT'],
    ['negative', -PAGE, 1, 'EFAULT'],
    ['fractional', RW + 0.5, 1, 'EFAULT'],
    ['misaligned', RW + 1, 1, 'EINVAL'],
    ['no pages', RW, 0, 'EINVAL'],
  ] as const)('unmap and map of a %s range are refused (%s)', (_name, vaddr, pages, want) => {
    const { k, task } = machine();
    const other = k.createTask('other');
    const to_other = k.giveCap(task, { kind: 'task', task: other, rights: { map: true, control: false, sched: false } });
    const errs: Errno[] = [];
    k.spawnThread(task, 'main', function* () {
      errs.push((yield* sys.unmap(vaddr, pages, true)).err);
      errs.push((yield* sys.map(to_other, vaddr, RW, pages, false)).err);
      errs.push((yield* sys.map(to_other, RW, vaddr, pages, false)).err);
    });
    const pages_before = [...task.as.nodes.keys()];
    k.run();
    expect(k.panic_reason).toBeNull();
    expect(errs).toEqual([want, want, want]);
    expect([...task.as.nodes.keys()]).toEqual(pages_before);
    expect(other.as.nodes.size).toBe(0);
  });

  it('a device request of the wrong shape is EINVAL before the device is charged', () => {
    const junk: unknown[] = [null, 'console-write', { action: 'console-write', vaddr: '0', len: 4 }, { action: 'console-write', vaddr: RW, len: LIMITS.msg_buf_bytes_max + 1 }];
    for (const req of junk) expect(deviceCall('console', req).err).toBe('EINVAL');
    expect(deviceCall('console', { action: 'disk-read', block: 0, vaddr: RW }).err).toBe('EPERM');
  });
});
