// Address-space isolation: a thread's loads and stores reach only its own pages, with the rights
// they were mapped with. Random layouts for 2–4 tasks, random access sequences by one thread,
// checked against a model that is a Map of bytes by virtual address.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXCEPTION_KIND_CODES } from '../../src/kernel/kernel.ts';
import type { ExceptionKind } from '../../src/kernel/objects.ts';
import * as sys from '../../src/kernel/sys.ts';
import { FaultRecorder, fillPage, makeKernel, snapshotPages } from '../helpers/kernel-fixtures.ts';

const PAGE_BYTES = 256;
/** pages 0..5 may be mapped; page 6 never is, so that some accesses always fall outside */
const PAGES = 6;
const VADDR_END = (PAGES + 1) * PAGE_BYTES;
const HANDLER_BADGE = 0x77;

type Perm = 'none' | 'ro' | 'rw';
type Op = 'load8' | 'load16' | 'load32' | 'store8' | 'store16' | 'store32' | 'loadBytes' | 'storeBytes';
const SCALAR_SIZE: Record<Op, number> = { load8: 1, load16: 2, load32: 4, store8: 1, store16: 2, store32: 4, loadBytes: 0, storeBytes: 0 };

interface Access {
  op: Op;
  vaddr: number;
  value: number;
  len: number;
  /** make a system call (a yield) after this access */
  then_yield: boolean;
}

/**
 * An access as generated: most are aimed at a page the actor may use for that operation (so that
 * sequences run long), a few are wild (any address, any alignment, any length) and usually fault.
 */
interface AccessPlan {
  op: Op;
  wild: boolean;
  page_pick: number;
  offset: number;
  value: number;
  len: number;
  then_yield: boolean;
}

interface TaskLayout {
  perms: Perm[];
  fill_seed: number;
}

const permArb = fc.constantFrom<Perm>('none', 'ro', 'rw');
const layoutArb: fc.Arbitrary<TaskLayout> = fc.record({ perms: fc.array(permArb, { minLength: PAGES, maxLength: PAGES }), fill_seed: fc.nat(255) });

const planArb: fc.Arbitrary<AccessPlan> = fc.record({
  op: fc.constantFrom<Op>('load8', 'load16', 'load32', 'store8', 'store16', 'store32', 'loadBytes', 'storeBytes'),
  wild: fc.oneof({ arbitrary: fc.constant(false), weight: 20 }, { arbitrary: fc.constant(true), weight: 1 }),
  page_pick: fc.nat(PAGES - 1),
  offset: fc.integer({ min: 0, max: VADDR_END - 1 }),
  value: fc.integer({ min: 0, max: 0xffffffff }),
  len: fc.integer({ min: 1, max: 2 * PAGE_BYTES }),
  then_yield: fc.boolean(),
});

/** Turns a plan into an address: an aimed access lands aligned inside one page the actor may use. */
function resolve(plan: AccessPlan, perms: Perm[]): Access {
  const { op, value, then_yield } = plan;
  const write = op.startsWith('store');
  const usable = perms.flatMap((p, vpn) => (p === 'rw' || (p === 'ro' && !write) ? [vpn] : []));
  if (plan.wild || usable.length === 0) return { op, vaddr: plan.offset, value, len: plan.len, then_yield };
  const size = SCALAR_SIZE[op];
  const in_page = plan.offset % PAGE_BYTES;
  const vaddr = usable[plan.page_pick % usable.length] * PAGE_BYTES + (size > 1 ? in_page - (in_page % size) : in_page);
  return { op, vaddr, value, len: Math.min(plan.len, PAGE_BYTES - in_page), then_yield };
}

const fillByte = (seed: number, vpn: number, i: number): number => (seed * 131 + vpn * 17 + i * 7) & 0xff;

/** What the model expects one access to do: a fault, a loaded value, or bytes. */
type Outcome = { fault: { kind: ExceptionKind; vaddr: number } } | { value: number } | { bytes: number[] } | { stored: true };

class ByteModel {
  constructor(
    private readonly perms: Perm[],
    readonly bytes: Map<number, number>,
  ) {}

  perm(vaddr: number): Perm {
    return this.perms[Math.floor(vaddr / PAGE_BYTES)] ?? 'none';
  }

  apply(a: Access): Outcome {
    const size = SCALAR_SIZE[a.op];
    const write = a.op.startsWith('store');
    if (size === 0) return this.bulk(a.vaddr, a.len, write, a.value);
    if (size > 1 && a.vaddr % size !== 0) return { fault: { kind: 'alignment', vaddr: a.vaddr } };
    const denied = this.denied(a.vaddr, write);
    if (denied !== null) return denied;
    if (!write) {
      let value = 0;
      for (let i = size - 1; i >= 0; i--) value = value * 256 + this.byteAt(a.vaddr + i);
      return { value };
    }
    for (let i = 0; i < size; i++) this.bytes.set(a.vaddr + i, Math.floor(a.value / 256 ** i) & 0xff);
    return { stored: true };
  }

  /** Page by page, as the MMU walks it: the pages before a faulting one are already copied. */
  private bulk(vaddr: number, len: number, write: boolean, seed: number): Outcome {
    const out: number[] = [];
    for (let off = 0; off < len; ) {
      const va = vaddr + off;
      const n = Math.min(len - off, PAGE_BYTES - (va % PAGE_BYTES));
      const denied = this.denied(va, write);
      if (denied !== null) return denied;
      for (let i = 0; i < n; i++) {
        if (write) this.bytes.set(va + i, storeByte(seed, off + i));
        else out.push(this.byteAt(va + i));
      }
      off += n;
    }
    return write ? { stored: true } : { bytes: out };
  }

