// The mapping database (L4's recursive address spaces), checked against a model tree: random
// sequences of allocate / map / grant / flush / unmap over a few tasks; then the `map` and
// `unmap` system calls, whose rights and arguments a thread supplies.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FrameNumber } from '../../src/hw/types.ts';
import type { Errno } from '../../src/kernel/errors.ts';
import type { Kernel } from '../../src/kernel/kernel.ts';
import type { SysResult, Task } from '../../src/kernel/objects.ts';
import * as sys from '../../src/kernel/sys.ts';
import { fillPage, makeKernel } from '../helpers/kernel-fixtures.ts';

const PAGE_BYTES = 256;
const FRAMES = 64;
const TASKS = 4;
/** pages the operations name; a two-page range starting at the last one reaches one further */
const VPNS = 4;

// ---- the model tree ----

interface ModelNode {
  task: number;
  vpn: number;
  /** the allocation this page's frame came from: equal roots ⇔ equal frames */
  root: number;
  writable: boolean;
  parent: ModelNode | null;
  children: ModelNode[];
}

class MappingModel {
  readonly pages = new Map<string, ModelNode>();
  private next_root = 0;

  get(task: number, vpn: number): ModelNode | undefined {
    return this.pages.get(`${task}:${vpn}`);
  }

  get liveRoots(): number {
    return [...this.pages.values()].filter((n) => n.parent === null).length;
  }

  alloc(task: number, vpn: number, pages: number, writable: boolean): Errno {
    const vpns = range(vpn, pages);
    if (vpns.some((v) => this.get(task, v) !== undefined)) return 'EBUSY';
    for (const v of vpns) this.put({ task, vpn: v, root: this.next_root++, writable, parent: null, children: [] });
    return 'OK';
  }

  transfer(from: number, src: number, to: number, dst: number, pages: number, writable: boolean, grant: boolean): Errno {
    const srcs = range(src, pages);
    const dsts = range(dst, pages);
    if (srcs.some((v) => this.get(from, v) === undefined)) return 'EFAULT';
    if (dsts.some((v) => this.get(to, v) !== undefined) && !(from === to && grant)) return 'EBUSY';
    if (from === to) return 'EINVAL';
    srcs.forEach((v, i) => {
      const node = this.get(from, v);
      if (node === undefined) throw new Error('model: source vanished');
      const moved: ModelNode = { task: to, vpn: dsts[i], root: node.root, writable: writable && node.writable, parent: grant ? node.parent : node, children: [] };
      this.put(moved);
      if (!grant) {
        node.children.push(moved);
        return;
      }
      // A grant: the receiver takes the giver's place in the tree, children and all.
      moved.children = node.children;
      for (const c of moved.children) c.parent = moved;
      if (node.parent !== null) node.parent.children = node.parent.children.map((c) => (c === node ? moved : c));
      this.pages.delete(`${node.task}:${node.vpn}`);
    });
    return 'OK';
  }

  unmap(task: number, vpn: number, pages: number, self: boolean): Errno {
    for (const v of range(vpn, pages)) {
      const node = this.get(task, v);
      if (node === undefined) continue;
      this.flush(node);
      if (!self) continue;
      if (node.parent !== null) node.parent.children = node.parent.children.filter((c) => c !== node);
      this.pages.delete(`${task}:${v}`);
    }
    return 'OK';
  }

  private flush(node: ModelNode): void {
    for (const c of node.children) {
      this.flush(c);
      this.pages.delete(`${c.task}:${c.vpn}`);
    }
    node.children = [];
  }

  private put(node: ModelNode): void {
    this.pages.set(`${node.task}:${node.vpn}`, node);
  }
}

const range = (first: number, pages: number): number[] => Array.from({ length: pages }, (_, i) => first + i);
const keyOf = (task: number, vpn: number): string => `${task}:${vpn}`;

