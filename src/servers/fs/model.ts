// The fs reference model: an in-memory file system with the server's semantics and limits —
// lowest-free inode numbers with generations, lowest-free handles, directories as slot arrays that
// grow by a block of entries and never shrink, data blocks counted per file, and the same order
// of checks, so that ENOSPC, EMFILE and every other status come at the same points.
import { observe, textDecoder, textEncoder, type ClientOp, type Observation, type ReferenceModel } from '../framework/module.ts';
import type { ServerStatus } from '../framework/status.ts';
import { handleOf, newFsLocal, type FsLocal } from './client.ts';
import { BLOCK_BYTES, DATA_BLOCKS, DIR_ENTRIES_MAX, DIRECT_BLOCKS, DIRENT_BYTES, DIRENTS_PER_BLOCK, FILE_TYPE, INODES, MAX_FILE_BYTES, NAME_BYTES_MAX, OPEN_FILES_MAX, OPEN_FLAGS, OPEN_FLAGS_ALL, PATH_BYTES_MAX, ROOT_INODE } from './layout.ts';

type Fail = Exclude<ServerStatus, 'OK'>;

class ModelError extends Error {
  constructor(readonly status: Fail) {
    super(status);
  }
}

function must(ok: boolean, status: Fail): asserts ok {
  if (!ok) throw new ModelError(status);
}

interface ModelFile {
  kind: 'file';
  data: Uint8Array;
  /** which of the direct blocks are allocated */
  blocks: boolean[];
}

interface ModelDir {
  kind: 'dir';
  /** length = blocks × DIRENTS_PER_BLOCK; null is a free entry */
  entries: ({ name: string; ino: number } | null)[];
}

type ModelNode = ModelFile | ModelDir;

interface ModelOpen {
  ino: number;
  generation: number;
  offset: number;
}

export class FsModel implements ReferenceModel {
  private readonly nodes: (ModelNode | null)[] = new Array<ModelNode | null>(INODES).fill(null);
  private readonly generations: number[] = new Array<number>(INODES).fill(0);
  private free_blocks = DATA_BLOCKS;
  private readonly tables: (ModelOpen | null)[][];
  private readonly locals: FsLocal[];

  constructor(clients: number) {
    this.nodes[ROOT_INODE] = { kind: 'dir', entries: [] };
    this.generations[ROOT_INODE] = 1;
    this.tables = Array.from({ length: clients }, () => new Array<ModelOpen | null>(OPEN_FILES_MAX).fill(null));
    this.locals = Array.from({ length: clients }, () => newFsLocal());
  }

  apply(client: number, op: ClientOp): Observation {
    const local = this.locals[client];
    const handle = handleOf(local, (op.args[0] ?? 0) >>> 0);
    let result: Observation;
    try {
      result = this.run(client, op, handle);
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      result = observe(e.status);
    }
    if (op.op === 'open') local.handles.push(result.status === 'OK' ? result.value[0] : 0);
    return result;
  }

  private run(client: number, op: ClientOp, handle: number): Observation {
    const text = textEncoder.encode(op.text ?? '');
    const arg = (i: number): number => (op.args[i] ?? 0) >>> 0;
    switch (op.op) {
      case 'open':
        return this.open(client, arg(0), text);
      case 'read':
        return this.read(client, handle, arg(1));
      case 'write':
        return this.write(client, handle, text);
      case 'seek':
        return this.seek(client, handle, arg(1));
      case 'close':
        must(handle >= 1 && handle <= OPEN_FILES_MAX && this.tables[client][handle - 1] !== null, 'EBADF');
        this.tables[client][handle - 1] = null;
        return observe('OK');
      case 'unlink':
        return this.unlink(text);
      case 'stat':
        return this.stat(text);
      case 'mkdir':
        return this.mkdir(text);
      case 'readdir':
        return this.readdir(text);
      default:
        return observe('ENOSYS');
    }
  }

