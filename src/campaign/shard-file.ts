// A shard file (what `curios campaign --shard i/n --format json` writes), checked as a whole
// before merge uses any of it: its configuration, its shard, every trial's shape, the trials being
// exactly those of its shard (each once), and its summary being that of its trials (digest, rows,
// counts). A file that is not all of that is refused with the first thing wrong, so that a merge
// either gives the true result or none — never a stack trace, never a campaign with trials missing.
import { FAULT_KINDS } from '../faults/model.ts';
import { targets } from '../servers/catalog.ts';
import { COMMIT_POLICIES, MODES } from '../ssr/modes.ts';
import { armsOf, cellOfResult, cellsOf, digestOf, trialIndex, type CampaignConfig } from './campaign.ts';
import { HOST_LIMIT_KINDS } from './host-limits.ts';
import { OUTCOMES, type TrialResult } from './result-types.ts';
import { summaryOf, type CampaignFile } from './run.ts';
import { shardCells, shardProblem, type Shard } from './shard.ts';

/** A shard file, or a set of them, that cannot be merged; the message names the file. */
export class ShardFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShardFileError';
  }
}

export type ShardFile = CampaignFile & { shard: Shard; results: TrialResult[] };

type Json = Record<string, unknown>;

const FAILED_REASONS = ['given-up', 'panic', 'liveness'] as const;
const TRACE_HASH = /^[0-9a-f]{16,128}$/;

/** The shard file `data` (parsed JSON) read from `name`, checked; throws ShardFileError naming the first problem. */
export function checkShardFile(name: string, data: unknown): ShardFile {
  const problem = (where: string, what: string): never => {
    throw new ShardFileError(`${name}: ${where}: ${what} (expected the output of curios campaign --shard i/n --format json)`);
  };
  const file = object(data, 'the file', problem);
  const config = checkConfig(object(file.config, 'config', problem), problem);
  const shard = checkShard(file.shard, problem);
  if (!Array.isArray(file.results)) problem('results', `expected an array of trials, found ${describe(file.results)}`);
  const results = (file.results as unknown[]).map((r, i) => checkTrial(r, `results[${i}]`, config, problem));
  const wanted = shardCells(cellsOf(config), shard).flatMap((cell) => armsOf(config).map((_, a) => trialIndex(config, cell, a)));
  const seen = new Set<number>();
  for (const [i, r] of results.entries()) {
    if (seen.has(r.index)) problem(`results[${i}].index`, `trial ${r.index} is there twice`);
    seen.add(r.index);
  }
  const missing = wanted.find((index) => !seen.has(index));
  if (missing !== undefined || results.length !== wanted.length) {
    const stray = results.find((r) => !wanted.includes(r.index));
    problem('results', stray !== undefined ? `trial ${stray.index} is not in shard ${shard.index}/${shard.count}` : `${results.length} of the shard's ${wanted.length} trials; trial ${missing} is missing`);
  }
  const summary = summaryOf(config, results, 1);
  if (file.seed !== config.seed) problem('seed', `${JSON.stringify(file.seed)}, but config.seed is ${config.seed}`);
  if (file.trials !== results.length) problem('trials', `${JSON.stringify(file.trials)}, but the file holds ${results.length} trials`);
  if (file.digest !== digestOf(results)) problem('digest', 'not the digest of its trials');
  if (file.hostLimited !== summary.hostLimited) problem('hostLimited', `${JSON.stringify(file.hostLimited)}, but ${summary.hostLimited ?? 0} of its trials are host-limit`);
  if (typeof file.trialsPerSecond !== 'number' || !Number.isFinite(file.trialsPerSecond) || file.trialsPerSecond < 0) problem('trialsPerSecond', `expected a number ≥ 0, found ${describe(file.trialsPerSecond)}`);
  if (JSON.stringify(file.rows) !== JSON.stringify(summary.rows)) problem('rows', 'not the rows of its trials');
  return { ...(file as unknown as CampaignFile), config, shard, results };
}

