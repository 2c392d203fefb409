// The system-call library a thread uses: each call is a generator to `yield*`, so that a thread
// reads as straight-line code (`const r = yield* sys.call(slot, msg)`) while the kernel keeps the
// processor between the yield and the answer. Each stub copies its arguments in the thread's own
// time and yields them sealed (syscall-args.ts), the fast path of the kernel's copy-in.
import type { Cycles, VirtAddr } from '../hw/types.ts';
import type { CapSlot, ControlAction, DeviceRequest, Message, RecvBuf, SyscallYield, SysResult } from './objects.ts';
import { SyscallArgs } from './syscall-args.ts';

export type Sys<T = SysResult> = Generator<SyscallYield, T, SysResult>;

export function* call(slot: CapSlot, msg: Message, opts?: { recv_buf?: RecvBuf; timeout_cycles?: Cycles }): Sys {
  return yield SyscallArgs.call(slot, msg, opts);
}

export function* recv(slot: CapSlot, opts?: { recv_buf?: RecvBuf; timeout_cycles?: Cycles }): Sys {
  return yield SyscallArgs.recv(slot, opts);
}

export function* reply(msg: Message): Sys {
  return yield SyscallArgs.reply(msg);
}

export function* replyRecv(msg: Message, slot: CapSlot, opts?: { recv_buf?: RecvBuf; timeout_cycles?: Cycles }): Sys {
  return yield SyscallArgs.replyRecv(msg, slot, opts);
}

export function* notify(slot: CapSlot): Sys {
  return yield SyscallArgs.notify(slot);
}

export function* yieldCpu(): Sys {
  return yield SyscallArgs.simple('yield');
}

/** Burns cycles without making progress (busy work, or a hang). */
export function* spin(cycles: Cycles): Sys {
  return yield SyscallArgs.spin(cycles);
}

export function* now(): Sys<Cycles> {
  return (yield SyscallArgs.simple('now')).value;
}

export function* map(slot: CapSlot, src_vaddr: VirtAddr, dst_vaddr: VirtAddr, pages: number, writable: boolean, grant = false): Sys {
  return yield SyscallArgs.map(slot, src_vaddr, dst_vaddr, pages, writable, grant);
}

export function* unmap(vaddr: VirtAddr, pages: number, self: boolean): Sys {
  return yield SyscallArgs.unmap(vaddr, pages, self);
}

export function* device(slot: CapSlot, req: DeviceRequest): Sys {
  return yield SyscallArgs.device(slot, req);
}

export function* irqBind(device_slot: CapSlot, endpoint_slot: CapSlot): Sys {
  return yield SyscallArgs.irqBind(device_slot, endpoint_slot);
}

export function* control(slot: CapSlot, action: ControlAction): Sys {
  return yield SyscallArgs.control(slot, action);
}

export function* setSched(slot: CapSlot, priority: number, quantum_cycles: Cycles): Sys {
  return yield SyscallArgs.setSched(slot, priority, quantum_cycles);
}

export function* exit(): Sys {
  return yield SyscallArgs.simple('exit');
}