type MapOp =
  | { op: 'alloc'; task: number; vpn: number; pages: number; writable: boolean }
  | { op: 'transfer'; from: number; src: number; to: number; dst: number; pages: number; writable: boolean; grant: boolean }
  | { op: 'unmap'; task: number; vpn: number; pages: number; self: boolean };

const taskArb = fc.nat(TASKS - 1);
const vpnArb = fc.nat(VPNS - 1);
const pagesArb = fc.oneof({ arbitrary: fc.constant(1), weight: 4 }, { arbitrary: fc.constant(2), weight: 1 });
const opArb: fc.Arbitrary<MapOp> = fc.oneof(
  fc.record({ op: fc.constant('alloc' as const), task: taskArb, vpn: vpnArb, pages: pagesArb, writable: fc.boolean() }),
  {
    arbitrary: fc.record({ op: fc.constant('transfer' as const), from: taskArb, src: vpnArb, to: taskArb, dst: vpnArb, pages: pagesArb, writable: fc.boolean(), grant: fc.boolean() }),
    weight: 3,
  },
  fc.record({ op: fc.constant('unmap' as const), task: taskArb, vpn: vpnArb, pages: pagesArb, self: fc.boolean() }),
);

function applyReal(k: Kernel, tasks: Task[], o: MapOp): Errno {
  switch (o.op) {
    case 'alloc':
      return k.allocPages(tasks[o.task], o.vpn * PAGE_BYTES, o.pages, o.writable);
    case 'transfer':
      return k.transferPages(tasks[o.from], o.src * PAGE_BYTES, tasks[o.to], o.dst * PAGE_BYTES, o.pages, o.writable, o.grant);
    case 'unmap':
      return k.unmapPages(tasks[o.task], o.vpn * PAGE_BYTES, o.pages, o.self);
  }
}

function applyModel(m: MappingModel, o: MapOp): Errno {
  switch (o.op) {
    case 'alloc':
      return m.alloc(o.task, o.vpn, o.pages, o.writable);
    case 'transfer':
      return m.transfer(o.from, o.src, o.to, o.dst, o.pages, o.writable, o.grant);
    case 'unmap':
      return m.unmap(o.task, o.vpn, o.pages, o.self);
  }
}

/**
 * One line per mapped page, the same for the kernel and the model when they agree: its rights,
 * its parent and children, and its frame named by first appearance (so equal frames ⇔ equal names).
 */
function describeReal(tasks: Task[]): string[] {
  const names = new Map<number, number>();
  const taskOf = (space: unknown): number => tasks.findIndex((t) => t.as === space);
  const lines: string[] = [];
  tasks.forEach((t, i) => {
    for (let vpn = 0; vpn <= VPNS; vpn++) {
      const node = t.as.nodes.get(vpn);
      const pte = t.as.table.entries.get(vpn);
      if (node === undefined) {
        if (pte !== undefined) lines.push(`${keyOf(i, vpn)} page-table entry without a mapping`);
        continue;
      }
      if (pte === undefined || pte.frame !== node.frame || pte.writable !== node.writable) lines.push(`${keyOf(i, vpn)} page-table entry disagrees`);
      if (!names.has(node.frame)) names.set(node.frame, names.size);
      const parent = node.parent === null ? '-' : keyOf(taskOf(node.parent.space), node.parent.vpn);
      const children = [...(node.children ?? [])].map((c) => keyOf(taskOf(c.space), c.vpn)).sort();
      lines.push(`${keyOf(i, vpn)} frame#${names.get(node.frame)} ${node.writable ? 'rw' : 'ro'} parent=${parent} children=${children.join(',')}`);
    }
  });
  return lines;
}

function describeModel(m: MappingModel): string[] {
  const names = new Map<number, number>();
  const lines: string[] = [];
  for (let t = 0; t < TASKS; t++) {
    for (let vpn = 0; vpn <= VPNS; vpn++) {
      const n = m.get(t, vpn);
      if (n === undefined) continue;
      if (!names.has(n.root)) names.set(n.root, names.size);
      const parent = n.parent === null ? '-' : keyOf(n.parent.task, n.parent.vpn);
      const children = n.children.map((c) => keyOf(c.task, c.vpn)).sort();
      lines.push(`${keyOf(t, vpn)} frame#${names.get(n.root)} ${n.writable ? 'rw' : 'ro'} parent=${parent} children=${children.join(',')}`);
    }
  }
  return lines;
}

