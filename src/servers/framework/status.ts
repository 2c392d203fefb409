// What a server answers: a status in the reply's label (0 is OK), and what a client records. A
// kernel error on the call itself (the server died while serving it, the endpoint is gone) is
// recorded under the kernel's name, so that a client's record says exactly what it saw.
import type { Errno } from '../../kernel/errors.ts';

export const STATUSES = ['OK', 'EBADF', 'ENOENT', 'EEXIST', 'ENOSPC', 'EINVAL', 'ESTALE', 'EIO', 'EAGAIN', 'ENOTDIR', 'EISDIR', 'ENOTEMPTY', 'EMFILE', 'ENAMETOOLONG', 'EADDRINUSE', 'ENOTCONN', 'ENOSYS'] as const;
export type ServerStatus = (typeof STATUSES)[number];

/** A client's view of one call: the server's status, or the kernel's error for the call. */
export type CallStatus = ServerStatus | Exclude<Errno, 'OK'>;

export function statusCode(status: ServerStatus): number {
  return STATUSES.indexOf(status);
}

export function statusOfCode(code: number): ServerStatus {
  return STATUSES[code] ?? 'EIO';
}

/** Statuses that mean "your session/handle is gone" — what a restart without SSRs causes. */
export const STALE_STATUSES: ReadonlySet<CallStatus> = new Set<CallStatus>(['EBADF', 'ESTALE', 'ENOTCONN']);