  private open(client: number, flags: number, path: Uint8Array): Observation {
    must((flags & ~OPEN_FLAGS_ALL) === 0, 'EINVAL');
    const parts = parsePath(path);
    must(parts.length > 0, 'EISDIR');
    const table = this.tables[client];
    const slot = table.indexOf(null);
    must(slot >= 0, 'EMFILE');
    const dir = this.parentOf(parts);
    const name = parts[parts.length - 1];
    let ino = this.lookup(dir, name);
    if (ino === 0) {
      must((flags & OPEN_FLAGS.create) !== 0, 'ENOENT');
      ino = this.create(dir, name, { kind: 'file', data: new Uint8Array(0), blocks: new Array<boolean>(DIRECT_BLOCKS).fill(false) });
    } else {
      const node = this.node(ino);
      must(node.kind === 'file', 'EISDIR');
      if ((flags & OPEN_FLAGS.truncate) !== 0) this.truncate(node);
    }
    table[slot] = { ino, generation: this.generations[ino], offset: 0 };
    return observe('OK', [slot + 1]);
  }

  private fileOf(client: number, handle: number): { open: ModelOpen; file: ModelFile } {
    const open = handle >= 1 && handle <= OPEN_FILES_MAX ? this.tables[client][handle - 1] : null;
    must(open !== null, 'EBADF');
    const node = this.nodes[open.ino];
    must(node !== null && node.kind === 'file' && this.generations[open.ino] === open.generation, 'EBADF');
    return { open, file: node };
  }

  private read(client: number, handle: number, count: number): Observation {
    const { open, file } = this.fileOf(client, handle);
    must(count <= MAX_FILE_BYTES, 'EINVAL');
    const n = Math.max(0, Math.min(count, file.data.length - open.offset));
    const bytes = file.data.slice(open.offset, open.offset + n);
    open.offset += n;
    return observe('OK', [n], textDecoder.decode(bytes));
  }

  private write(client: number, handle: number, bytes: Uint8Array): Observation {
    const { open, file } = this.fileOf(client, handle);
    if (bytes.length === 0) return observe('OK', [0]);
    const end = open.offset + bytes.length;
    must(end <= MAX_FILE_BYTES, 'ENOSPC');
    const touched: number[] = [];
    for (let b = Math.floor(open.offset / BLOCK_BYTES); b <= Math.floor((end - 1) / BLOCK_BYTES); b++) if (!file.blocks[b]) touched.push(b);
    must(touched.length <= this.free_blocks, 'ENOSPC');
    for (const b of touched) file.blocks[b] = true;
    this.free_blocks -= touched.length;
    if (end > file.data.length) {
      const grown = new Uint8Array(end);
      grown.set(file.data);
      file.data = grown;
    }
    file.data.set(bytes, open.offset);
    open.offset = end;
    return observe('OK', [bytes.length]);
  }

  private seek(client: number, handle: number, offset: number): Observation {
    const { open } = this.fileOf(client, handle);
    must(offset <= MAX_FILE_BYTES, 'EINVAL');
    open.offset = offset;
    return observe('OK', [offset]);
  }

  private unlink(path: Uint8Array): Observation {
    const parts = parsePath(path);
    must(parts.length > 0, 'EINVAL');
    const dir = this.parentOf(parts);
    const name = parts[parts.length - 1];
    const ino = this.lookup(dir, name);
    must(ino !== 0, 'ENOENT');
    const node = this.node(ino);
    if (node.kind === 'dir') must(node.entries.every((e) => e === null), 'ENOTEMPTY');
    dir.entries[dir.entries.findIndex((e) => e !== null && e.name === name)] = null;
    this.free_blocks += node.kind === 'file' ? node.blocks.filter((b) => b).length : node.entries.length / DIRENTS_PER_BLOCK;
    this.nodes[ino] = null;
    return observe('OK');
  }

