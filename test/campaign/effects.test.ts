// What each mechanism buys: Newcombe's interval for the difference of two proportions (checked
// against the values Newcombe published), the isolation and retry effects compare derives from a
// campaign's rows, and compare's table with each arm's own n.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { armsOf } from '../../src/campaign/campaign.ts';
import { effectsOf } from '../../src/campaign/effects.ts';
import { comparisonOf, formatComparison } from '../../src/campaign/report/compare.ts';
import { formatSummary, REPORT_FORMATS } from '../../src/campaign/report/index.ts';
import type { CampaignSummary, Outcome, TrialResult } from '../../src/campaign/result-types.ts';
import { aggregate, newcombe, wilson } from '../../src/campaign/stats.ts';
import type { CommitPolicy, Mode } from '../../src/ssr/modes.ts';

describe('newcombe', () => {
  // Newcombe (1998), Statistics in Medicine 17:873–890, Table II, method 10 (hybrid score, no continuity correction).
  const PUBLISHED: [number, number, number, number, number, number][] = [
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [0, 10, 0, 20, -0.1611, 0.2775],
    [0, 10, 0, 10, -0.2775, 0.2775],
    [10, 10, 0, 20, 0.6791, 1],
    [10, 10, 0, 10, 0.6075, 1],
  ];
  it.each(PUBLISHED)('%i/%i − %i/%i gives [%f, %f] as published', (x1, n1, x2, n2, lo, hi) => {
    const [l, h] = newcombe(x1, n1, x2, n2);
    expect(l).toBeCloseTo(lo, 4);
    expect(h).toBeCloseTo(hi, 4);
  });

  it('holds the point difference, stays in [−1, 1], and mirrors when the arms swap', () => {
    const arm = fc.integer({ min: 1, max: 500 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)));
    fc.assert(
      fc.property(arm, arm, ([x1, n1], [x2, n2]) => {
        const [lo, hi] = newcombe(x1, n1, x2, n2);
        const d = x1 / n1 - x2 / n2;
        expect(lo).toBeLessThanOrEqual(d + 1e-12);
        expect(hi).toBeGreaterThanOrEqual(d - 1e-12);
        expect(lo).toBeGreaterThanOrEqual(-1);
        expect(hi).toBeLessThanOrEqual(1);
        const [rlo, rhi] = newcombe(x2, n2, x1, n1);
        expect(rlo).toBeCloseTo(-hi, 12);
        expect(rhi).toBeCloseTo(-lo, 12);
      }),
    );
  });

  it('refuses an arm with no trials, as wilson does', () => {
    expect(() => newcombe(0, 0, 1, 2)).toThrow(/n must be an integer ≥ 1/);
  });
});

/** `ok` strict successes and `bad` failures, plus `quiet` trials whose fault never fired, in one arm. */
function arm(server: string, mode: Mode, commit: CommitPolicy | null, ok: number, bad: number, quiet = 0): TrialResult[] {
  const outcomes: Outcome[] = [...Array<Outcome>(ok).fill('recovered'), ...Array<Outcome>(bad).fill('failed'), ...Array<Outcome>(quiet).fill('not-activated')];
  return outcomes.map((outcome, index) => ({ index, server, fault: 'crash', mode, commit, outcome, traceHash: String(index), recoverCycles: null, overheadCycles: 0, ops: 1 }));
}

const TRIALS = [
  ...arm('fs', 'none', null, 0, 10),
  ...arm('fs', 'restart', null, 2, 8),
  ...arm('fs', 'persist', 'shadow', 5, 5),
  ...arm('fs', 'persist', 'in-place', 4, 6),
  ...arm('fs', 'curios', 'shadow', 8, 2),
  ...arm('fs', 'curios', 'in-place', 3, 4, 3),
  // a server whose persist arms never manifested
  ...arm('prng', 'persist', 'shadow', 0, 0, 4),
  ...arm('prng', 'curios', 'shadow', 4, 0),
];
const SUMMARY: CampaignSummary = { seed: 1, trials: TRIALS.length, digest: 'd', trialsPerSecond: 1, rows: aggregate(TRIALS) };

