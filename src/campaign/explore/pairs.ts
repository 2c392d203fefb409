// Depth 2: pairs of faults, the second placed inside the recovery of the first. A first fault that
// fired and was recovered from leaves a window in its trial's run — the recovery (the server's
// `init` and `recover` after the restart) and the request it served first after it (the retried
// one under shadow commit, else the next) — and the second fault takes every point of that window:
// `recovery 1/k` for each memory access of the recovery, `request m` and `access m/k` for the
// request after it. Until the second fault fires, a pair's run *is* its first fault's run, so the
// window read off that run is exactly where the second can land.
//
// The bound allows every first point × every point of its window × every second kind. It is pruned
// by signature: a first point whose class already fails (its own outcome is failing) gets no second
// fault — a pair cannot make a failure more of a failure, and FATE prunes the same way. What is
// pruned and what was tried is in the report.
import type { FaultKind, Trigger } from '../../faults/model.ts';
import { FAULT_KIND_SPECS } from '../../faults/kinds.ts';
import type { Reach } from '../../faults/injector.ts';
import type { Cell } from '../campaign.ts';
import type { Mode } from '../../ssr/modes.ts';
import type { ExploreConfig } from './config.ts';
import type { PointFields } from './kinds.ts';

/** Where a second fault can land after a first one: read off the first one's run. */
export interface RecoveryWindow {
  /** memory accesses of the first recovery (init and recover) */
  recovery_accesses: number;
  /** the request the server served first after that recovery began (1-based), or null if none */
  next_request: number | null;
  /** memory accesses of that request */
  next_accesses: number;
}

/** A pair's cell index: past every depth-1 cell, then its first point's index × this, then its rank in the window. */
export const PAIRS_PER_POINT_MAX = 1_000_000;

/** The kinds a second fault takes: those whose only field is the trigger (a point is a trigger), and that fire in a recovery. */
export function secondKinds(cfg: ExploreConfig): FaultKind[] {
  return cfg.faults.filter((k) => Object.keys(FAULT_KIND_SPECS[k].fields).length === 0 && (FAULT_KIND_SPECS[k].triggers as readonly string[]).includes('recovery'));
}

/** The window of a run whose first fault fired: its first recovery of the server, or null when there was none. */
export function windowOf(reach: Reach, server: string): RecoveryWindow | null {
  const recovery_accesses = reach.recovery_accesses[server]?.[0];
  const after = reach.recovery_after[server]?.[0];
  if (recovery_accesses === undefined || after === undefined) return null;
  const next = reach.accesses[server]?.[after];
  return { recovery_accesses, next_request: next === undefined ? null : after + 1, next_accesses: next ?? 0 };
}

/** Every point of a window, in order: the recovery's accesses, then the next request and its accesses (every `stride`-th access). */
export function secondPointsOf(w: RecoveryWindow, stride: number): Trigger[] {
  const points: Trigger[] = [];
  for (let k = 1; k <= w.recovery_accesses; k += stride) points.push({ at: 'recovery', n: 1, k });
  if (w.next_request === null) return points;
  points.push({ at: 'request', n: w.next_request });
  for (let k = 1; k <= w.next_accesses; k += stride) points.push({ at: 'access', n: w.next_request, k });
  return points;
}

/** What depth 1 tells depth 2 about a first point: its cell, whether it failed, its window. */
export interface FirstPoint {
  index: number;
  fault: FaultKind;
  mode: Mode;
  point: Trigger;
  fields?: PointFields;
  failing: boolean;
  window: RecoveryWindow | null;
}

/** The pair cells of the first points that did not fail; `base` is the number of depth-1 cells of the whole exploration. */
export function pairCells(cfg: ExploreConfig, firsts: readonly FirstPoint[], base: number): Cell[] {
  const kinds = secondKinds(cfg);
  const cells: Cell[] = [];
  for (const f of firsts) {
    if (f.failing || f.window === null) continue;
    const seconds = secondPointsOf(f.window, cfg.stride);
    if (seconds.length * kinds.length > PAIRS_PER_POINT_MAX) throw new Error(`invariant: ${seconds.length * kinds.length} pairs after one first point, past ${PAIRS_PER_POINT_MAX}`);
    let j = 0;
    for (const fault of kinds) for (const trigger of seconds) cells.push({ index: base + f.index * PAIRS_PER_POINT_MAX + j++, server: cfg.server, fault: f.fault, trial: f.index, point: { mode: f.mode, trigger: f.point, ...(f.fields === undefined ? {} : { fields: f.fields }), second: { fault, trigger } } });
  }
  return cells;
}

/** Depth 2 under one mode: how many pairs the bound allows, how many it pruned (with how many first points), how many were tried. */
export interface PairCount {
  mode: Mode;
  /** first points that fired and were recovered from or failed: each has a window */
  firsts: number;
  allowed: number;
  /** first points whose class already fails, and their pairs */
  pruned_firsts: number;
  pruned: number;
  tried: number;
}

export function pairCounts(cfg: ExploreConfig, firsts: readonly FirstPoint[], tried: readonly { mode: Mode }[]): PairCount[] {
  const kinds = secondKinds(cfg).length;
  return cfg.modes.map((mode) => {
    const mine = firsts.filter((f) => f.mode === mode && f.window !== null);
    const size = (f: FirstPoint) => (f.window === null ? 0 : secondPointsOf(f.window, cfg.stride).length * kinds);
    const pruned = mine.filter((f) => f.failing);
    return { mode, firsts: mine.length, allowed: mine.reduce((n, f) => n + size(f), 0), pruned_firsts: pruned.length, pruned: pruned.reduce((n, f) => n + size(f), 0), tried: tried.filter((t) => t.mode === mode).length };
  });
}
