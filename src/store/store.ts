// The database of campaigns and crash seeds: lowdb over an atomic, fsynced file, one writer at a
// time. Every change is on disk before its method returns (one write per change), so a process
// killed at any moment loses at most the change it was making. The methods are synchronous:
// no two changes can interleave, and the caller never holds an unwritten change.
// Records go in and come out as copies: a caller cannot change the store by mutating them.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LowSync } from 'lowdb';
import { AtomicJsonFile } from './atomicJsonFile.ts';
import { decodeCampaign, decodeDb, decodeSeed, type Decoded } from './decode.ts';
import { seedId } from './dedup.ts';
import { findSeed } from './find-seed.ts';
import { StoreError } from './errors.ts';
import { STORE_LIMITS } from './limits.ts';
import { acquireLock, type Lock } from './lock.ts';
import {
  emptyDb,
  type CampaignRecord,
  type DbData,
  type ExplorationRecord,
  type NewCampaign,
  type NewSeed,
  type SeedRecord,
} from './records.ts';

export interface AddSeedResult {
  /** The stored seed: the new one, or the one already stored under the same dedupKey. */
  seed: SeedRecord;
  /** False when a seed with this dedupKey was already stored (and nothing was written). */
  added: boolean;
}

/** The record exactly as it will read back from disk, or a StoreError naming what cannot be stored. */
function asStored<T>(record: T, decode: (value: unknown, where: string) => Decoded<T>, what: string): T {
  let text: string;
  try {
    text = JSON.stringify(record);
  } catch (error) {
    throw new StoreError(`the ${what} is not plain JSON: ${String(error)}`, { cause: error });
  }
  const decoded = decode(JSON.parse(text), what);
  if (!decoded.ok) throw new StoreError(`the ${what} cannot be stored: ${decoded.problem}`);
  return decoded.value;
}

class Store {
  readonly path: string;
  // Guarded by #lock: while it is held (non-null), this process is the database's only writer
  // and #db.data is what the file holds.
  #lock: Lock | null;
  readonly #db: LowSync<DbData>;

  constructor(path: string, lock: Lock, db: LowSync<DbData>) {
    this.path = path;
    this.#lock = lock;
    this.#db = db;
  }

  /** Stores a seed unless one with its dedupKey is already stored. */
  addSeed(input: NewSeed): AddSeedResult {
    const data = this.#data();
    const existing = data.seeds.find((seed) => seed.dedupKey === input.dedupKey);
    if (existing !== undefined) return { seed: structuredClone(existing), added: false };
    const seed = asStored(
      { ...input, id: seedId(input.dedupKey), createdAt: new Date().toISOString() },
      decodeSeed,
      'seed',
    );
    const clash = data.seeds.find((stored) => stored.id === seed.id);
    if (clash !== undefined) {
      throw new StoreError(`seed id ${seed.id} is taken by dedupKey ${clash.dedupKey}, not ${seed.dedupKey}`);
    }
    this.#commit({ ...data, seeds: [...data.seeds, seed] });
    return { seed: structuredClone(seed), added: true };
  }

  /** Every seed, oldest first. */
  listSeeds(): SeedRecord[] {
    return structuredClone(this.#data().seeds);
  }

  /** The one seed whose id starts with `idOrPrefix`. */
  getSeed(idOrPrefix: string): SeedRecord {
    return structuredClone(this.#findSeed(idOrPrefix));
  }

  /** Removes the one seed whose id starts with `idOrPrefix`, and returns it. */
  removeSeed(idOrPrefix: string): SeedRecord {
    const data = this.#data();
    const removed = this.#findSeed(idOrPrefix);
    this.#commit({ ...data, seeds: data.seeds.filter((seed) => seed !== removed) });
    return structuredClone(removed);
  }

  addCampaign(input: NewCampaign): CampaignRecord {
    return this.#addRun('campaigns', 'campaign', input);
  }

  /** Every campaign, oldest first. */
  listCampaigns(): CampaignRecord[] {
    return structuredClone(this.#data().campaigns);
  }

  addExploration(input: NewCampaign): ExplorationRecord {
    return this.#addRun('explorations', 'exploration', input);
  }

  /** Every exploration, oldest first. */
  listExplorations(): ExplorationRecord[] {
    return structuredClone(this.#data().explorations);
  }

  /** Releases the lock. The store cannot be used afterwards; closing twice does nothing. */
  close(): void {
    this.#lock?.release();
    this.#lock = null;
  }

  #data(): DbData {
    if (this.#lock === null) throw new StoreError(`the store ${this.path} is closed`);
    return this.#db.data;
  }

  // A run under a fresh random id, in its list.
  #addRun(list: 'campaigns' | 'explorations', what: string, input: NewCampaign): CampaignRecord {
    const data = this.#data();
    const run = asStored({ ...input, id: randomBytes(STORE_LIMITS.id_hex_chars / 2).toString('hex') }, decodeCampaign, what);
    if (data[list].some((stored) => stored.id === run.id)) {
      throw new StoreError(`${what} id ${run.id} drawn at random is already taken; add the ${what} again`);
    }
    this.#commit({ ...data, [list]: [...data[list], run] });
    return structuredClone(run);
  }

  #findSeed(idOrPrefix: string): SeedRecord {
    return findSeed(this.#data().seeds, idOrPrefix, this.path);
  }

  // Writes `next` to disk, then makes it the store's state; on failure the state stays as it was.
  #commit(next: DbData): void {
    const previous = this.#db.data;
    this.#db.data = next;
    try {
      this.#db.write();
    } catch (error) {
      this.#db.data = previous;
      throw error;
    }
  }
}

export type { Store };

/**
 * Opens the database at `path` for writing: takes its lock (a StoreError if another live process
 * holds it) and reads it (a StoreError, the file untouched, if it cannot be read). A missing file
 * is an empty database, written at the first change.
 */
export function openStore(path: string): Store {
  const dbPath = resolve(path);
  mkdirSync(dirname(dbPath), { recursive: true });
  const lock = acquireLock(`${dbPath}.lock`);
  try {
    const db = new LowSync<DbData>(new AtomicJsonFile(dbPath, decodeDb), emptyDb());
    db.read();
    return new Store(dbPath, lock, db);
  } catch (error) {
    lock.release();
    throw error;
  }
}
