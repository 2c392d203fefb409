// The messages the framework sends for clients and servers: a label, words, and the bytes at a
// buffer address when there are any. Every request and reply of a run goes through here, so a
// sender keeps one `Outbox` per buffer and refills it for each send: the system-call stub copies
// a message's fields before the call yields (src/kernel/syscall-args.ts), so the next send may
// change it.
import type { Message } from '../../kernel/objects.ts';
import type { VirtAddr } from '../../hw/types.ts';

/** The words of a message that has none (never changed: the kernel copies what it is given). */
export const NO_WORDS: number[] = [];

/** One sender's message for the buffer at `vaddr`, refilled for each send (two shapes: with and without bytes). */
export class Outbox {
  readonly #plain: Message = { label: 0, words: NO_WORDS };
  readonly #with_buf: Message & { buf: { vaddr: VirtAddr; len: number } };

  constructor(vaddr: VirtAddr) {
    this.#with_buf = { label: 0, words: NO_WORDS, buf: { vaddr, len: 0 } };
  }

  /** The message of `label` and `words` whose `len` bytes, if any, are at the buffer: valid until the next `of`. */
  of(label: number, words: number[], len: number): Message {
    if (len <= 0) {
      const m = this.#plain;
      m.label = label;
      m.words = words;
      return m;
    }
    const m = this.#with_buf;
    m.label = label;
    m.words = words;
    m.buf.len = len;
    return m;
  }
}
