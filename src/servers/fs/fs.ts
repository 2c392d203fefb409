// fs: a file system server over the disk driver. Its global state is on disk (superblock,
// bitmaps, inodes, directories, data; written through before each reply) and its heap is only
// scratch, so `init` (mount, mkfs on a blank disk) rebuilds everything it needs. Its client state
// is each client's open-file table (handles.ts): lost by a MINIX-3-style restart, kept by curios.
//
// Each operation checks its arguments and the names it is given before it changes anything, so
// an error leaves the disk and the table as they were.
import type { Sys } from '../../kernel/sys.ts';
import { defineServer, type ServerEnv, type ServerReply, type ServerRequest } from '../framework/define.ts';
import { FsError, check } from './disk-io.ts';
import { createIn, isEmpty, listNames, lookup, removeEntry } from './dir.ts';
import { readData, writeData } from './file-data.ts';
import { closeHandle, freeHandle, openFile, setOffset, storeOpenFile, validateOpenFiles, type OpenFile } from './handles.ts';
import { freeInode, readInode, truncateInode, type Inode } from './inode.ts';
import { FILE_TYPE, FS_OPS, FS_SITES, HEAP_PAGES, INODES, MAX_FILE_BYTES, OPEN_FLAGS, OPEN_FLAGS_ALL, ROOT_INODE, STATE_BYTES } from './layout.ts';
import { mount } from './mount.ts';
import { parsePath, resolve, resolveParent } from './path.ts';

type Op = (env: ServerEnv, req: ServerRequest) => Sys<ServerReply>;

const NEWLINE = new Uint8Array([0x0a]);

function* open(env: ServerEnv, req: ServerRequest): Sys<ServerReply> {
  const flags = req.words[0] ?? 0;
  check((flags & ~OPEN_FLAGS_ALL) === 0, 'EINVAL');
  const parts = parsePath(req.data);
  check(parts.length > 0, 'EISDIR');
  const handle = freeHandle(env.mem, req.state);
  check(handle !== 0, 'EMFILE');
  const dir = yield* resolveParent(env, parts);
  const name = parts[parts.length - 1];
  const ino = yield* lookup(env, dir, name);
  let inode: Inode;
  if (ino === 0) {
    check((flags & OPEN_FLAGS.create) !== 0, 'ENOENT');
    inode = yield* createIn(env, dir, name, FILE_TYPE.file);
  } else {
    inode = yield* readInode(env, ino);
    check(inode.type === FILE_TYPE.file, 'EISDIR');
    if ((flags & OPEN_FLAGS.truncate) !== 0) yield* truncateInode(env, inode);
  }
  storeOpenFile(env.mem, req.state, { handle, flags, ino: inode.ino, offset: 0, generation: inode.generation });
  return { status: 'OK', words: [handle] };
}

/** The open file a handle names and its inode: EBADF for a free slot or a file since deleted. */
function* fileOf(env: ServerEnv, req: ServerRequest): Sys<{ file: OpenFile; inode: Inode }> {
  const file = openFile(env.mem, req.state, req.words[0] ?? 0);
  check(file !== null, 'EBADF');
  check(file.ino > ROOT_INODE && file.ino < INODES, 'EBADF');
  const inode = yield* readInode(env, file.ino);
  check(inode.type === FILE_TYPE.file && inode.generation === file.generation, 'EBADF');
  return { file, inode };
}

function* read(env: ServerEnv, req: ServerRequest): Sys<ServerReply> {
  const { file, inode } = yield* fileOf(env, req);
  const count = req.words[1] ?? 0;
  check(count <= MAX_FILE_BYTES, 'EINVAL');
  const data = yield* readData(env, inode, file.offset, count);
  setOffset(env.mem, req.state, file.handle, file.offset + data.length);
  return { status: 'OK', words: [data.length], data };
}

function* write(env: ServerEnv, req: ServerRequest): Sys<ServerReply> {
  const { file, inode } = yield* fileOf(env, req);
  yield* writeData(env, inode, file.offset, req.data);
  setOffset(env.mem, req.state, file.handle, file.offset + req.data.length);
  return { status: 'OK', words: [req.data.length] };
}

