// The persistence layer's public surface: what the CLI and the dashboard import.
export { resolveDbPath, type DbPathSources } from './dbPath.ts';
export { seedDedupKey, seedId, signatureDedupKey } from './dedup.ts';
export { StoreError } from './errors.ts';
export {
  DB_VERSION,
  type CampaignRecord,
  type ExplorationRecord,
  type NewCampaign,
  type NewSeed,
  type SeedRecord,
} from './records.ts';
export { openStore, type AddSeedResult, type Store } from './store.ts';
export { readStore, type StoreSnapshot } from './reader.ts';
