// The fs client library: how an operation becomes a call (paths and written text in the request's
// buffer, handles and counts in its words), what a client observes from the reply, and a workload
// generator. A client names the files it opened by slot — "the k-th file I opened" — in its own
// table; a slot whose open failed (or that was never filled) holds 0, which the server answers
// with EBADF.
import { drawInt, type RandomGenerator } from '../../hw/seed.ts';
import type { ClientCallResult } from '../framework/client-task.ts';
import { encodedText, observe, textDecoder, type ClientOp, type EncodedCall, type Observation } from '../framework/module.ts';
import { FS_OPS, MAX_FILE_BYTES, NAME_BYTES_MAX, OPEN_FLAGS, type FsOpName } from './layout.ts';

/** A client's table: the handle its k-th open returned (0 when that open failed). */
export interface FsLocal {
  handles: number[];
}

export function newFsLocal(): FsLocal {
  return { handles: [] };
}

/** The handle a slot names; an unknown slot is 0 (never a handle). */
export function handleOf(local: FsLocal, slot: number): number {
  return local.handles[slot] ?? 0;
}

const PATH_OPS: ReadonlySet<string> = new Set(['unlink', 'stat', 'mkdir', 'readdir']);

// (no closure, spread or text encoding an operation does not use: it runs for every fs call of every trial)
export function encodeFs(op: ClientOp, local: FsLocal): EncodedCall {
  const code = FS_OPS[op.op as FsOpName] ?? 0;
  const args = op.args;
  if (op.op === 'open') return { op: code, words: [(args[0] ?? 0) >>> 0], data: encodedText(op) };
  if (PATH_OPS.has(op.op)) return { op: code, words: [], data: encodedText(op) };
  const words = new Array<number>(Math.max(1, args.length));
  words[0] = handleOf(local, (args[0] ?? 0) >>> 0);
  for (let i = 1; i < args.length; i++) words[i] = args[i] >>> 0;
  return op.op === 'write' ? { op: code, words, data: encodedText(op) } : { op: code, words };
}


/** What the client records; an open's handle goes in its table (0 on failure). */
export function decodeFs(op: ClientOp, reply: ClientCallResult, local: FsLocal): Observation {
  if (op.op === 'open') local.handles.push(reply.status === 'OK' ? reply.words[0] : 0);
  if (reply.status !== 'OK') return observe(reply.status);
  switch (op.op) {
    case 'open':
    case 'write':
    case 'seek':
      return observe('OK', [reply.words[0]]);
    case 'read':
    case 'readdir':
      return observe('OK', [reply.words[0]], textDecoder.decode(reply.data));
    case 'stat':
      // Size and type: which inode a file got is the server's business, not the client's.
      return observe('OK', reply.words.slice(0, 2));
    default:
      return observe('OK');
  }
}

/**
 * `length` operations of client `client`: its own files under /c<client>/ (the directory made
 * first), shared ones under /shared/ that other clients also open, write and unlink; reads,
 * writes, seeks and closes of files it opened; stats, listings, unlinks, mkdirs; and now and
 * then a call that must fail (a name too long, a relative path, bad flags, a seek past the end).
 */
export function fsScript(rng: RandomGenerator, length: number, client: number, isolated = false): ClientOp[] {
  const ops: ClientOp[] = [];
  const home = `/c${client}`;
  const pick = <T>(xs: readonly T[]): T => xs[drawInt(rng, 0, xs.length - 1)];
  const own = [`${home}/f0`, `${home}/f1`, `${home}/f2`, `${home}/d0/g0`];
  const filePath = (): string => (isolated || drawInt(rng, 0, 9) < 7 ? pick(own) : pick(['/shared/s0', '/shared/s1']));
  const dirPath = (): string => pick(isolated ? [home, `${home}/d0`] : [home, `${home}/d0`, '/shared', '/']);
  let opens = 0;
  const slot = (): number => (opens === 0 ? 0 : drawInt(rng, Math.max(0, opens - 4), opens - 1));
  const add = (op: string, args: number[], text?: string): void => {
    ops.push(text === undefined ? { server: 'fs', op, args } : { server: 'fs', op, args, text });
  };
  for (const dir of isolated ? [home, `${home}/d0`] : [home, '/shared', `${home}/d0`]) if (ops.length < length) add('mkdir', [], dir);
  while (ops.length < length) {
    const r = drawInt(rng, 0, 99);
    if (opens === 0 || r < 18) {
      const flags = drawInt(rng, 0, 9) < 9 ? OPEN_FLAGS.create | (drawInt(rng, 0, 6) === 0 ? OPEN_FLAGS.truncate : 0) : 0;
      add('open', [flags], filePath());
      opens++;
    } else if (r < 38) add('write', [slot()], payload(rng, client));
    else if (r < 53) add('read', [slot(), drawInt(rng, 1, 600)]);
    else if (r < 60) add('seek', [slot(), drawInt(rng, 0, 19) === 0 ? MAX_FILE_BYTES + drawInt(rng, 0, 1) : drawInt(rng, 0, 1000)]);
    else if (r < 66) add('close', [slot()]);
    else if (r < 76) add('stat', [], drawInt(rng, 0, 3) === 0 ? dirPath() : filePath());
    else if (r < 83) add('readdir', [], dirPath());
    else if (r < 88) add('unlink', [], drawInt(rng, 0, 5) === 0 ? pick(isolated ? [`${home}/d0`] : [`${home}/d0`, '/shared']) : filePath());
    else if (r < 94) add('mkdir', [], pick(isolated ? [`${home}/d0`, `${home}/d1`] : [`${home}/d0`, `${home}/d1`, '/shared/sd']));
    else {
      const op = failing(rng, home, opens);
      ops.push(op);
      if (op.op === 'open') opens++;
    }
  }
  return ops;
}

/** Small text, now and then long enough to cross a block boundary. */
function payload(rng: RandomGenerator, client: number): string {
  const unit = `c${client}:${drawInt(rng, 0, 999)}|`;
  const times = drawInt(rng, 0, 9) === 0 ? drawInt(rng, 20, 120) : drawInt(rng, 1, 4);
  return unit.repeat(times);
}

function failing(rng: RandomGenerator, home: string, opens: number): ClientOp {
  switch (drawInt(rng, 0, 3)) {
    case 0:
      return { server: 'fs', op: 'open', args: [OPEN_FLAGS.create], text: `${home}/${'n'.repeat(NAME_BYTES_MAX + 1)}` };
    case 1:
      return { server: 'fs', op: 'stat', args: [], text: 'shared/s0' };
    case 2:
      return { server: 'fs', op: 'open', args: [4], text: `${home}/f0` };
    default:
      return { server: 'fs', op: 'read', args: [opens + 3, 10] };
  }
}