  private denied(vaddr: number, write: boolean): Outcome | null {
    const p = this.perm(vaddr);
    if (p === 'none') return { fault: { kind: write ? 'page-write' : 'page-read', vaddr } };
    if (write && p === 'ro') return { fault: { kind: 'page-write', vaddr } };
    return null;
  }

  private byteAt(vaddr: number): number {
    const b = this.bytes.get(vaddr);
    if (b === undefined) throw new Error(`model: no byte at mapped address ${vaddr}`);
    return b;
  }
}

const storeByte = (seed: number, i: number): number => (seed + i * 13) & 0xff;

describe('address-space isolation', () => {
  it('every allowed access reads back what was stored; the first disallowed one faults; other tasks are untouched', () => {
    fc.assert(
      fc.property(
        fc.array(layoutArb, { minLength: 2, maxLength: 4 }),
        fc.nat(3),
        fc.array(planArb, { minLength: 1, maxLength: 60, size: 'max' }),
        (layouts, actor_pick, plans) => {
          const k = makeKernel({ frame_bytes: PAGE_BYTES, frames: 64 });
          const recorder = new FaultRecorder(k);
          const tasks = layouts.map((layout, i) => {
            const task = k.createTask(`t${i}`);
            layout.perms.forEach((p, vpn) => {
              if (p === 'none') return;
              expect(k.allocPages(task, vpn * PAGE_BYTES, 1, p === 'rw')).toBe('OK');
              fillPage(k, task, vpn, Uint8Array.from({ length: PAGE_BYTES }, (_, i) => fillByte(layout.fill_seed, vpn, i)));
            });
            return task;
          });
          const actor_index = actor_pick % tasks.length;
          const actor = tasks[actor_index];
          k.setFaultHandler(actor, recorder.endpoint, HANDLER_BADGE);

          const start = new Map<number, number>();
          const layout = layouts[actor_index];
          const accesses = plans.map((p) => resolve(p, layout.perms));
          layout.perms.forEach((p, vpn) => {
            if (p !== 'none') for (let i = 0; i < PAGE_BYTES; i++) start.set(vpn * PAGE_BYTES + i, fillByte(layout.fill_seed, vpn, i));
          });
          const model = new ByteModel(layout.perms, start);
          const others = tasks.filter((t) => t !== actor).map((t) => ({ task: t, pages: snapshotPages(k, t) }));

          const observed: Outcome[] = [];
          const thread = k.spawnThread(actor, 'main', function* (ctx) {
            for (const a of accesses) {
              const m = ctx.mem;
              switch (a.op) {
                case 'load8':
                  observed.push({ value: m.load8(a.vaddr) });
                  break;
                case 'load16':
                  observed.push({ value: m.load16(a.vaddr) });
                  break;
                case 'load32':
                  observed.push({ value: m.load32(a.vaddr) });
                  break;
                case 'loadBytes':
                  observed.push({ bytes: [...m.loadBytes(a.vaddr, a.len)] });
                  break;
                case 'store8':
                  m.store8(a.vaddr, a.value & 0xff);
                  observed.push({ stored: true });
                  break;
                case 'store16':
                  m.store16(a.vaddr, a.value & 0xffff);
                  observed.push({ stored: true });
                  break;
                case 'store32':
                  m.store32(a.vaddr, a.value);
                  observed.push({ stored: true });
                  break;
                case 'storeBytes':
                  m.storeBytes(a.vaddr, Uint8Array.from({ length: a.len }, (_, i) => storeByte(a.value, i)));
                  observed.push({ stored: true });
                  break;
              }
              if (a.then_yield) yield* sys.yieldCpu();
            }
          });

          expect(k.run()).toBe('idle');
          expect(k.panic_reason).toBeNull();
          expect(thread.state).toBe('dead');

          const expected: Outcome[] = [];
          let fault: { kind: ExceptionKind; vaddr: number } | null = null;
          for (const a of accesses) {
            const o = model.apply(a);
            if ('fault' in o) {
              fault = o.fault;
              break;
            }
            expected.push(o);
          }
          expect(observed).toEqual(expected);
          expect(recorder.unexpected).toEqual([]);
          if (fault === null) {
            expect(recorder.records).toEqual([]);
          } else {
            expect(recorder.records).toEqual([
              { badge: HANDLER_BADGE, kind_code: EXCEPTION_KIND_CODES[fault.kind], task_id: actor.id, thread_id: thread.id, vaddr: fault.vaddr, orphan: 0 },
            ]);
          }

          // The actor's own pages hold exactly what the model says.
          for (const [vpn, bytes] of snapshotPages(k, actor)) {
            const want = Uint8Array.from({ length: PAGE_BYTES }, (_, i) => model.bytes.get(vpn * PAGE_BYTES + i) ?? -1);
            expect(bytes).toEqual(want);
          }
          // Nobody else's memory changed.
          for (const o of others) expect(snapshotPages(k, o.task)).toEqual(o.pages);
        },
      ),
      { numRuns: 150 },
    );
  });
});
