// Crash seeds on the command line: `curios replay`, `curios seeds list|show|export|rm`, and the
// saving of a campaign's failures (shrunk first) into the store. The trace lines of each seed go
// to a JSON Lines file beside the database, so that a replay that differs can say where.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CrashSeed } from '../campaign/crash-seeds.ts';
import type { PoolOptions } from '../campaign/pool.ts';
import { compareReplay, parseTrialData, type Replayed, type TrialData } from '../campaign/replay.ts';
import { moduleChange, moduleStamp } from '../campaign/config-file.ts';
import { shortHash } from '../campaign/report/columns.ts';
import { activeCatalog } from '../servers/catalog.ts';
import { replayContained } from './replay-run.ts';
import { checkLine, formatStory } from './replay-story.ts';
import { PlanError } from '../faults/plan-json.ts';
import { openStore, readStore, resolveDbPath, seedDedupKey, seedId, signatureDedupKey, StoreError, type SeedRecord, type Store, type StoreSnapshot } from '../store/index.ts';
import { EXIT, fail } from './errors.ts';

export const CURIOS_VERSION = '0.1.0';

export function dbPath(flag: string | undefined): string {
  try {
    return resolveDbPath({ ...(flag === undefined ? {} : { dbFlag: flag }), env: process.env, cwd: process.cwd() });
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
}

/** `use()`, or exit with the store's one-line error (code 4). */
function orStoreError<T>(use: () => T): T {
  try {
    return use();
  } catch (e) {
    if (e instanceof StoreError) fail(e.message, EXIT.store);
    throw e;
  }
}

/** Opens the store for writing (its lock taken), or exits with the store's error. The caller closes it. */
export function openStoreOrFail(path: string): Store {
  return orStoreError(() => openStore(path));
}

/** The last committed state of the store, read without its lock, or exit with the store's error. */
export function readStoreOrFail(path: string): StoreSnapshot {
  return orStoreError(() => readStore(path));
}

export function withStore<T>(path: string, use: (store: Store) => T): T {
  const store = openStoreOrFail(path);
  try {
    return use(store);
  } finally {
    store.close();
  }
}

function tracePath(db: string, id: string): string {
  return join(dirname(db), 'traces', `${id}.jsonl`);
}

/** Stores crash seeds in an open store (and their traces beside it); answers their ids (new and known). */
export function saveSeedsTo(store: Store, db: string, seeds: readonly CrashSeed[], log: (s: string) => void): string[] {
  return seeds.map((s) => {
    const { found, trial } = s;
    // Which module defined the server, and a hash of its source: a replay after it changed says so.
    const module = moduleStamp(activeCatalog(), found.server);
    const config = module === null ? trial.config : { ...trial.config, module };
    const { seed, added } = store.addSeed({
      // One seed per failure: by its signature when it has one, else by its content.
      dedupKey: s.signature === null ? seedDedupKey(config, trial.plan, found.mode) : signatureDedupKey(s.signature),
      config,
      workloadSeed: trial.config.workload_seed,
      plan: trial.plan,
      mode: found.mode,
      outcome: s.outcome,
      traceHash: s.traceHash,
      version: CURIOS_VERSION,
    });
    if (added) writeTrace(tracePath(db, seed.id), s.lines);
    log(`${added ? 'saved' : 'known'} seed ${seed.id}: ${found.server} ${found.fault} ${found.mode} → ${s.outcome} (shrunk in ${s.shrink_runs} runs; npx curios replay ${seed.id})`);
    return seed.id;
  });
}

/** Where a campaign's crash seeds go: saved in the store as workers make them, a failure already stored only reported; `ids` collects every seed the campaign found. */
export function seedSink(store: Store, db: string, log: (s: string) => void, ids: string[]): Pick<PoolOptions, 'onSeed' | 'isKnown' | 'onKnown'> {
  const stored = new Set(store.listSeeds().map((s) => s.dedupKey));
  return {
    onSeed: (seed) => void ids.push(...saveSeedsTo(store, db, [seed], log)),
    isKnown: (signature) => stored.has(signatureDedupKey(signature)),
    onKnown: (found, signature) => {
      const id = seedId(signatureDedupKey(signature));
      ids.push(id);
      log(`known seed ${id}: ${found.server} ${found.fault} ${found.mode} → ${found.outcome} (the same failure; curios replay ${id})`);
    },
  };
}

function writeTrace(path: string, lines: readonly string[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  renameSync(tmp, path);
}

function readTrace(path: string): string[] | null {
  if (!existsSync(path)) return null;
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as string);
}

export function seedToTrial(seed: SeedRecord): TrialData {
  try {
    return parseTrialData({ config: seed.config, plan: seed.plan, expected: { outcome: seed.outcome, traceHash: seed.traceHash } });
  } catch (e) {
    fail(`seed ${seed.id} cannot be replayed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function loadTrialFile(path: string): TrialData {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    fail(`cannot read trial ${path}: ${e instanceof SyntaxError ? 'not JSON' : ((e as NodeJS.ErrnoException).code ?? String(e))}`);
  }
  try {
    return parseTrialData(raw);
  } catch (e) {
    fail(`${path}: ${e instanceof PlanError || e instanceof Error ? e.message : String(e)}`);
  }
}

export interface ReplayOptions {
  json: boolean;
  /** print the kernel trace instead of the story */
  trace: boolean;
  /** how `curios replay` names the trial: the seed id, or --trial FILE */
  name: string;
}

function outcomeWords(r: Replayed): string {
  const reason = r.failedReason ?? r.hostLimit;
  return `outcome ${r.outcome}${reason === undefined ? '' : ` (${reason})`}`;
}

/**
 * Replays a trial and tells its story (or prints its trace, or the story as JSON), then checks it
 * against what was recorded; returns the exit code (3 when it does not reproduce).
 */
export async function replayCommand(data: TrialData, expectedLines: string[] | null, opts: ReplayOptions, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const changed = data.module === undefined ? null : moduleChange(activeCatalog(), data.config.target, data.module);
  if (changed !== null) {
    err(`NOT replayed: ${changed}`);
    return EXIT.mismatch;
  }
  // Contained (replay-run.ts): a trial that broke a host limit in its campaign breaks it again, not this process.
  const replayed = await replayContained(data);
  const expected = data.expected;
  const diff = expected === undefined ? null : compareReplay(expected, replayed, expectedLines);
  const reproduced = expected === undefined ? null : diff === null;
  const check = checkLine(expected !== undefined, diff);
  if (opts.json) {
    out(JSON.stringify({ ...(replayed.story ?? { outcome: replayed.outcome, hostLimit: replayed.hostLimit, traceHash: replayed.traceHash, events: replayed.lines.length }), reproduced, difference: diff }, null, 2));
  } else if (opts.trace) {
    for (const line of replayed.lines) out(line);
    err(`${outcomeWords(replayed)}, trace ${shortHash(replayed.traceHash) || '-'}, ${replayed.lines.length} events; ${check}`);
  } else {
    const hint = `the kernel trace: npx curios replay ${opts.name} --trace`;
    // A trial stopped by a host limit has no story: only its outcome.
    if (replayed.story === undefined) out(`${outcomeWords(replayed)}\n${check}`);
    else for (const line of formatStory(replayed.story, check, hint)) out(line);
  }
  if (diff === null) return EXIT.ok;
  if (!opts.json && diff.firstDivergence !== null) err(`traces part at event ${diff.firstDivergence.event}:\n  recorded ${diff.firstDivergence.expected ?? '(end)'}\n  got      ${diff.firstDivergence.got ?? '(end)'}`);
  return EXIT.mismatch;
}

export function seedTrace(db: string, id: string): string[] | null {
  return readTrace(tracePath(db, id));
}

/** Removes a seed's trace file (a seed stored before traces were kept has none). */
export function removeSeedTrace(db: string, id: string): void {
  rmSync(tracePath(db, id), { force: true });
}
