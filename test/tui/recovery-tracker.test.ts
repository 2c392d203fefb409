// Recovery statistics: each failure is traced to the fault behind it — the latest fired on that
// server before it was detected, even when a later fault arrives in the same batch.
import { describe, expect, it } from 'vitest';
import type { FiredFault } from '../../src/faults/injector.ts';
import type { RecoveryEvent } from '../../src/servers/supervisor/supervisor.ts';
import { RecoveryTracker } from '../../tui/live/recovery-tracker.ts';

const fault = (server: string, at_cycles: number): FiredFault => ({ index: 0, kind: 'crash', server, at_cycles, client: null, hit: 'request', through: null, effect: 'crash' });
const failure = (server: string, detected_at: number, over: Partial<RecoveryEvent> = {}): RecoveryEvent => ({ server, cause: 'exception', detected_at, restarted_at: null, outcome: 'restarted', retried: 0, aborted: 0, ...over });

describe('RecoveryTracker', () => {
  it('measures from the fault before the detection to the restart', () => {
    const r = new RecoveryTracker();
    r.fired(fault('timer', 1_000));
    r.fired(fault('timer', 5_000));
    const e = failure('timer', 1_200);
    r.failed(e);
    e.restarted_at = 2_000;
    r.restartedAt(e);
    expect(r.stats()).toMatchObject({ faults_fired: 2, failures: 1, restarted: 1, mttr_cycles: 1_000, detect_cycles: 200, by_cause: { exception: 1 } });
  });

  it('counts failures left down, ignored, and a supervisor that gave up', () => {
    const r = new RecoveryTracker();
    r.failed(failure('fs', 10, { outcome: 'down' }));
    r.failed(failure('net', 20, { outcome: 'ignored', cause: 'hang' }));
    r.failed(failure('prng', 30, { outcome: 'given-up' }));
    expect(r.stats()).toMatchObject({ failures: 3, restarted: 0, down: 1, ignored: 1, given_up: true, mttr_cycles: null, detect_cycles: null, by_cause: { exception: 2, hang: 1 } });
  });

  it('refuses a restart that has not happened', () => {
    const r = new RecoveryTracker();
    const e = failure('fs', 10);
    r.failed(e);
    expect(() => r.restartedAt(e)).toThrow(/invariant/);
  });
});
