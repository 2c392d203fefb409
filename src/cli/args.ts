// Parsers for option values: each checks its input and fails with one line naming the option.
import { shardProblem, type Shard } from '../campaign/shard.ts';
import { isValidSeed } from '../hw/seed.ts';
import { fail } from './errors.ts';

export function parseSeed(raw: string, option = '--seed'): number {
  if (!/^-?\d+$/.test(raw.trim())) fail(`${option} must be an integer, got "${raw}"`);
  const n = Number(raw);
  if (!isValidSeed(n)) fail(`${option} must be a safe integer, got "${raw}"`);
  return n;
}

export function parseCount(raw: string, option: string, min = 1, max = 10_000_000): number {
  if (!/^\d+$/.test(raw.trim())) fail(`${option} must be a whole number ≥ ${min}, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) fail(`${option} must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function parseList<T extends string>(raw: string, option: string, allowed: readonly T[]): T[] {
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (items.length === 0) fail(`${option} needs at least one of: ${allowed.join(', ')}`);
  for (const item of items) if (!(allowed as readonly string[]).includes(item)) fail(`${option}: unknown "${item}"; expected one of: ${allowed.join(', ')}`);
  return [...new Set(items)] as T[];
}

export function parseOne<T extends string>(raw: string, option: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(raw)) fail(`${option}: unknown "${raw}"; expected one of: ${allowed.join(', ')}`);
  return raw as T;
}

/** `--shard i/n`: shard i of n, i counting from 1 (1/2, 2/2), as in vitest, Jest and Playwright. */
export function parseShard(raw: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(raw.trim());
  if (m === null) fail(`--shard must be i/n with i counting from 1 (e.g. 1/4), got "${raw}"`);
  const shard = { index: Number(m[1]), count: Number(m[2]) };
  const problem = shardProblem(shard);
  if (problem !== null) fail(`--shard ${raw}: ${problem}`);
  return shard;
}
