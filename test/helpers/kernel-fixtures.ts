// Shared pieces for the kernel tests: a machine and kernel, a fault handler that records what it
// is sent, threads driven step by step from the test, and snapshots of physical frames.
//
// A driven thread takes its next instruction from a queue on the test's side; with nothing to do,
// it waits for a notification on a private doorbell endpoint, so that the kernel sees a blocked
// thread (no busy loop, no time passing) until the test pushes the next instruction.
import { expect } from 'vitest';
import { Machine, type MachineConfig } from '../../src/hw/machine.ts';
import { FAULT_LABEL, Kernel, type ThreadCtx, type ThreadOptions } from '../../src/kernel/kernel.ts';
import { notifyEndpoint } from '../../src/kernel/ipc.ts';
import type { CapSlot, Endpoint, SysResult, Task, Thread } from '../../src/kernel/objects.ts';
import * as sys from '../../src/kernel/sys.ts';

/** A kernel on a small machine (64 frames, 8 disk blocks) unless told otherwise: tests build thousands. */
export function makeKernel(config: MachineConfig = {}): Kernel {
  return new Kernel(new Machine({ frames: 64, disk_blocks: 8, ...config }));
}

/** Runs until no thread is ready (every thread blocked or dead), without moving idle time on. */
export function settle(k: Kernel): void {
  const stop = k.run({ until: () => k.scheduler.readyCount() === 0 });
  expect(k.panic_reason).toBeNull();
  expect(stop).toBe('until');
}

/** One fault message as the handler received it: FAULT_LABEL, words [kind code, task, thread, vaddr, orphan]. */
export interface FaultRecord {
  badge: number;
  kind_code: number;
  task_id: number;
  thread_id: number;
  vaddr: number;
  orphan: number;
}

/** A handler task that receives fault messages on its endpoint and records them, in order. */
export class FaultRecorder {
  readonly endpoint: Endpoint;
  readonly task: Task;
  readonly records: FaultRecord[] = [];
  /** anything else that reached the endpoint: a test failure */
  readonly unexpected: SysResult[] = [];

  constructor(k: Kernel, name = 'handler') {
    this.endpoint = k.createEndpoint(`${name}.faults`);
    this.task = k.createTask(name);
    const slot = k.giveCap(this.task, k.endpointCap(this.endpoint, 0, { recv: true }));
    const records = this.records;
    const unexpected = this.unexpected;
    k.spawnThread(this.task, 'main', function* () {
      for (;;) {
        const r = yield* sys.recv(slot);
        if (r.err === 'OK' && r.kind === 'kernel' && r.label === FAULT_LABEL && r.words.length === 5) {
          const [kind_code, task_id, thread_id, vaddr, orphan] = r.words;
          records.push({ badge: r.badge, kind_code, task_id, thread_id, vaddr, orphan });
        } else {
          unexpected.push(r);
        }
      }
    });
  }
}

export type Instruction = (ctx: ThreadCtx) => sys.Sys<void>;

/** A thread whose program is pushed to it one instruction at a time by the test. */
export class DrivenThread {
  private queue: Instruction[] = [];
  private readonly bell: Endpoint;
  private readonly bell_slot: CapSlot;
  thread: Thread;

  constructor(
    private readonly k: Kernel,
    readonly task: Task,
    private readonly name: string,
    private readonly opts: ThreadOptions = {},
  ) {
    this.bell = k.createEndpoint(`${task.name}.${name}.bell`);
    this.bell_slot = k.giveCap(task, k.endpointCap(this.bell, 0, { recv: true }));
    this.thread = this.spawn();
  }

  /** Queues an instruction and rings the doorbell; `settle` then runs it. */
  push(instruction: Instruction): void {
    this.queue.push(instruction);
    notifyEndpoint(this.k, this.bell, 1);
  }

  /** A fresh thread in the same task on the same doorbell (after the last one was killed). */
  respawn(): void {
    expect(this.thread.state).toBe('dead');
    this.queue = [];
    this.thread = this.spawn();
  }

  private spawn(): Thread {
    const queue = this.queue;
    const bell_slot = this.bell_slot;
    return this.k.spawnThread(
      this.task,
      this.name,
      function* (ctx) {
        for (;;) {
          const next = queue.shift();
          if (next === undefined) yield* sys.recv(bell_slot);
          else yield* next(ctx);
        }
      },
      this.opts,
    );
  }
}

/** A copy of every page a task has mapped, by page number, read from physical memory. */
export function snapshotPages(k: Kernel, task: Task): Map<number, Uint8Array> {
  const memory = k.machine.memory;
  const out = new Map<number, Uint8Array>();
  for (const [vpn, node] of task.as.nodes) {
    const base = memory.frameBase(node.frame);
    out.set(vpn, memory.bytes.slice(base, base + memory.frame_bytes));
  }
  return out;
}

/** Fills a task's page with bytes from the trusted side (a boot loader's job). */
export function fillPage(k: Kernel, task: Task, vpn: number, bytes: Uint8Array): void {
  const node = task.as.nodes.get(vpn);
  if (node === undefined) throw new Error(`fillPage: page ${vpn} is not mapped in ${task.name}`);
  k.machine.memory.bytes.set(bytes.subarray(0, k.machine.memory.frame_bytes), k.machine.memory.frameBase(node.frame));
}
