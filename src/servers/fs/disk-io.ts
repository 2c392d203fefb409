// Block I/O for the file system: every block moves between the disk driver and one of the fs
// heap's scratch buffers, through `env.callDep('disk', …)`. There is no cache: a write reaches the
// disk before the request that made it is answered (write-through), so a restart loses nothing.
//
// A failure anywhere below an operation is thrown as an `FsError` carrying the status the client
// gets; `handle` catches only that class (a simulated fault is never caught).
import type { VirtAddr } from '../../hw/types.ts';
import type { Sys } from '../../kernel/sys.ts';
import type { ServerEnv, ServerReply } from '../framework/define.ts';
import type { ServerStatus } from '../framework/status.ts';
import { DISK_OPS } from '../disk/disk.ts';
import { BLOCK_BYTES } from './layout.ts';

export class FsError extends Error {
  readonly status: Exclude<ServerStatus, 'OK'>;
  /** the reply that answers it (frozen: one per status, as the error is) */
  readonly reply: ServerReply;
  constructor(status: Exclude<ServerStatus, 'OK'>) {
    // A status the client gets, thrown many times a trial and always caught: no stack trace to
    // capture (capturing one cost 1.6% of a campaign's CPU), only the status is ever read.
    const stack_frames_max = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`fs: ${status}`);
    Error.stackTraceLimit = stack_frames_max;
    this.status = status;
    this.reply = Object.freeze({ status });
    this.name = 'FsError';
  }
}

/** One FsError per status, made when first thrown: only its status is ever read, so one instance serves every throw. */
const FS_ERRORS = new Map<Exclude<ServerStatus, 'OK'>, FsError>();

/** The FsError of `status`, to throw. */
export function fsError(status: Exclude<ServerStatus, 'OK'>): FsError {
  let e = FS_ERRORS.get(status);
  if (e === undefined) FS_ERRORS.set(status, (e = new FsError(status)));
  return e;
}

/** Throws the status unless `ok`. */
export function check(ok: boolean, status: Exclude<ServerStatus, 'OK'>): asserts ok {
  if (!ok) throw fsError(status);
}

/**
 * A block on its way between the disk driver's reply (or the heap) and the heap (or the request):
 * every use fills it and empties it with no yield between, so one serves every fs of the thread.
 */
const inFlight = new Uint8Array(BLOCK_BYTES);
/** a block of zeros, only ever read */
const ZERO_BLOCK = new Uint8Array(BLOCK_BYTES);
/** a disk request's words, refilled for each call (the system-call stub copies them before it yields) */
const blockWords = [0];

function wordsOf(block: number): number[] {
  blockWords[0] = block;
  return blockWords;
}

/** Reads disk block `block` into the heap buffer at `buf`. */
export function* readBlock(env: ServerEnv, block: number, buf: VirtAddr): Sys<void> {
  const r = yield* env.callDep('disk', DISK_OPS.read, wordsOf(block), undefined, inFlight);
  check(r.status === 'OK' && r.data.length === BLOCK_BYTES, 'EIO');
  env.mem.storeBytes(buf, r.data);
}

/** Writes the heap buffer at `buf` to disk block `block`. */
export function* writeBlock(env: ServerEnv, block: number, buf: VirtAddr): Sys<void> {
  env.mem.loadBytesInto(buf, inFlight);
  const r = yield* env.callDep('disk', DISK_OPS.write, wordsOf(block), inFlight);
  check(r.status === 'OK', 'EIO');
}

export function zeroBuffer(env: ServerEnv, buf: VirtAddr): void {
  env.mem.storeBytes(buf, ZERO_BLOCK);
}