  private stat(path: Uint8Array): Observation {
    const ino = this.resolve(parsePath(path));
    const node = this.node(ino);
    return node.kind === 'file' ? observe('OK', [node.data.length, FILE_TYPE.file]) : observe('OK', [node.entries.length * DIRENT_BYTES, FILE_TYPE.dir]);
  }

  private mkdir(path: Uint8Array): Observation {
    const parts = parsePath(path);
    must(parts.length > 0, 'EEXIST');
    const dir = this.parentOf(parts);
    const name = parts[parts.length - 1];
    must(this.lookup(dir, name) === 0, 'EEXIST');
    this.create(dir, name, { kind: 'dir', entries: [] });
    return observe('OK');
  }

  private readdir(path: Uint8Array): Observation {
    const node = this.node(this.resolve(parsePath(path)));
    must(node.kind === 'dir', 'ENOTDIR');
    const names = node.entries.flatMap((e) => (e === null ? [] : [e.name]));
    return observe('OK', [names.length], names.join('\n'));
  }

  // ---- the tree ----

  private node(ino: number): ModelNode {
    const node = this.nodes[ino];
    if (node === null) throw new Error(`fs model invariant: inode ${ino} is named but free`);
    return node;
  }

  private lookup(dir: ModelDir, name: string): number {
    return dir.entries.find((e) => e !== null && e.name === name)?.ino ?? 0;
  }

  private resolve(parts: readonly string[]): number {
    let ino = ROOT_INODE;
    for (const part of parts) {
      const node = this.node(ino);
      must(node.kind === 'dir', 'ENOTDIR');
      ino = this.lookup(node, part);
      must(ino !== 0, 'ENOENT');
    }
    return ino;
  }

  private parentOf(parts: readonly string[]): ModelDir {
    const node = this.node(this.resolve(parts.slice(0, -1)));
    must(node.kind === 'dir', 'ENOTDIR');
    return node;
  }

  /** A new inode named `name` in `dir`: an entry's place (maybe a new block) and an inode, or ENOSPC. */
  private create(dir: ModelDir, name: string, node: ModelNode): number {
    const free = dir.entries.indexOf(null);
    const grows = free < 0;
    must(!grows || dir.entries.length < DIR_ENTRIES_MAX, 'ENOSPC');
    must(!grows || this.free_blocks > 0, 'ENOSPC');
    const ino = this.nodes.indexOf(null, ROOT_INODE + 1);
    must(ino > 0, 'ENOSPC');
    if (grows) {
      this.free_blocks--;
      dir.entries.push(...new Array<null>(DIRENTS_PER_BLOCK).fill(null));
    }
    dir.entries[grows ? dir.entries.length - DIRENTS_PER_BLOCK : free] = { name, ino };
    this.nodes[ino] = node;
    this.generations[ino] = (this.generations[ino] + 1) >>> 0;
    return ino;
  }

  private truncate(file: ModelFile): void {
    this.free_blocks += file.blocks.filter((b) => b).length;
    file.blocks.fill(false);
    file.data = new Uint8Array(0);
  }
}

const SLASH = 0x2f;

/** The server's path rules (path.ts), on bytes, giving names as strings. */
function parsePath(bytes: Uint8Array): string[] {
  must(bytes.length > 0 && bytes[0] === SLASH, 'EINVAL');
  must(bytes.length <= PATH_BYTES_MAX, 'ENAMETOOLONG');
  const names: string[] = [];
  for (const part of splitBytes(bytes.subarray(1))) {
    must(!part.includes(0), 'EINVAL');
    const name = textDecoder.decode(part);
    must(name !== '.' && name !== '..', 'EINVAL');
    must(part.length <= NAME_BYTES_MAX, 'ENAMETOOLONG');
    names.push(name);
  }
  return names;
}

function splitBytes(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== SLASH) continue;
    if (i > start) out.push(bytes.subarray(start, i));
    start = i + 1;
  }
  return out;
}