function checkConfig(c: Json, problem: (where: string, what: string) => never): CampaignConfig {
  const int = (key: string, lo: number, hi: number): number => {
    const v = c[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < lo || v > hi) problem(`config.${key}`, `expected an integer in ${lo}..${hi}, found ${describe(v)}`);
    return v as number;
  };
  const list = <T extends string>(key: string, allowed: readonly T[]): T[] => {
    const v = c[key];
    if (!Array.isArray(v) || v.length === 0) problem(`config.${key}`, `expected a non-empty array, found ${describe(v)}`);
    const items = v as unknown[];
    items.forEach((item, i) => {
      if (typeof item !== 'string' || !(allowed as readonly string[]).includes(item)) problem(`config.${key}[${i}]`, `expected one of ${allowed.join(', ')}, found ${JSON.stringify(item) ?? 'nothing'}`);
      if (items.indexOf(item) !== i) problem(`config.${key}[${i}]`, `${JSON.stringify(item)} is there twice`);
    });
    return items as T[];
  };
  const config: CampaignConfig = {
    seed: int('seed', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
    servers: list('servers', targets()),
    faults: list('faults', FAULT_KINDS),
    modes: list('modes', MODES),
    trials: int('trials', 1, 10_000_000),
    commits: list('commits', COMMIT_POLICIES),
    clients: int('clients', 1, 16),
    ops_per_client: int('ops_per_client', 1, 500),
  };
  const extra = Object.keys(c).find((k) => !Object.hasOwn(config, k));
  if (extra !== undefined) problem(`config.${extra}`, 'not a campaign setting');
  return config;
}

function checkShard(raw: unknown, problem: (where: string, what: string) => never): Shard {
  if (raw === undefined) problem('shard', 'missing: not a shard file (run with --shard i/n --format json)');
  const s = object(raw, 'shard', problem);
  const shard = { index: s.index as number, count: s.count as number };
  const wrong = shardProblem(shard);
  if (wrong !== null) problem('shard', wrong);
  return shard;
}

function checkTrial(raw: unknown, where: string, config: CampaignConfig, problem: (where: string, what: string) => never): TrialResult {
  const t = object(raw, where, problem);
  const count = (key: string, nullable = false): void => {
    const v = t[key];
    if (nullable && v === null) return;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) problem(`${where}.${key}`, `expected an integer ≥ 0${nullable ? ' or null' : ''}, found ${describe(v)}`);
  };
  count('index');
  const index = t.index as number;
  const arms = armsOf(config);
  const total = config.servers.length * config.faults.length * config.trials * arms.length;
  if (index >= total) problem(`${where}.index`, `trial ${index} is past the campaign's ${total}`);
  const { server, fault } = cellOfResult(config, { index });
  const { mode, commit } = arms[index % arms.length];
  if (t.server !== server) problem(`${where}.server`, `trial ${index} is a trial of ${server}, found ${describe(t.server)}`);
  if (t.fault !== fault) problem(`${where}.fault`, `trial ${index} is a ${fault} trial, found ${describe(t.fault)}`);
  if (t.mode !== mode) problem(`${where}.mode`, `trial ${index} runs under ${mode}, found ${describe(t.mode)}`);
  if (t.commit !== commit) problem(`${where}.commit`, `trial ${index} runs under commit policy ${JSON.stringify(commit)}, found ${describe(t.commit)}`);
  const outcome = t.outcome;
  if (typeof outcome !== 'string' || !(OUTCOMES as readonly string[]).includes(outcome)) problem(`${where}.outcome`, `expected one of ${OUTCOMES.join(', ')}, found ${describe(outcome)}`);
  const hostLimited = outcome === 'host-limit';
  if (typeof t.traceHash !== 'string' || (hostLimited ? t.traceHash !== '' : !TRACE_HASH.test(t.traceHash))) problem(`${where}.traceHash`, hostLimited ? 'a host-limit trial has no trace hash ("")' : `expected a hex trace hash, found ${describe(t.traceHash)}`);
  count('recoverCycles', true);
  count('overheadCycles');
  count('ops');
  if (t.failedReason !== undefined && (outcome !== 'failed' || !(FAILED_REASONS as readonly unknown[]).includes(t.failedReason))) problem(`${where}.failedReason`, `only a failed trial has one (${FAILED_REASONS.join(', ')}), found ${describe(t.failedReason)}`);
  if (hostLimited ? !(HOST_LIMIT_KINDS as readonly unknown[]).includes(t.hostLimit) : t.hostLimit !== undefined) problem(`${where}.hostLimit`, `a host-limit trial, and only one, names its limit (${HOST_LIMIT_KINDS.join(', ')}), found ${describe(t.hostLimit)}`);
  const extra = Object.keys(t).find((k) => !TRIAL_KEYS.includes(k));
  if (extra !== undefined) problem(`${where}.${extra}`, 'not a field of a trial');
  return t as unknown as TrialResult;
}

const TRIAL_KEYS: readonly string[] = ['index', 'server', 'fault', 'mode', 'commit', 'outcome', 'traceHash', 'recoverCycles', 'overheadCycles', 'ops', 'failedReason', 'hostLimit'] satisfies (keyof TrialResult)[];

function object(value: unknown, where: string, problem: (where: string, what: string) => never): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) problem(where, `expected an object, found ${describe(value)}`);
  return value as Json;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return `a ${typeof value}`;
}