const framesHeld = (tasks: Task[]): Set<FrameNumber> => new Set(tasks.flatMap((t) => [...t.as.nodes.values()].map((n) => n.frame)));

describe('mapping database', () => {
  it('allocate, map, grant, flush and unmap agree with a model tree', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 50, size: 'max' }), (ops) => {
        const k = makeKernel({ frame_bytes: PAGE_BYTES, frames: FRAMES });
        const tasks = Array.from({ length: TASKS }, (_, i) => k.createTask(`t${i}`));
        const m = new MappingModel();
        for (const o of ops) {
          const held_before = framesHeld(tasks);
          expect(applyReal(k, tasks, o), JSON.stringify(o)).toBe(applyModel(m, o));
          expect(describeReal(tasks)).toEqual(describeModel(m));
          // A root that went returned its frame; nothing else frees or leaks one.
          const held = framesHeld(tasks);
          expect(k.machine.memory.frames_free).toBe(FRAMES - m.liveRoots);
          for (const f of held_before) if (!held.has(f)) expect(k.machine.memory.isInUse(f)).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });
});

// ---- the map and unmap system calls ----

const GIVER_RW = 1;
const GIVER_RO = 2;
const GIVER_NONE = 3;
const DST_FREE = 4;
const DST_TAKEN = 5;
const PATTERN = Uint8Array.from({ length: PAGE_BYTES }, (_, i) => (i * 29 + 3) & 0xff);

interface MapCase {
  via_endpoint: boolean;
  map_right: boolean;
  src: number;
  dst: number;
  writable: boolean;
  grant: boolean;
}

/** The answer the decode order gives: capability, then the giver's page and rights, then the destination. */
function expectedMapErr(c: MapCase): Errno {
  if (c.via_endpoint) return 'ENOCAP';
  if (!c.map_right) return 'EPERM';
  if (c.src === GIVER_NONE) return 'EFAULT';
  if (c.writable && c.src === GIVER_RO) return 'EPERM';
  if (c.dst === DST_TAKEN) return 'EBUSY';
  return 'OK';
}

/** Page number → [frame, writable, parent page or -1] for both tasks: what a rejected call must not touch. */
function mappingState(tasks: Task[]): string {
  return JSON.stringify(
    tasks.map((t) => [...t.as.nodes.entries()].sort((a, b) => a[0] - b[0]).map(([vpn, n]) => [vpn, n.frame, n.writable, n.parent?.vpn ?? -1, n.children?.size ?? 0])),
  );
}

