// The points of each fault kind, read off a golden run: one row per kind, saying what a point of
// that kind is and how the golden run yields them. A kind whose fault is only a trigger (crash,
// hang) takes every point of the space (space.ts); a kind with fields takes its trigger where it
// can act and its fields over every value that makes a difference, or says that it samples them:
//
// - bitflip: at rest after request n (the `rest` trigger: the server has replied, its caller's SSR
//   is sealed and unmapped), every bit of every heap or client-state word that request n + 1
//   loads. A flip in a word the next request does not load is the same as one before the request
//   that does (or is overwritten unread), so those are the flips that differ.
// - regflip: at every memory access, the value loaded or stored (an access of at most 4 bytes) and
//   the address, every bit.
// - wild-write: at every store, each region (heap, another client's state, any address); the
//   offset is one of 2^32 and is drawn, one per point and region, from the workload seed: sampled.
//
// A regflip's or a wild write's points are the accesses it can act on (matchesAccess in
// src/faults/effects.ts, over the golden run's Reach.access_kinds), each at its own k: exactly the
// points a campaign draws them over (src/faults/arbitraries.ts), where they fire in the golden run.
// - msg-corrupt: at every request, every bit of every word of its reply, and one word past them
//   (the reply's buffer, else its status).
//
// `bits` narrows the bits (of the 32 in a word) every kind with bits takes; `stride` takes every
// K-th access (crash, hang, regflip), store (wild-write) or word (bitflip).
import type { Reach, ReachDetail } from '../../faults/injector.ts';
import { ACCESS_LETTERS, matchesAccess, type AccessLetter } from '../../faults/effects.ts';
import type { FaultKind, Trigger } from '../../faults/model.ts';
import { REGFLIP_TARGETS, WILD_REGIONS } from '../../faults/model.ts';
import { LIMITS } from '../../hw/limits.ts';
import { drawInt, streamFor } from '../../hw/seed.ts';
import { pointsOf } from './space.ts';

/** A fault's fields besides its trigger (none for crash and hang). */
export type PointFields = Record<string, number | string>;

export interface KindPoint {
  trigger: Trigger;
  fields: PointFields;
}

/** What a kind's points are drawn over: the space's knobs. */
export interface KindKnobs {
  stride: number;
  bits: readonly number[];
  seed: number;
}

interface KindRow {
  /** what one point of the kind is, for the report */
  readonly describe: string;
  /** null: its points with stride 1 and every bit are the whole space; else what it samples */
  readonly sampled: string | null;
  /** what `--stride` takes every K-th of (null: nothing) */
  readonly strides: 'access' | 'store' | 'word' | null;
  /** whether `--bits` narrows its points */
  readonly bits: boolean;
  points(reach: Reach, server: string, k: KindKnobs): KindPoint[];
}

export const BITS_ALL: readonly number[] = Array.from({ length: 32 }, (_, i) => i);

const triggerOnly = (reach: Reach, server: string, k: KindKnobs): KindPoint[] => pointsOf(reach, server, k.stride).map((trigger) => ({ trigger, fields: {} }));