function* seek(env: ServerEnv, req: ServerRequest): Sys<ServerReply> {
  const { file } = yield* fileOf(env, req);
  const offset = req.words[1] ?? 0;
  check(offset <= MAX_FILE_BYTES, 'EINVAL');
  setOffset(env.mem, req.state, file.handle, offset);
  return { status: 'OK', words: [offset] };
}

/** Closing a handle to a file since deleted is fine: the slot is freed all the same. */
function* close(env: ServerEnv, req: ServerRequest): Sys<ServerReply> {
  const file = openFile(env.mem, req.state, req.words[0] ?? 0);
  check(file !== null, 'EBADF');
  closeHandle(env.mem, req.state, file.handle);
  return { status: 'OK' };
}

/** The entry goes before the inode: a crash between them leaks an inode, never leaves a dangling name. */
function* unlink(env: ServerEnv, req: ServerRequest): Sys<ServerReply> {
  const parts = parsePath(req.data);
  check(parts.length > 0, 'EINVAL');
  const dir = yield* resolveParent(env, parts);
  const name = parts[parts.length - 1];
  const ino = yield* lookup(env, dir, name);
  check(ino !== 0, 'ENOENT');
  const inode = yield* readInode(env, ino);
  if (inode.type === FILE_TYPE.dir) check(yield* isEmpty(env, inode), 'ENOTEMPTY');
  yield* removeEntry(env, dir, name);
  yield* freeInode(env, inode);
  return { status: 'OK' };
}

function* stat(env: ServerEnv, req: ServerRequest): Sys<ServerReply> {
  const inode = yield* resolve(env, parsePath(req.data));
  return { status: 'OK', words: [inode.size, inode.type, inode.ino] };
}

function* mkdir(env: ServerEnv, req: ServerRequest): Sys<ServerReply> {
  const parts = parsePath(req.data);
  check(parts.length > 0, 'EEXIST');
  const dir = yield* resolveParent(env, parts);
  const name = parts[parts.length - 1];
  check((yield* lookup(env, dir, name)) === 0, 'EEXIST');
  yield* createIn(env, dir, name, FILE_TYPE.dir);
  return { status: 'OK' };
}

/** The names in entry order, '\n'-joined. */
function* readdir(env: ServerEnv, req: ServerRequest): Sys<ServerReply> {
  const inode = yield* resolve(env, parsePath(req.data));
  check(inode.type === FILE_TYPE.dir, 'ENOTDIR');
  const names = yield* listNames(env, inode);
  const parts = names.flatMap((n, i) => (i === 0 ? [n] : [NEWLINE, n]));
  const data = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.length;
  }
  return { status: 'OK', words: [names.length], data };
}

const OPS: ReadonlyMap<number, Op> = new Map<number, Op>([
  [FS_OPS.open, open],
  [FS_OPS.read, read],
  [FS_OPS.write, write],
  [FS_OPS.seek, seek],
  [FS_OPS.close, close],
  [FS_OPS.unlink, unlink],
  [FS_OPS.stat, stat],
  [FS_OPS.mkdir, mkdir],
  [FS_OPS.readdir, readdir],
]);

export const fsServer = defineServer({
  name: 'fs',
  kind: 'per-client',
  state_bytes: STATE_BYTES,
  heap_pages: HEAP_PAGES,
  deps: ['disk'],
  // Paths and written bytes are used while the request is handled, never kept.
  borrows_request_data: true,
  sites: Object.values(FS_SITES),
  *init(env) {
    yield* mount(env);
  },
  *handle(env, req): Sys<ServerReply> {
    const op = OPS.get(req.op);
    if (op === undefined) return { status: 'ENOSYS' };
    if (req.state === 0) return { status: 'EINVAL' };
    try {
      return yield* op(env, req);
    } catch (e) {
      if (e instanceof FsError) return e.reply;
      throw e;
    }
  },
  validate: validateOpenFiles,
});
