// Checks that a parsed JSON value has the shape of a curios database (or of one record) before
// anything uses it. A database that fails is refused whole, never repaired or rewritten, so the
// check names the first field that is wrong.
import {
  DB_VERSION,
  type CampaignRecord,
  type DbData,
  type SeedRecord,
} from './records.ts';

export type Decoded<T> = { ok: true; value: T } | { ok: false; problem: string };

type FieldKind = 'string' | 'number' | 'json' | 'optional string';

// Typed by the record's keys, so that a field added to a record type must be added here too.
const CAMPAIGN_FIELDS: Record<keyof CampaignRecord, FieldKind> = {
  id: 'string',
  config: 'json',
  summary: 'json',
  digest: 'string',
  startedAt: 'string',
  endedAt: 'string',
};

const SEED_FIELDS: Record<keyof SeedRecord, FieldKind> = {
  id: 'string',
  dedupKey: 'string',
  config: 'json',
  workloadSeed: 'number',
  plan: 'json',
  mode: 'string',
  outcome: 'string',
  traceHash: 'string',
  version: 'string',
  createdAt: 'string',
  note: 'optional string',
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isArray(value: unknown): value is unknown[] {
  return Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function fieldProblem(record: Record<string, unknown>, key: string, kind: FieldKind): string | null {
  const value = record[key];
  switch (kind) {
    case 'string':
      return typeof value === 'string' ? null : `expected a string, found ${describe(value)}`;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
        ? null
        : `expected a finite number, found ${describe(value)}`;
    case 'json':
      return Object.hasOwn(record, key) ? null : 'missing';
    case 'optional string':
      return value === undefined || typeof value === 'string'
        ? null
        : `expected a string or nothing, found ${describe(value)}`;
  }
}

function recordProblem(value: unknown, fields: Record<string, FieldKind>, where: string): string | null {
  if (!isObject(value)) return `${where}: expected an object, found ${describe(value)}`;
  for (const [key, kind] of Object.entries(fields)) {
    const problem = fieldProblem(value, key, kind);
    if (problem !== null) return `${where}.${key}: ${problem}`;
  }
  return null;
}

function duplicateProblem(values: string[], where: string): string | null {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) return `${where} ${JSON.stringify(value)} appears twice`;
    seen.add(value);
  }
  return null;
}

export function decodeSeed(value: unknown, where: string): Decoded<SeedRecord> {
  const problem = recordProblem(value, SEED_FIELDS, where);
  return problem === null ? { ok: true, value: value as SeedRecord } : { ok: false, problem };
}

export function decodeCampaign(value: unknown, where: string): Decoded<CampaignRecord> {
  const problem = recordProblem(value, CAMPAIGN_FIELDS, where);
  return problem === null ? { ok: true, value: value as CampaignRecord } : { ok: false, problem };
}

function listProblem<T>(
  value: unknown,
  where: string,
  decode: (item: unknown, where: string) => Decoded<T>,
): string | null {
  if (!isArray(value)) return `${where}: expected an array, found ${describe(value)}`;
  for (const [index, item] of value.entries()) {
    const decoded = decode(item, `${where}[${index}]`);
    if (!decoded.ok) return decoded.problem;
  }
  return null;
}

/** Decodes a whole database. Top-level keys it does not know are kept, so a rewrite loses nothing. */
export function decodeDb(value: unknown): Decoded<DbData> {
  if (!isObject(value)) return { ok: false, problem: `expected an object, found ${describe(value)}` };
  if (value.version !== DB_VERSION) {
    const found =
      value.version === undefined ? 'it has no version' : `it is version ${JSON.stringify(value.version)}`;
    return { ok: false, problem: `${found}; this curios reads version ${DB_VERSION} only` };
  }
  // A database from before explorations were recorded has none.
  const explorations = value.explorations ?? [];
  const problem =
    listProblem(value.campaigns, 'campaigns', decodeCampaign) ??
    listProblem(explorations, 'explorations', decodeCampaign) ??
    listProblem(value.seeds, 'seeds', decodeSeed);
  if (problem !== null) return { ok: false, problem };
  const campaigns = value.campaigns as CampaignRecord[];
  const seeds = value.seeds as SeedRecord[];
  const duplicate =
    duplicateProblem(campaigns.map((campaign) => campaign.id), 'campaign id') ??
    duplicateProblem((explorations as CampaignRecord[]).map((exploration) => exploration.id), 'exploration id') ??
    duplicateProblem(seeds.map((seed) => seed.id), 'seed id') ??
    duplicateProblem(seeds.map((seed) => seed.dedupKey), 'seed dedupKey');
  if (duplicate !== null) return { ok: false, problem: duplicate };
  return { ok: true, value: { ...value, version: DB_VERSION, campaigns, explorations: explorations as CampaignRecord[], seeds } };
}
