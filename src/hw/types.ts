// Names for the numbers the machine and kernel pass around. The brands make a mix-up a type error
// where one would be a bug (a badge used as a slot, a frame number used as an address).

/** Simulated processor cycles. */
export type Cycles = number;
/** A 32-bit virtual address. */
export type VirtAddr = number;
/** The index of a physical frame. */
export type FrameNumber = number & { readonly __brand: 'FrameNumber' };

export const frameNumber = (n: number): FrameNumber => n as FrameNumber;