describe('effectsOf', () => {
  it('isolation is curios − persist under one policy, retry shadow − in-place in one mode, each with its Newcombe interval', () => {
    const fs = effectsOf(SUMMARY.rows).find((r) => r.server === 'fs');
    const of = (kind: string, held: string) => fs?.effects.find((e) => e.kind === kind && e.held === held);
    expect(of('isolation', 'shadow')).toEqual({ kind: 'isolation', held: 'shadow', difference: 8 / 10 - 5 / 10, ci95: newcombe(8, 10, 5, 10), n_with: 10, n_without: 10 });
    expect(of('isolation', 'in-place')).toEqual({ kind: 'isolation', held: 'in-place', difference: 3 / 7 - 4 / 10, ci95: newcombe(3, 7, 4, 10), n_with: 7, n_without: 10 });
    expect(of('retry', 'curios')).toEqual({ kind: 'retry', held: 'curios', difference: 8 / 10 - 3 / 7, ci95: newcombe(8, 10, 3, 7), n_with: 10, n_without: 7 });
    expect(of('retry', 'persist')?.difference).toBeCloseTo(0.1, 12);
  });

  it('has no rate where an arm never manifested, and no effect where an arm did not run', () => {
    const prng = effectsOf(SUMMARY.rows).find((r) => r.server === 'prng');
    expect(prng?.effects).toEqual([{ kind: 'isolation', held: 'shadow', difference: null, ci95: null, n_with: 4, n_without: 0 }]);
  });
});

describe('n per arm in every report', () => {
  const arms = armsOf({ modes: ['none', 'restart', 'persist', 'curios'], commits: ['shadow', 'in-place'] });
  const comparison = comparisonOf(SUMMARY, arms);

  it('compare prints each arm its own n and strict rate, then the effects', () => {
    const text = formatComparison(comparison, 'text');
    for (const line of text.trimEnd().split('\n')) expect(line.length).toBeLessThanOrEqual(100);
    const fsLine = text.split('\n').find((l) => /^fs\s+crash\s+\d/.test(l));
    // n and strict %: none 0/10, restart 2/10, persist/shadow 5/10, persist/in-place 4/10, curios/shadow 8/10, curios/in-place 3/7
    expect(fsLine?.split(/\s+/).slice(2)).toEqual(['10', '0', '10', '20', '10', '50', '10', '40', '10', '80', '7', '43']);
    expect(text).toMatch(/isolation@shadow\s+isolation@in-place\s+retry@curios\s+retry@persist/);
    expect(text).toMatch(/^fs\s+crash\s+\+30 \[/m);
  });

  it('compare carries the effects in every format', () => {
    const json = JSON.parse(formatComparison(comparison, 'json')) as { effects: string[]; rows: { server: string; effects: unknown[] }[] };
    expect(json.effects).toEqual(['isolation@shadow', 'isolation@in-place', 'retry@curios', 'retry@persist']);
    expect(json.rows.find((r) => r.server === 'fs')?.effects).toEqual(effectsOf(SUMMARY.rows).find((r) => r.server === 'fs')?.effects);
    expect(formatComparison(comparison, 'csv').split('\r\n')[0]).toMatch(/,isolation@shadow\.difference,isolation@shadow\.lo,isolation@shadow\.hi,/);
    expect(formatComparison(comparison, 'md')).toMatch(/\| fs \| crash \| \+30\.0 \[/);
    expect(formatComparison(comparison, 'html')).toContain('<h2>What each mechanism buys</h2>');
  });

  it.each(REPORT_FORMATS)('%s names each arm by mode and commit policy, beside its own manifested count', (format) => {
    const out = formatSummary(SUMMARY, format);
    if (format === 'json') {
      const rows = (JSON.parse(out) as CampaignSummary).rows;
      expect(rows.map((r) => [r.mode, r.commit, r.manifested])).toEqual(SUMMARY.rows.map((r) => [r.mode, r.commit, r.manifested]));
      return;
    }
    // a table row: a line, or in html what ends at </tr> (the chart's bar labels are not table rows)
    const rows = format === 'html' ? out.replace(/\n/g, ' ').split('</tr>').map((r) => r.slice(r.lastIndexOf('<tr'))) : out.split(/\r?\n/);
    const fsCuriosInPlace = rows.filter((l) => /fs/.test(l) && /curios/.test(l) && /in-place/.test(l));
    expect(fsCuriosInPlace).toHaveLength(1);
    // 10 trials, 7 manifested: the arm's own n, not another arm's (the compact text table shows n alone)
    expect(fsCuriosInPlace[0]).toMatch(format === 'text' ? /in-place\s+7\b/ : /\b10\b[^0-9]+\b7\b/);
  });
});

it('wilson and newcombe agree on one arm against a certain other (0 of n)', () => {
  const [lo, hi] = newcombe(6, 10, 0, 10);
  expect(lo).toBeGreaterThan(0);
  expect(hi).toBeLessThanOrEqual(wilson(6, 10)[1]);
});
