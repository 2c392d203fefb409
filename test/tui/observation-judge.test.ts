// Judging what a client saw against the golden run, observation by observation, as the two runs
// deliver them at different speeds.
import { describe, expect, it } from 'vitest';
import type { Observation } from '../../src/servers/framework/module.ts';
import { DASHBOARD_LIMITS } from '../../tui/limits.ts';
import { judge } from '../../src/campaign/verdict.ts';
import { ObservationJudge } from '../../tui/live/observation-judge.ts';

const ok = (...value: number[]): Observation => ({ status: 'OK', value });
const err = (status: Observation['status']): Observation => ({ status, value: [] });

describe('judge', () => {
  it('names each kind of difference', () => {
    expect(judge(ok(1), ok(1))).toBe('same');
    expect(judge(ok(1), err('EBADF'))).toBe('stale');
    expect(judge(ok(1), err('EIO'))).toBe('error');
    expect(judge(ok(1), ok(2))).toBe('wrong');
    // The golden run failed too, differently: not a new error the client was told of.
    expect(judge(err('ENOENT'), ok())).toBe('other');
    expect(judge(err('ENOENT'), err('ENOENT'))).toBe('same');
  });
});

describe('ObservationJudge', () => {
  it('compares the k-th observations of both runs, whichever arrives first', () => {
    const j = new ObservationJudge(2);
    expect(j.add(0, [ok(1), err('EBADF'), ok(9)], [])).toEqual([]);
    expect(j.goldenNeeded(0)).toBe(3);
    expect(j.goldenHave(0)).toBe(0);
    const found = j.add(0, [], [ok(1), ok(2), ok(3)]);
    // With no server named, every observation is one server's: the wrong result after the stale
    // handle is a consequence the client was told of.
    expect(found.map((f) => [f.index, f.verdict])).toEqual([
      [1, 'stale'],
      [2, 'other'],
    ]);
    expect(j.tallies[0]).toMatchObject({ ops: 3, errors: 1, stale: 1, wrong: 0, other: 1, unjudged: 0 });
    expect(j.tallies[1]).toMatchObject({ ops: 0, errors: 0 });
  });

  it('counts a wrong result as silent only until that server told the client of an error', () => {
    const servers = ['timer', 'timer', 'fs', 'timer'];
    const j = new ObservationJudge(1, (_c, index) => servers[index] ?? null);
    const found = j.add(0, [ok(2), err('ESTALE'), ok(7), ok(9)], [ok(1), ok(1), ok(6), ok(8)]);
    expect(found.map((f) => f.verdict)).toEqual(['wrong', 'stale', 'wrong', 'other']);
    expect(j.tallies[0]).toMatchObject({ errors: 1, stale: 1, wrong: 2, other: 1 });
  });

  it('keeps its queues bounded and counts what it could not judge', () => {
    const j = new ObservationJudge(1);
    const many = Array.from({ length: DASHBOARD_LIMITS.judge_queue_max + 10 }, (_, i) => ok(i));
    j.add(0, many, []);
    j.add(0, [], many);
    expect(j.tallies[0].unjudged).toBe(10);
    expect(j.tallies[0].ops).toBe(many.length);
    expect(j.tallies[0].errors).toBe(0);
  });
});
