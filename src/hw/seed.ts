// Seeded randomness. One root seed per run; each subsystem (workload, scheduler tie-breaks,
// fault plan, injection sites, …) draws from its own stream derived from the root and the
// subsystem's name, so that adding draws in one subsystem never shifts another's numbers.
// The generator is pure-rand's xoroshiro128+; the derivation hashes with SHA-256.
import { createHash } from 'node:crypto';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

export type { RandomGenerator };

/** A 32-bit seed derived from a root seed and a subsystem name. */
export function deriveSeed(root: number, name: string): number {
  const digest = createHash('sha256').update(`${root}:${name}`).digest();
  return digest.readInt32LE(0);
}

export function streamFor(root: number, name: string): RandomGenerator {
  return xoroshiro128plus(deriveSeed(root, name));
}

export function generatorFromState(state: readonly number[]): RandomGenerator {
  return xoroshiro128plusFromState(state);
}

/** An integer in [from, to], both included. */
export function drawInt(rng: RandomGenerator, from: number, to: number): number {
  return uniformInt(rng, from, to);
}

/** true with probability `p` (0 ≤ p ≤ 1), in steps of one millionth. */
export function drawChance(rng: RandomGenerator, p: number): boolean {
  return uniformInt(rng, 0, 999_999) < Math.round(p * 1_000_000);
}

export function isValidSeed(seed: number): boolean {
  return Number.isSafeInteger(seed);
}
