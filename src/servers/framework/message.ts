// The messages the framework sends for clients and servers: a label, words, and the bytes at a
// buffer address when there are any. Built without spreads or temporaries — every request and
// reply of a run goes through here — and safe to share: the kernel copies a message's fields at
// the boundary.
import type { Message } from '../../kernel/objects.ts';
import type { VirtAddr } from '../../hw/types.ts';

/** The words of a message that has none (never changed: the kernel copies what it is given). */
export const NO_WORDS: number[] = [];

/** A message whose `len` bytes, if any, are at `vaddr`. */
export function messageOf(label: number, words: number[], vaddr: VirtAddr, len: number): Message {
  return len > 0 ? { label, words, buf: { vaddr, len } } : { label, words };
}
