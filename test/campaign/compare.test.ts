// `curios compare` lays the same data side by side in every format: per server × fault, each
// mode's n, strict and lenient recovery — the campaign's own figures — titled as a comparison;
// the text fits 100 columns.
import { describe, expect, it } from 'vitest';
import { comparisonOf, formatComparison } from '../../src/campaign/report/compare.ts';
import { REPORT_FORMATS } from '../../src/campaign/report/index.ts';
import { OUTCOMES, type CampaignSummary, type Outcome, type TrialResult } from '../../src/campaign/result-types.ts';
import { aggregate } from '../../src/campaign/stats.ts';
import { MODES, usesCommitPolicy, variantName, type Mode } from '../../src/ssr/modes.ts';
import { armsOf } from '../../src/campaign/campaign.ts';

const SERVERS = ['console', 'prng', 'fs', 'disk', 'net', 'timer', 'sched'];
const FAULTS = ['crash', 'hang', 'bitflip', 'regflip', 'wild-write', 'msg-corrupt'];

// Each server × fault × mode gets a different mix of outcomes, some thousands of trials.
function sample(): CampaignSummary {
  let index = 0;
  const trials: TrialResult[] = SERVERS.flatMap((server, s) =>
    FAULTS.flatMap((fault, f) =>
      MODES.flatMap((mode: Mode, m) =>
        Array.from({ length: 20 + s + f + m }, (_, k): TrialResult => {
          const outcome: Outcome = OUTCOMES[(k * (s + 1) + f + m) % OUTCOMES.length];
          return { index: index++, server, fault, mode, commit: usesCommitPolicy(mode) ? 'shadow' : null, outcome, traceHash: '0', recoverCycles: null, overheadCycles: 10, ops: 1 };
        }),
      ),
    ),
  );
  return { seed: 7, trials: trials.length, digest: 'a'.repeat(64), trialsPerSecond: 3, rows: aggregate(trials) };
}

const SUMMARY = sample();
// One commit policy: an arm per mode, named as the mode where it has none (`persist/shadow` else).
const ARMS = armsOf({ modes: [...MODES], commits: ['shadow'] });
const NAMES = ARMS.map((a) => variantName(a.mode, a.commit));
const COMPARISON = comparisonOf(SUMMARY, ARMS);

describe('compare', () => {
  it('carries each mode\'s figures of the campaign, per server × fault', () => {
    expect(COMPARISON.rows).toHaveLength(SERVERS.length * FAULTS.length);
    for (const row of SUMMARY.rows) {
      const cell = COMPARISON.rows.find((r) => r.server === row.server && r.fault === row.fault)?.modes[variantName(row.mode, row.commit)];
      expect(cell).toEqual({ n: row.manifested, strict: row.recoveryStrict, ci95Strict: row.ci95Strict, lenient: row.recoveryLenient, ci95Lenient: row.ci95Lenient });
    }
  });

  it('is titled as a comparison in every format', () => {
    for (const format of REPORT_FORMATS) {
      const text = formatComparison(COMPARISON, format);
      if (format === 'json') expect(JSON.parse(text)).toMatchObject({ kind: 'comparison', modes: NAMES });
      // A CSV file is its table; its header names each mode's columns.
      else if (format === 'csv') expect(text.split('\r\n')[0]).toMatch(/^server,fault,none\.n,none\.strict,/);
      else expect(text).toContain('curios compare: recovery per mode, side by side');
    }
  });

  it('text: every mode side by side, within 100 columns', () => {
    const lines = formatComparison(COMPARISON, 'text').trimEnd().split('\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
    const header = lines.find((l) => l.startsWith('server'));
    expect(header?.split(/\s+/)).toEqual(['server', 'fault', ...MODES.flatMap(() => ['n', 'str%', 'len%'])]);
    const fsCrash = lines.find((l) => l.startsWith('fs ') && l.includes(' crash '));
    const words = fsCrash?.split(/\s+/).slice(2) ?? [];
    MODES.forEach((mode, m) => {
      const row = SUMMARY.rows.find((r) => r.server === 'fs' && r.fault === 'crash' && r.mode === mode);
      expect(words[3 * m]).toBe(String(row?.manifested));
      expect(words[3 * m + 1]).toBe(row?.recoveryStrict === null ? '-' : ((row?.recoveryStrict ?? 0) * 100).toFixed(0));
    });
  });

  it('csv and md: one line per server × fault, with every mode\'s columns', () => {
    const csv = formatComparison(COMPARISON, 'csv').trimEnd().split('\r\n');
    expect(csv).toHaveLength(1 + COMPARISON.rows.length);
    // every mode's 7 columns, then each effect's difference and interval (here isolation@shadow: curios − persist)
    expect(COMPARISON.effects).toEqual(['isolation@shadow']);
    for (const line of csv) expect(line.split(',')).toHaveLength(2 + 7 * MODES.length + 3 * COMPARISON.effects.length);
    const [table, effects] = formatComparison(COMPARISON, 'md').split('\n\n').filter((block) => block.startsWith('|'));
    expect(table.split('\n')).toHaveLength(2 + COMPARISON.rows.length);
    for (const line of table.split('\n')) expect(line.split(' | ')).toHaveLength(2 + 3 * MODES.length);
    expect(effects.split('\n')).toHaveLength(2 + COMPARISON.rows.length);
  });

  it('html: self-contained, a column group per mode, the legend', () => {
    const html = formatComparison(COMPARISON, 'html');
    expect(html).not.toMatch(/https?:\/\/|<script|src=|href=/i);
    for (const name of NAMES) expect(html).toContain(`<th colspan="3" class="mode">${name}</th>`);
    // a row per server × fault in the mode table, and again in the effects table
    expect(html.match(/<tr><td>/g)).toHaveLength(2 * COMPARISON.rows.length);
    expect(html).toContain('strict recovery = (masked + recovered) / manifested');
  });
});
