// The records the store keeps, as plain JSON: a campaign's result, an exploration's, and a crash
// seed with everything `curios replay` needs to re-run one trial and compare its outcome and trace
// hash.

/** The on-disk format this code reads and writes; a file of any other version is refused. */
export const DB_VERSION = 1;

export interface CampaignRecord {
  id: string;
  config: unknown;
  summary: unknown;
  digest: string;
  startedAt: string;
  endedAt: string;
}

/**
 * An exploration is recorded as a campaign is: its configuration, what its reports draw (the
 * space, the classes, the heat map, with the crash seed of each failing class), its digest, when
 * it ran. `curios runs` lists them; `curios dashboard --explore ID` opens one.
 */
export type ExplorationRecord = CampaignRecord;

export interface SeedRecord {
  /** The first `STORE_LIMITS.id_hex_chars` hex characters of `dedupKey`. */
  id: string;
  /** sha256 (hex) naming the seed's content; two seeds with one key are one seed. */
  dedupKey: string;
  config: unknown;
  workloadSeed: number;
  plan: unknown;
  mode: string;
  outcome: string;
  traceHash: string;
  /** The curios version that found the seed. */
  version: string;
  createdAt: string;
  note?: string;
}

export interface DbData {
  version: typeof DB_VERSION;
  campaigns: CampaignRecord[];
  /** absent from a database written before explorations were recorded: read as none */
  explorations: ExplorationRecord[];
  seeds: SeedRecord[];
}

/** A seed as the caller gives it; the store fills in `id` (from `dedupKey`) and `createdAt`. */
export type NewSeed = Omit<SeedRecord, 'id' | 'createdAt'>;

/** A campaign (or an exploration) as the caller gives it; the store fills in `id`. */
export type NewCampaign = Omit<CampaignRecord, 'id'>;

export function emptyDb(): DbData {
  return { version: DB_VERSION, campaigns: [], explorations: [], seeds: [] };
}
