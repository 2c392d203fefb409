// The error codes a system call returns. A system call never throws into the thread and never
// leaves the kernel half-changed: its arguments are decoded and checked first, and any problem is
// one of these codes, returned before anything changes (seL4's decode-then-invoke).

export const ERRNOS = [
  'OK',
  'EINVAL', // a malformed argument (not an integer, negative length, too many words, …)
  'ERANGE', // a capability slot index outside the capability space
  'ENOCAP', // an empty slot, or a slot holding a capability of the wrong kind
  'EPERM', // the capability lacks the right the operation needs
  'EFAULT', // a buffer that is not mapped (or not writable) in the caller's address space
  'EMSGSIZE', // a buffer larger than the receiver's buffer or than the limit
  'EDEAD', // the endpoint was destroyed, or the partner is gone
  'ETIMEDOUT', // the timeout passed before the operation completed
  'EABORTED', // the server died while handling this call
  'EAGAIN', // nothing to receive right now (a poll), or a queue is full
  'ENOMEM', // no physical frame left
  'EBUSY', // the destination page is already mapped
  'ELIMIT', // a bound of limits.ts was reached (a call retried as often as it may be)
] as const;

export type Errno = (typeof ERRNOS)[number];