export const EXPLORE_SPACES: Record<FaultKind, KindRow> = {
  crash: { describe: 'every request, every memory access from its start to the next request\'s, every injection site reached', sampled: null, strides: 'access', bits: false, points: triggerOnly },
  hang: { describe: 'every request, every memory access from its start to the next request\'s, every injection site reached', sampled: null, strides: 'access', bits: false, points: triggerOnly },
  bitflip: {
    describe: 'at rest after each request, each bit of each heap or client-state word the next request loads',
    sampled: null,
    strides: 'word',
    bits: true,
    points: (reach, server, k) =>
      perRequest(detailOf(reach, server), (d, i) => {
        if (i === 0) return [];
        const rest: Trigger = { at: 'rest', n: i };
        const words = [...d.heap_reads[i].map((offset) => ['heap', offset] as const), ...d.state_reads[i].map((offset) => ['ssr', offset] as const)];
        return strided(words, k.stride).flatMap(([target, offset]) => k.bits.map((b) => ({ trigger: rest, fields: { target, offset: offset + (b >> 3), bit: b & 7 } })));
      }),
  },
  regflip: {
    describe: 'at each memory access, each bit of the value loaded or stored and of the address',
    sampled: null,
    strides: 'access',
    bits: true,
    points: (reach, server, k) =>
      accessesOf(reach, server, k.stride, (trigger, letter) => {
        const targets = REGFLIP_TARGETS.filter((target) => matchesAccess({ kind: 'regflip', target }, ACCESS_LETTERS[letter]));
        return targets.flatMap((target) => k.bits.map((bit) => ({ trigger, fields: { target, bit } })));
      }),
  },
  'wild-write': {
    describe: 'at each store, each region (heap, another client\'s state, any address), at one drawn offset',
    sampled: 'one offset of 2^32 per store and region, drawn from the workload seed',
    strides: 'store',
    bits: false,
    points: (reach, server, k) => {
      const rng = streamFor(k.seed, 'explore-wild-write');
      const stores = (letter: AccessLetter) => matchesAccess({ kind: 'wild-write' }, ACCESS_LETTERS[letter]);
      return accessesOf(reach, server, k.stride, (trigger) => WILD_REGIONS.map((region) => ({ trigger, fields: { region, offset: drawInt(rng, 0, 2 ** 32 - 1) } })), stores);
    },
  },
  'msg-corrupt': {
    describe: 'at each request, each bit of each word of its reply and of one word past them (its buffer, else its status)',
    sampled: null,
    strides: null,
    bits: true,
    points: (reach, server, k) =>
      perRequest(detailOf(reach, server), (d, i) => {
        const words = Math.min(Math.max(d.reply_words[i], 0), LIMITS.msg_words_max - 1);
        return Array.from({ length: words + 1 }, (_, word) => k.bits.map((bit) => ({ trigger: { at: 'request', n: i + 1 } as Trigger, fields: { word, bit } }))).flat();
      }),
  },
};

/** A kind's points in a golden run's reach. */
export function kindPoints(kind: FaultKind, reach: Reach, server: string, k: KindKnobs): KindPoint[] {
  return EXPLORE_SPACES[kind].points(reach, server, k);
}

/** Whether a kind's fault is only a trigger (it takes the space of space.ts as it is). */
export const isTriggerOnly = (kind: FaultKind): boolean => EXPLORE_SPACES[kind].points === triggerOnly;

function detailOf(reach: Reach, server: string): ReachDetail {
  const d = reach.detail?.[server];
  if (d === undefined) throw new Error(`invariant: the golden run of ${server} recorded no detail (FaultInjector.recordDetail)`);
  return d;
}

function perRequest(d: ReachDetail, each: (d: ReachDetail, i: number) => KindPoint[]): KindPoint[] {
  return d.reply_words.flatMap((_, i) => each(d, i));
}

/** Every `stride`-th access of each request span that `takes` (from its first), with its letter. */
function accessesOf(reach: Reach, server: string, stride: number, each: (trigger: Trigger, letter: AccessLetter) => KindPoint[], takes: (letter: AccessLetter) => boolean = () => true): KindPoint[] {
  const spans = reach.access_kinds?.[server];
  if (spans === undefined) throw new Error(`invariant: the golden run of ${server} recorded no access kinds (FaultInjector.recordAccessKinds)`);
  return spans.flatMap((letters, i) => {
    const ks = [...letters].flatMap((letter, at) => (takes(letter as AccessLetter) ? [{ letter: letter as AccessLetter, k: at + 1 }] : []));
    return strided(ks, stride).flatMap(({ letter, k }) => each({ at: 'access', n: i + 1, k }, letter));
  });
}

function strided<T>(items: readonly T[], stride: number): T[] {
  return items.filter((_, i) => i % stride === 0);
}

/** A point's fields as people read them: `heap+24 bit 3`, `load bit 7`, `region heap +1234`, `word 0 bit 5`. */
export function fieldsName(fields: PointFields): string {
  const entries = Object.entries(fields);
  if (entries.length === 0) return '';
  return ` ${entries.map(([k, v]) => (k === 'target' || k === 'region' ? String(v) : `${k} ${v}`)).join(' ')}`;
}
