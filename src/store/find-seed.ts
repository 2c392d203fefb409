// Finding one seed by its id or a prefix of it, for the writer and the readers alike: a prefix
// that matches none or several is an error that says so (and names the candidates).
import { StoreError } from './errors.ts';
import { STORE_LIMITS } from './limits.ts';
import type { SeedRecord } from './records.ts';

export function findSeed(seeds: readonly SeedRecord[], idOrPrefix: string, path: string): SeedRecord {
  if (idOrPrefix === '') throw new StoreError('a seed id (or a prefix of one) cannot be empty');
  const matches = seeds.filter((seed) => seed.id.startsWith(idOrPrefix));
  const [first] = matches;
  if (first === undefined) {
    throw new StoreError(`no seed has an id starting with "${idOrPrefix}" in ${path}`);
  }
  if (matches.length > 1) {
    const shown = matches.slice(0, STORE_LIMITS.ambiguous_ids_shown_max).map((seed) => seed.id);
    const more = matches.length > shown.length ? `, … (${matches.length} in all)` : '';
    throw new StoreError(`seed id "${idOrPrefix}" is ambiguous: it matches ${shown.join(', ')}${more}; give more characters`);
  }
  return first;
}
