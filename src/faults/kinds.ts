// Fault kinds as data: one row per kind — the triggers it takes, its fields with their ranges, how
// it is (or is not) detected, and where a campaign places it. The plan arbitraries, the JSON
// parser, the CLI's list of kinds and the docs all read this table; what each kind *does* when it
// fires is in src/faults/effects.ts.
import { LIMITS } from '../hw/limits.ts';
import { choice, int, type FieldSpec, type ValuesOf } from './fields.ts';
import type { TriggerAt } from './triggers.ts';

export const BITFLIP_TARGETS = ['heap', 'msg', 'ssr', 'other-ssr'] as const;
export const REGFLIP_TARGETS = ['load', 'store', 'address'] as const;
export const WILD_REGIONS = ['heap', 'other-state', 'random'] as const;

export interface KindSpec {
  readonly triggers: readonly TriggerAt[];
  readonly fields: Readonly<Record<string, FieldSpec>>;
  readonly detected: string;
  /** the triggers a campaign draws for this kind (a subset of `triggers`): placed over the golden run's accesses, requests, length and sites */
  readonly drawn: readonly TriggerAt[];
}

export const FAULT_KIND_SPECS = {
  crash: {
    triggers: ['request', 'access', 'time', 'site', 'recovery'],
    fields: {},
    detected: 'a processor exception at the trigger; the kernel tells the supervisor',
    drawn: ['access', 'time', 'site'],
  },
  hang: {
    triggers: ['request', 'access', 'time', 'site', 'recovery'],
    fields: {},
    detected: 'the server spins, burning its quantum; found only by a missed heartbeat or a caller timeout',
    drawn: ['access', 'time', 'site'],
  },
  bitflip: {
    triggers: ['request', 'time', 'site', 'rest'],
    fields: {
      target: choice(BITFLIP_TARGETS, 'the heap, the request message, the caller\'s state, or another client\'s state'),
      offset: int(0, 2 ** 20 - 1, 'byte offset, taken modulo the target\'s size (at rest, over every client\'s state)'),
      bit: int(0, 7, 'bit in the byte'),
    },
    detected: 'not at all, unless an SSR checksum or the server\'s validate finds it at next use or recovery',
    drawn: ['request', 'time', 'site'],
  },
  regflip: {
    triggers: ['request', 'access', 'time', 'recovery'],
    fields: {
      target: choice(REGFLIP_TARGETS, 'the result of a load, the value of a store, or an address'),
      bit: int(0, 31, 'bit in the 32-bit value'),
    },
    detected: 'only by what it causes: a page fault (a flipped address), a wrong reply, or nothing',
    drawn: ['access'],
  },
  'wild-write': {
    triggers: ['request', 'access', 'time', 'recovery'],
    fields: {
      region: choice(WILD_REGIONS, 'where the store goes: the heap, another client\'s state, or any address'),
      offset: int(0, 2 ** 32 - 1, 'offset within the region (an address for random)'),
    },
    detected: 'a page fault where nothing is mapped; silent where something is',
    drawn: ['access'],
  },
  'msg-corrupt': {
    triggers: ['request'],
    fields: {
      word: int(0, LIMITS.msg_words_max - 1, 'reply word (past the last word: the reply\'s buffer, then its status)'),
      bit: int(0, 31, 'bit in the word'),
    },
    detected: 'never by the system: a corrupt result crossing the boundary, a known limit of the approach',
    drawn: ['request'],
  },
} as const satisfies Record<string, KindSpec>;

export type FaultKind = keyof typeof FAULT_KIND_SPECS;
export const FAULT_KINDS = Object.keys(FAULT_KIND_SPECS) as FaultKind[];
export type FieldsOfKind<K extends FaultKind> = ValuesOf<(typeof FAULT_KIND_SPECS)[K]['fields']>;

export function kindSpec(kind: FaultKind): KindSpec {
  return FAULT_KIND_SPECS[kind];
}
