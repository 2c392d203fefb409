// What a system call hands back to a thread: one constructor, so that every field has a value
// (OK, no words, no badge) unless the call says otherwise.
import { badge, type Badge, type SysResult } from './objects.ts';

export const NO_RESULT: SysResult = Object.freeze({ err: 'OK', kind: 'none', badge: badge(0), label: 0, words: [], buf_len: 0, value: 0 }) as SysResult;

/** A message handed to a thread (a call, a kernel message, a reply): every field written out, one shape. */
export function messageResult(kind: 'call' | 'kernel' | 'reply', b: Badge, label: number, words: number[], buf_len: number): SysResult {
  return { err: 'OK', kind, badge: b, label, words, buf_len, value: 0 };
}

export function result(fields: Partial<SysResult>): SysResult {
  // Field by field rather than a spread: every result has one shape, and this runs on every call.
  return {
    err: fields.err ?? 'OK',
    kind: fields.kind ?? 'none',
    badge: fields.badge ?? badge(0),
    label: fields.label ?? 0,
    words: fields.words ?? [],
    buf_len: fields.buf_len ?? 0,
    value: fields.value ?? 0,
  };
}
