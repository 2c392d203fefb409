// MTTR, defined once. A failure's time to recover runs from the fault behind it — the latest fault
// fired on that server at or before the supervisor detected the failure — to the server's restart
// (its next incarnation running: calls that waited meanwhile are delivered to it from then on).
// MTTR is the mean of it over the failures that were restarted and that a fault caused. Campaigns
// (a trial's `recoverCycles`, a row's `mttrCycles`) and the dashboard's recovery panel read it here.
import type { Cycles } from '../hw/types.ts';
import type { RecoveryEvent } from '../servers/supervisor/supervisor.ts';

/** A failure's time to recover, given the times faults fired on its server; null when it was not restarted or no fault came before it. */
export function timeToRecover(fault_times: readonly Cycles[], e: Pick<RecoveryEvent, 'detected_at' | 'restarted_at'>): Cycles | null {
  if (e.restarted_at === null) return null;
  let behind: Cycles | null = null;
  for (const t of fault_times) if (t <= e.detected_at && (behind === null || t > behind)) behind = t;
  return behind === null ? null : e.restarted_at - behind;
}

/** A trial's time to recover: that of its first restarted failure a fault caused; null when there is none. */
export function recoverCycles(trial: { fired: readonly { server: string; at_cycles: Cycles }[]; events: readonly RecoveryEvent[] }): Cycles | null {
  for (const e of trial.events) {
    const t = timeToRecover(
      trial.fired.filter((f) => f.server === e.server).map((f) => f.at_cycles),
      e,
    );
    if (t !== null) return t;
  }
  return null;
}
