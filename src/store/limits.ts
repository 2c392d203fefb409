// Every bound of the persistence layer, in one place, with its unit (as src/hw/limits.ts does
// for the machine).

export const STORE_LIMITS = {
  lock_attempts_max: 3, // tries to create the lock file, each after removing a stale one
  ambiguous_ids_shown_max: 5, // candidate ids named in an "ambiguous id" error
  id_hex_chars: 12, // hex characters in a seed or campaign id
  lock_text_shown_max_chars: 40, // characters of an unreadable lock file quoted in its error
} as const;
