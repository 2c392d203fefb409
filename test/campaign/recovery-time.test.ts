// MTTR's one definition: from the fault behind a failure (the latest fired on its server at or
// before the detection) to the server's restart.
import { describe, expect, it } from 'vitest';
import { recoverCycles, timeToRecover } from '../../src/campaign/recovery-time.ts';
import type { RecoveryEvent } from '../../src/servers/supervisor/supervisor.ts';

const event = (over: Partial<RecoveryEvent>): RecoveryEvent => ({ server: 'fs', cause: 'exception', detected_at: 1_000, restarted_at: 1_400, outcome: 'restarted', retried: 0, aborted: 0, ...over });

describe('time to recover', () => {
  it('runs from the latest fault at or before the detection to the restart', () => {
    expect(timeToRecover([100, 900, 1_200], event({}))).toBe(1_400 - 900);
    expect(timeToRecover([1_000], event({}))).toBe(400);
  });

  it('is null without a restart, or without a fault behind the failure', () => {
    expect(timeToRecover([900], event({ restarted_at: null }))).toBeNull();
    expect(timeToRecover([1_001], event({}))).toBeNull();
    expect(timeToRecover([], event({}))).toBeNull();
  });

  it("a trial's is its first restarted failure's that a fault on that server caused", () => {
    const fired = [
      { server: 'disk', at_cycles: 50 },
      { server: 'fs', at_cycles: 900 },
    ];
    const events = [event({ server: 'net', detected_at: 60, restarted_at: 70 }), event({ restarted_at: null }), event({ detected_at: 2_000, restarted_at: 2_500 })];
    expect(recoverCycles({ fired, events })).toBe(2_500 - 900);
    expect(recoverCycles({ fired: [], events })).toBeNull();
  });
});