describe('map system call', () => {
  it('checks the capability, the right, the page and its rights before anything changes', () => {
    fc.assert(
      fc.property(
        fc.record({
          via_endpoint: fc.boolean(),
          map_right: fc.boolean(),
          src: fc.constantFrom(GIVER_RW, GIVER_RO, GIVER_NONE),
          dst: fc.constantFrom(DST_FREE, DST_TAKEN),
          writable: fc.boolean(),
          grant: fc.boolean(),
        }),
        (c) => {
          const k = makeKernel({ frame_bytes: PAGE_BYTES, frames: FRAMES });
          const giver = k.createTask('giver');
          const receiver = k.createTask('receiver');
          expect(k.allocPages(giver, GIVER_RW * PAGE_BYTES, 1, true)).toBe('OK');
          expect(k.allocPages(giver, GIVER_RO * PAGE_BYTES, 1, false)).toBe('OK');
          expect(k.allocPages(receiver, DST_TAKEN * PAGE_BYTES, 1, true)).toBe('OK');
          fillPage(k, giver, GIVER_RW, PATTERN);
          fillPage(k, giver, GIVER_RO, PATTERN);
          const task_slot = k.giveCap(giver, { kind: 'task', task: receiver, rights: { map: c.map_right, control: true, sched: true } });
          const ep_slot = k.giveCap(giver, k.endpointCap(k.createEndpoint('ep'), 1, { send: true, recv: true }));
          const src_frame = giver.as.nodes.get(c.src)?.frame;
          const before = mappingState([giver, receiver]);

          let res: SysResult | null = null;
          k.spawnThread(giver, 'main', function* () {
            res = yield* sys.map(c.via_endpoint ? ep_slot : task_slot, c.src * PAGE_BYTES, c.dst * PAGE_BYTES, 1, c.writable, c.grant);
          });
          k.run();
          expect(k.panic_reason).toBeNull();
          const want = expectedMapErr(c);
          expect(res).toMatchObject({ err: want });
          if (want !== 'OK') {
            expect(mappingState([giver, receiver])).toBe(before);
            return;
          }
          const got = receiver.as.nodes.get(c.dst);
          expect(got?.frame).toBe(src_frame);
          expect(got?.writable).toBe(c.writable);
          expect(giver.as.isMapped(c.src)).toBe(!c.grant);
          if (!c.grant) expect(got?.parent).toBe(giver.as.nodes.get(c.src));

          // Through the receiver's own MMU view: it reads the giver's bytes and, if writable, its stores land in the same frame.
          const seen: number[] = [];
          k.spawnThread(receiver, 'main', function* (ctx) {
            seen.push(ctx.mem.load8(c.dst * PAGE_BYTES + 7));
            if (c.writable) ctx.mem.store8(c.dst * PAGE_BYTES + 9, 0xee);
          });
          k.run();
          expect(seen).toEqual([PATTERN[7]]);
          if (c.writable && src_frame !== undefined) expect(k.machine.memory.bytes[k.machine.memory.frameBase(src_frame) + 9]).toBe(0xee);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('unmap flushes what was mapped from a page, and rejects malformed ranges', () => {
    const k = makeKernel({ frame_bytes: PAGE_BYTES, frames: FRAMES });
    const giver = k.createTask('giver');
    const middle = k.createTask('middle');
    const last = k.createTask('last');
    expect(k.allocPages(giver, GIVER_RW * PAGE_BYTES, 1, true)).toBe('OK');
    const to_middle = k.giveCap(giver, { kind: 'task', task: middle, rights: { map: true, control: false, sched: false } });
    expect(k.transferPages(middle, 0, last, 0, 1, true, false)).toBe('EFAULT');
    const errs: Errno[] = [];
    k.spawnThread(giver, 'main', function* () {
      errs.push((yield* sys.map(to_middle, GIVER_RW * PAGE_BYTES, DST_FREE * PAGE_BYTES, 1, true)).err);
      // middle passes it on (trusted side), so that the flush has two levels to revoke.
      errs.push(k.transferPages(middle, DST_FREE * PAGE_BYTES, last, DST_FREE * PAGE_BYTES, 1, false, false));
      errs.push((yield* sys.unmap(GIVER_RW * PAGE_BYTES + 1, 1, false)).err);
      errs.push((yield* sys.unmap(GIVER_RW * PAGE_BYTES, 0, false)).err);
      errs.push((yield* sys.unmap(GIVER_RW * PAGE_BYTES, 1, false)).err);
    });
    const frames_free = k.machine.memory.frames_free;
    k.run();
    expect(errs).toEqual(['OK', 'OK', 'EINVAL', 'EINVAL', 'OK']);
    expect(middle.as.isMapped(DST_FREE)).toBe(false);
    expect(last.as.isMapped(DST_FREE)).toBe(false);
    expect(giver.as.isMapped(GIVER_RW)).toBe(true);
    expect(k.machine.memory.frames_free).toBe(frames_free);
    expect(k.unmapPages(giver, GIVER_RW * PAGE_BYTES, 1, true)).toBe('OK');
    expect(k.machine.memory.frames_free).toBe(frames_free + 1);
  });
});
