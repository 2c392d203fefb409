// Names a crash seed by its content. Two trials that fail the same way under the same
// configuration, fault plan and mode are one seed; the key is a sha256 over their canonical
// JSON, and the seed's short id is the key's first hex characters.
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonicalJson.ts';
import { StoreError } from './errors.ts';
import { STORE_LIMITS } from './limits.ts';

export function seedDedupKey(config: unknown, plan: unknown, mode: string): string {
  return createHash('sha256').update(canonicalJson({ config, plan, mode })).digest('hex');
}

/** The key of a seed named by its failure signature (src/campaign/crash-seeds.ts): one seed per failure. */
export function signatureDedupKey(signature: string): string {
  return createHash('sha256').update(signature).digest('hex');
}

export function seedId(dedupKey: string): string {
  if (!/^[0-9a-f]+$/.test(dedupKey) || dedupKey.length < STORE_LIMITS.id_hex_chars) {
    throw new StoreError(
      `a seed dedupKey must be at least ${STORE_LIMITS.id_hex_chars} lowercase hex characters ` +
        `(as seedDedupKey makes), not ${JSON.stringify(dedupKey)}`,
    );
  }
  return dedupKey.slice(0, STORE_LIMITS.id_hex_chars);
}
