// What a system call hands back to a thread: one constructor, so that every field has a value
// (OK, no words, no badge) unless the call says otherwise.
import { badge, type SysResult } from './objects.ts';

export const NO_RESULT: SysResult = Object.freeze({ err: 'OK', kind: 'none', badge: badge(0), label: 0, words: [], buf_len: 0, value: 0 }) as SysResult;

export function result(fields: Partial<SysResult>): SysResult {
  return { err: 'OK', kind: 'none', badge: badge(0), label: 0, words: [], buf_len: 0, value: 0, ...fields };
}
