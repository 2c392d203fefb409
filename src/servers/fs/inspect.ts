// fs's inspector, for the end-state oracle: the disk image through the file system's own check
// (fsck.ts) — its problems and its tree — and each client's open-file table, each handle shown by
// the file it reaches (its path; null when the inode was freed or reused since: a stale handle),
// never by inode number or generation, which depend on how clients' creations interleaved. For the
// same reason the tree is listed by path, not in walk order: the order of a shared directory's
// entries is the order in which clients created them (a retried request comes later). The
// heap holds only scratch buffers (nothing outlives a request), so it is not part of the end state.
import { decodeClients, type EndValue, type ServerInspector } from '../framework/inspector.ts';
import { OPEN_FILES_MAX, SLOT, SLOT_BYTES } from './layout.ts';
import { fsck, type FsckReport } from './fsck.ts';

/** The open files of a table, by handle; a free slot that is not all zero shows as garbage. */
function openFilesOf(state: DataView, named: FsckReport['named']): EndValue {
  const out: EndValue[] = [];
  for (let h = 1; h <= OPEN_FILES_MAX; h++) {
    const at = (h - 1) * SLOT_BYTES;
    const word = (o: number) => state.getUint32(at + o, true);
    if (state.getUint16(at + SLOT.in_use, true) === 1) {
      const file = named.get(word(SLOT.inode));
      const path = file !== undefined && file.generation === word(SLOT.generation) ? file.path : null;
      out.push({ handle: h, flags: state.getUint16(at + SLOT.flags, true), path, offset: word(SLOT.offset) });
    } else if ([0, 4, 8, 12].some((o) => word(o) !== 0)) {
      out.push({ handle: h, garbage: true });
    }
  }
  return out;
}

export const fsInspector: ServerInspector = (view) => {
  const report = fsck(view.machine.disk.data);
  return {
    clients: decodeClients(view, (state) => openFilesOf(state, report.named)),
    global: { formatted: report.formatted, tree: [...report.tree].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)), problems: report.problems },
  };
};
