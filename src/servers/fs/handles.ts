// A client's open-file table, at `req.state` (layout in layout.ts: OPEN_FILES_MAX slots of
// SLOT_BYTES). This is the state a restart without SSRs loses — an old handle is then EBADF — and
// the state curios keeps. A handle names a slot (h = slot + 1); 0 is never a handle.
import type { VirtAddr } from '../../hw/types.ts';
import type { Mem } from '../../kernel/memory-view.ts';
import { INODES, MAX_FILE_BYTES, OPEN_FLAGS_ALL, OPEN_FILES_MAX, ROOT_INODE, SLOT, SLOT_BYTES, STATE_BYTES } from './layout.ts';

export interface OpenFile {
  handle: number;
  flags: number;
  ino: number;
  offset: number;
  generation: number;
}

function slotAddr(state: VirtAddr, handle: number): VirtAddr {
  return state + (handle - 1) * SLOT_BYTES;
}

function isHandle(handle: number): boolean {
  return Number.isInteger(handle) && handle >= 1 && handle <= OPEN_FILES_MAX;
}

/** The open file a handle names, or null (not a handle, or a free slot). */
export function openFile(mem: Mem, state: VirtAddr, handle: number): OpenFile | null {
  if (!isHandle(handle)) return null;
  const at = slotAddr(state, handle);
  if (mem.load16(at + SLOT.in_use) !== 1) return null;
  return { handle, flags: mem.load16(at + SLOT.flags), ino: mem.load32(at + SLOT.inode), offset: mem.load32(at + SLOT.offset), generation: mem.load32(at + SLOT.generation) };
}

/** The lowest free handle, or 0 when the table is full. */
export function freeHandle(mem: Mem, state: VirtAddr): number {
  for (let h = 1; h <= OPEN_FILES_MAX; h++) if (mem.load16(slotAddr(state, h) + SLOT.in_use) === 0) return h;
  return 0;
}

export function storeOpenFile(mem: Mem, state: VirtAddr, f: OpenFile): void {
  const at = slotAddr(state, f.handle);
  mem.store16(at + SLOT.in_use, 1);
  mem.store16(at + SLOT.flags, f.flags);
  mem.store32(at + SLOT.inode, f.ino);
  mem.store32(at + SLOT.offset, f.offset);
  mem.store32(at + SLOT.generation, f.generation);
}

export function setOffset(mem: Mem, state: VirtAddr, handle: number, offset: number): void {
  mem.store32(slotAddr(state, handle) + SLOT.offset, offset);
}

export function closeHandle(mem: Mem, state: VirtAddr, handle: number): void {
  mem.storeBytes(slotAddr(state, handle), new Uint8Array(SLOT_BYTES));
}

/**
 * The recovery check of one client's table: an in-use slot names a file inode (not the root),
 * an offset within the maximum file size, known flags and a generation; a free slot is all zero.
 */
export function validateOpenFiles(state: DataView): boolean {
  if (state.byteLength < STATE_BYTES) return false;
  for (let s = 0; s < OPEN_FILES_MAX; s++) {
    const at = s * SLOT_BYTES;
    const inUse = state.getUint16(at + SLOT.in_use, true);
    if (inUse === 0) {
      for (let i = 0; i < SLOT_BYTES; i++) if (state.getUint8(at + i) !== 0) return false;
      continue;
    }
    if (inUse !== 1) return false;
    const ino = state.getUint32(at + SLOT.inode, true);
    if (ino <= ROOT_INODE || ino >= INODES) return false;
    if (state.getUint32(at + SLOT.offset, true) > MAX_FILE_BYTES) return false;
    if ((state.getUint16(at + SLOT.flags, true) & ~OPEN_FLAGS_ALL) !== 0) return false;
    if (state.getUint32(at + SLOT.generation, true) === 0) return false;
  }
  return true;
}
