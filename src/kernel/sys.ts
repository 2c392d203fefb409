// The system-call library a thread uses: each call is a generator to `yield*`, so that a thread
// reads as straight-line code (`const r = yield* sys.call(slot, msg)`) while the kernel keeps the
// processor between the yield and the answer. Each stub copies its arguments in the thread's own
// time and seals them (syscall-args.ts), the fast path of the kernel's copy-in. The sealed argument
// is itself the stub's iterator — it yields itself once and returns the kernel's answer — so a
// system call costs one object, not a generator and an argument (the `Sys` type it is typed as
// is what a generator function delegating to it would be).
import type { Cycles, VirtAddr } from '../hw/types.ts';
import type { CapSlot, ControlAction, DeviceRequest, Message, RecvBuf, SyscallYield, SysResult } from './objects.ts';
import { SyscallArgs } from './syscall-args.ts';

export type Sys<T = SysResult> = Generator<SyscallYield, T, SysResult>;

/** A sealed argument as the stub's generator: it has a generator's next, return, throw and iterator (syscall-args.ts). */
function stub<T>(args: SyscallArgs): Sys<T> {
  return args as unknown as Sys<T>;
}

export function call(slot: CapSlot, msg: Message, opts?: { recv_buf?: RecvBuf; timeout_cycles?: Cycles }): Sys {
  return stub(SyscallArgs.call(slot, msg, opts));
}

export function recv(slot: CapSlot, opts?: { recv_buf?: RecvBuf; timeout_cycles?: Cycles }): Sys {
  return stub(SyscallArgs.recv(slot, opts));
}

export function reply(msg: Message): Sys {
  return stub(SyscallArgs.reply(msg));
}

export function replyRecv(msg: Message, slot: CapSlot, opts?: { recv_buf?: RecvBuf; timeout_cycles?: Cycles }): Sys {
  return stub(SyscallArgs.replyRecv(msg, slot, opts));
}

export function notify(slot: CapSlot): Sys {
  return stub(SyscallArgs.notify(slot));
}

export function yieldCpu(): Sys {
  return stub(SyscallArgs.simple('yield'));
}

/** Burns cycles without making progress (busy work, or a hang). */
export function spin(cycles: Cycles): Sys {
  return stub(SyscallArgs.spin(cycles));
}

export function now(): Sys<Cycles> {
  return stub(SyscallArgs.now());
}

export function map(slot: CapSlot, src_vaddr: VirtAddr, dst_vaddr: VirtAddr, pages: number, writable: boolean, grant = false): Sys {
  return stub(SyscallArgs.map(slot, src_vaddr, dst_vaddr, pages, writable, grant));
}

export function unmap(vaddr: VirtAddr, pages: number, self: boolean): Sys {
  return stub(SyscallArgs.unmap(vaddr, pages, self));
}

export function device(slot: CapSlot, req: DeviceRequest): Sys {
  return stub(SyscallArgs.device(slot, req));
}

export function irqBind(device_slot: CapSlot, endpoint_slot: CapSlot): Sys {
  return stub(SyscallArgs.irqBind(device_slot, endpoint_slot));
}

export function control(slot: CapSlot, action: ControlAction): Sys {
  return stub(SyscallArgs.control(slot, action));
}

export function setSched(slot: CapSlot, priority: number, quantum_cycles: Cycles): Sys {
  return stub(SyscallArgs.setSched(slot, priority, quantum_cycles));
}

export function exit(): Sys {
  return stub(SyscallArgs.simple('exit'));
}
