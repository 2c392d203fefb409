// A trial file (`curios replay --trial FILE`, what `curios seeds export` prints) is checked as a
// whole before it is run: its "expected", when there is one, must name an outcome and a trace hash
// — a malformed expectation is refused, never silently dropped (which would turn a check into a
// plain run that always passes).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTrialData } from '../../src/campaign/replay.ts';
import { corpusEntries } from '../corpus/corpus.ts';

const valid = JSON.parse(readFileSync(corpusEntries()[0].path, 'utf8')) as { config: unknown; plan: unknown; expected: { outcome: string; traceHash: string } };

const problem = (raw: unknown): string => {
  try {
    parseTrialData(raw);
    return 'accepted';
  } catch (e) {
    return (e as Error).message;
  }
};

describe('a trial file', () => {
  it('is accepted with or without an expectation', () => {
    expect(problem(valid)).toBe('accepted');
    expect(problem({ config: valid.config, plan: valid.plan })).toBe('accepted');
  });

  it('with a malformed expectation is refused, naming the field', () => {
    expect(problem({ ...valid, expected: 'masked' })).toBe('trial.expected must be an object {"outcome", "traceHash"}');
    expect(problem({ ...valid, expected: { ...valid.expected, outcome: 'exploded' } })).toMatch(/^trial\.expected\.outcome must be one of not-activated, /);
    expect(problem({ ...valid, expected: { outcome: valid.expected.outcome } })).toBe('trial.expected.traceHash must be a string (the trace hash the replay must give)');
  });
});
