// The system-call library a thread uses: each call is a generator to `yield*`, so that a thread
// reads as straight-line code (`const r = yield* sys.call(slot, msg)`) while the kernel keeps the
// processor between the yield and the answer.
import type { Cycles, VirtAddr } from '../hw/types.ts';
import type { CapSlot, ControlAction, DeviceRequest, Message, RecvBuf, Syscall, SysResult } from './objects.ts';

export type Sys<T = SysResult> = Generator<Syscall, T, SysResult>;

export function* call(slot: CapSlot, msg: Message, opts: { recv_buf?: RecvBuf; timeout_cycles?: Cycles } = {}): Sys {
  return yield { op: 'call', slot, msg, ...opts };
}

export function* recv(slot: CapSlot, opts: { recv_buf?: RecvBuf; timeout_cycles?: Cycles } = {}): Sys {
  return yield { op: 'recv', slot, ...opts };
}

export function* reply(msg: Message): Sys {
  return yield { op: 'reply', msg };
}

export function* replyRecv(msg: Message, slot: CapSlot, opts: { recv_buf?: RecvBuf; timeout_cycles?: Cycles } = {}): Sys {
  return yield { op: 'replyRecv', msg, slot, ...opts };
}

export function* notify(slot: CapSlot): Sys {
  return yield { op: 'notify', slot };
}

export function* yieldCpu(): Sys {
  return yield { op: 'yield' };
}

/** Burns cycles without making progress (busy work, or a hang). */
export function* spin(cycles: Cycles): Sys {
  return yield { op: 'spin', cycles };
}

export function* now(): Sys<Cycles> {
  return (yield { op: 'now' }).value;
}

export function* map(slot: CapSlot, src_vaddr: VirtAddr, dst_vaddr: VirtAddr, pages: number, writable: boolean, grant = false): Sys {
  return yield { op: 'map', slot, src_vaddr, dst_vaddr, pages, writable, grant };
}

export function* unmap(vaddr: VirtAddr, pages: number, self: boolean): Sys {
  return yield { op: 'unmap', vaddr, pages, self };
}

export function* device(slot: CapSlot, req: DeviceRequest): Sys {
  return yield { op: 'device', slot, req };
}

export function* irqBind(device_slot: CapSlot, endpoint_slot: CapSlot): Sys {
  return yield { op: 'irqBind', device_slot, endpoint_slot };
}

export function* control(slot: CapSlot, action: ControlAction): Sys {
  return yield { op: 'control', slot, action };
}

export function* setSched(slot: CapSlot, priority: number, quantum_cycles: Cycles): Sys {
  return yield { op: 'setSched', slot, priority, quantum_cycles };
}

export function* exit(): Sys {
  return yield { op: 'exit' };
}
