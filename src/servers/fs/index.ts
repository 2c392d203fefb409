// The fs server module: the server (fs.ts), its client library (client.ts) and its reference
// model (model.ts), as one ServerModule for workloads and campaigns.
import type { ServerModule } from '../framework/module.ts';
import { decodeFs, encodeFs, fsScript, newFsLocal, type FsLocal } from './client.ts';
import { fsServer } from './fs.ts';
import { fsInspector } from './inspect.ts';
import { FS_OPS } from './layout.ts';
import { FsModel } from './model.ts';

export { fsServer } from './fs.ts';
export { FS_OPS, OPEN_FLAGS } from './layout.ts';
export { fsck, type FsckReport } from './fsck.ts';
export type { FsLocal } from './client.ts';

export const fsModule: ServerModule<FsLocal> = {
  def: fsServer,
  ops: Object.keys(FS_OPS),
  newLocal: newFsLocal,
  script: fsScript,
  encode: encodeFs,
  decode: decodeFs,
  model: (clients) => new FsModel(clients),
  inspector: fsInspector,
};
