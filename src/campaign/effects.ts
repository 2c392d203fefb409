// What one mechanism buys, measured with everything else held constant: the difference between the
// strict recovery rates of two arms of the same paired campaign that differ in that mechanism only.
//
// - isolation: curios − persist under one commit policy (both keep client state in SSRs and settle
//   the in-flight call alike; only where SSRs are mapped, and whether they are checked, differs);
// - retry: shadow − in-place within one mode (only whether the in-flight call is rolled back and
//   requeued differs).
//
// Each effect comes with the 95% interval of the difference of two proportions by Newcombe's hybrid
// score method. It treats the two arms as independent samples; the arms are in fact paired (same
// workloads, same fault plans) and each has its own manifested n, so the interval is conservative.
import type { CommitPolicy, Mode } from '../ssr/modes.ts';
import type { Row } from './result-types.ts';
import { newcombe, strictSuccesses } from './stats.ts';

export const EFFECT_KINDS = ['isolation', 'retry'] as const;
export type EffectKind = (typeof EFFECT_KINDS)[number];

interface Arm {
  mode: Mode;
  commit: CommitPolicy | null;
}

/** The effects compare reports, in order: the two arms each compares, and what it holds constant. */
export const EFFECTS: readonly { kind: EffectKind; held: string; with: Arm; without: Arm }[] = [
  { kind: 'isolation', held: 'shadow', with: { mode: 'curios', commit: 'shadow' }, without: { mode: 'persist', commit: 'shadow' } },
  { kind: 'isolation', held: 'in-place', with: { mode: 'curios', commit: 'in-place' }, without: { mode: 'persist', commit: 'in-place' } },
  { kind: 'retry', held: 'curios', with: { mode: 'curios', commit: 'shadow' }, without: { mode: 'curios', commit: 'in-place' } },
  { kind: 'retry', held: 'persist', with: { mode: 'persist', commit: 'shadow' }, without: { mode: 'persist', commit: 'in-place' } },
];

export interface Effect {
  kind: EffectKind;
  /** what is held constant: the commit policy (isolation) or the mode (retry) */
  held: string;
  /** strict rate with the mechanism − strict rate without it; null when either arm has no manifested trial */
  difference: number | null;
  /** Newcombe's 95% interval of the difference, [lo, hi] */
  ci95: [number, number] | null;
  /** manifested trials of the arm with the mechanism, and of the arm without */
  n_with: number;
  n_without: number;
}

export interface EffectRow {
  server: string;
  fault: string;
  /** the effects whose two arms both ran, in EFFECTS order */
  effects: Effect[];
}

/** Per server × fault kind (in the rows' order), every effect whose two arms the campaign ran. */
export function effectsOf(rows: readonly Row[]): EffectRow[] {
  const byKey = new Map<string, Row>();
  const keys: string[] = [];
  for (const r of rows) {
    const cell = JSON.stringify([r.server, r.fault]);
    if (!keys.includes(cell)) keys.push(cell);
    byKey.set(JSON.stringify([r.server, r.fault, r.mode, r.commit]), r);
  }
  return keys.map((cell) => {
    const [server, fault] = JSON.parse(cell) as [string, string];
    const arm = (a: Arm) => byKey.get(JSON.stringify([server, fault, a.mode, a.commit]));
    const effects = EFFECTS.flatMap((e) => {
      const w = arm(e.with);
      const wo = arm(e.without);
      return w === undefined || wo === undefined ? [] : [effectOf(e.kind, e.held, w, wo)];
    });
    return { server, fault, effects };
  });
}

function effectOf(kind: EffectKind, held: string, w: Row, wo: Row): Effect {
  const rated = w.manifested > 0 && wo.manifested > 0;
  const x1 = strictSuccesses(w);
  const x2 = strictSuccesses(wo);
  return {
    kind,
    held,
    difference: rated ? x1 / w.manifested - x2 / wo.manifested : null,
    ci95: rated ? newcombe(x1, w.manifested, x2, wo.manifested) : null,
    n_with: w.manifested,
    n_without: wo.manifested,
  };
}
