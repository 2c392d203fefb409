// The simulated machine: clock, cost table, physical memory, MMU and devices, built from one
// configuration. IRQ lines: 0 timer, 1 network interface, 2 disk, 3 console.
import { BlockDevice } from './devices/block.ts';
import { ConsoleDevice } from './devices/console.ts';
import { NetworkInterface } from './devices/nic.ts';
import { TimerDevice } from './devices/timer.ts';
import { Clock } from './clock.ts';
import { makeCostTable, type CostTable } from './cost.ts';
import { InterruptController } from './interrupts.ts';
import { LIMITS } from './limits.ts';
import { PhysicalMemory } from './memory.ts';
import { Mmu } from './mmu.ts';

export const IRQ = { timer: 0, nic: 1, disk: 2, console: 3 } as const;

export interface MachineConfig {
  frame_bytes?: number;
  frames?: number;
  tlb_tagged?: boolean;
  tlb_entries?: number;
  costs?: Partial<CostTable>;
  disk_blocks?: number;
}

export class Machine {
  readonly clock = new Clock();
  readonly costs: CostTable;
  readonly memory: PhysicalMemory;
  readonly mmu: Mmu;
  readonly irqs = new InterruptController();
  readonly timer: TimerDevice;
  readonly disk: BlockDevice;
  readonly console = new ConsoleDevice();
  readonly nic: NetworkInterface;

  constructor(config: MachineConfig = {}) {
    this.costs = makeCostTable(config.costs);
    this.memory = new PhysicalMemory(config.frame_bytes ?? LIMITS.frame_bytes_default, config.frames ?? LIMITS.frames_default);
    this.mmu = new Mmu(this.memory.frame_bytes, this.clock, this.costs, {
      tagged: config.tlb_tagged ?? true,
      entries: config.tlb_entries ?? LIMITS.tlb_entries,
    });
    this.timer = new TimerDevice(IRQ.timer, this.irqs);
    this.disk = new BlockDevice(LIMITS.block_bytes, config.disk_blocks ?? LIMITS.blocks_default);
    this.nic = new NetworkInterface(IRQ.nic, this.irqs);
    NetworkInterface.connect(this.nic, this.nic); // loopback until wired to another machine
  }

  /** The earliest cycle at which a device will do something by itself, or null. */
  nextDeviceEvent(): number | null {
    return this.timer.nextEvent();
  }

  pollDevices(): void {
    this.timer.poll(this.clock.now_cycles);
  }

  /** Gives physical memory and the disk back for this thread's next machine; nothing may use this one after. */
  release(): void {
    this.memory.release();
    this.disk.release();
  }
}
