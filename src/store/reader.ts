// Reading the database without its lock: `curios seeds list|show|export` and `curios replay` see
// the last committed file while a campaign is writing. The writer replaces the file by an atomic
// rename, so a reader reads either the previous version or the next, never half of one. A reader
// never creates anything: a database whose directory does not exist is an error (a typo in --db
// should not look like an empty store), a missing file in an existing directory is an empty one.
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AtomicJsonFile } from './atomicJsonFile.ts';
import { decodeDb } from './decode.ts';
import { StoreError } from './errors.ts';
import { findSeed } from './find-seed.ts';
import { emptyDb, type CampaignRecord, type DbData, type ExplorationRecord, type SeedRecord } from './records.ts';

export interface StoreSnapshot {
  readonly path: string;
  /** Every seed, oldest first. */
  listSeeds(): SeedRecord[];
  /** The one seed whose id starts with `idOrPrefix`. */
  getSeed(idOrPrefix: string): SeedRecord;
  /** Every campaign, oldest first. */
  listCampaigns(): CampaignRecord[];
  /** Every exploration, oldest first. */
  listExplorations(): ExplorationRecord[];
}

export function readStore(path: string): StoreSnapshot {
  const dbPath = resolve(path);
  const dir = dirname(dbPath);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new StoreError(`no curios database at ${dbPath}: the directory ${dir} does not exist (check --db or $CURIOS_DB)`);
  }
  const data: DbData = new AtomicJsonFile(dbPath, decodeDb).read() ?? emptyDb();
  return {
    path: dbPath,
    listSeeds: () => structuredClone(data.seeds),
    getSeed: (idOrPrefix) => structuredClone(findSeed(data.seeds, idOrPrefix, dbPath)),
    listCampaigns: () => structuredClone(data.campaigns),
    listExplorations: () => structuredClone(data.explorations),
  };
}
