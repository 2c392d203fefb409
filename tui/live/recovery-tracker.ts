// Recovery statistics of a live run: faults fired, failures the supervisor detected (by cause),
// how many it restarted, and how long recovery took — MTTR as campaigns define it
// (src/campaign/recovery-time.ts) — and from the fault behind a failure to its detection.
import type { FiredFault } from '../../src/faults/injector.ts';
import type { Cycles } from '../../src/hw/types.ts';
import type { RecoveryEvent } from '../../src/servers/supervisor/supervisor.ts';
import { timeToRecover } from '../../src/campaign/recovery-time.ts';

export interface RecoveryStats {
  faults_fired: number;
  failures: number;
  by_cause: Record<string, number>;
  restarted: number;
  down: number;
  ignored: number;
  given_up: boolean;
  /** MTTR: mean time to recover over restarted failures a fault caused (null: none yet) */
  mttr_cycles: number | null;
  /** mean cycles from the fault to its detection (null: none yet) */
  detect_cycles: number | null;
  /** broken invariants found in idle servers that no client has read (see damage-watch.ts) */
  latent_damage: number;
}

/** Fault times remembered per server: a batch of events may hold faults fired after a detection. */
const FAULT_TIMES_KEPT = 8;

export class RecoveryTracker {
  private readonly fault_times = new Map<string, Cycles[]>();
  /** per failure awaiting its restart, the fault times on its server when it was detected */
  private readonly faults_behind = new Map<RecoveryEvent, Cycles[]>();
  private faults_fired = 0;
  private failures = 0;
  private readonly by_cause: Record<string, number> = {};
  private restarted = 0;
  private down = 0;
  private ignored = 0;
  private given_up = false;
  private recover_sum = 0;
  private recovered_with_fault = 0;
  private detect_sum = 0;
  private detected_with_fault = 0;
  private latent_damage = 0;

  fired(f: FiredFault): void {
    this.faults_fired++;
    const times = this.fault_times.get(f.server) ?? [];
    times.push(f.at_cycles);
    if (times.length > FAULT_TIMES_KEPT) times.shift();
    this.fault_times.set(f.server, times);
  }

  /** A failure the supervisor recorded; its outcome is already known unless it is a pending restart. */
  failed(e: RecoveryEvent): void {
    this.failures++;
    this.by_cause[e.cause] = (this.by_cause[e.cause] ?? 0) + 1;
    // The fault behind it: the latest fired on that server before it was detected.
    const times = (this.fault_times.get(e.server) ?? []).slice();
    const at = times.filter((t) => t <= e.detected_at).at(-1);
    if (at !== undefined) {
      this.detect_sum += e.detected_at - at;
      this.detected_with_fault++;
    }
    this.faults_behind.set(e, times);
    if (e.outcome === 'down') this.down++;
    if (e.outcome === 'ignored') this.ignored++;
    if (e.outcome === 'given-up') this.given_up = true;
  }

  /** A failure's restart happened (its restarted_at is set). */
  restartedAt(e: RecoveryEvent): void {
    if (e.restarted_at === null) throw new Error('invariant: restartedAt called before the restart');
    this.restarted++;
    const t = timeToRecover(this.faults_behind.get(e) ?? [], e);
    if (t !== null) {
      this.recover_sum += t;
      this.recovered_with_fault++;
    }
    this.faults_behind.delete(e);
  }

  /** A broken invariant found in an idle server (latent damage). */
  damaged(): void {
    this.latent_damage++;
  }

  /** Forgets failures that will never restart (the supervisor gave up or shut them down). */
  settled(e: RecoveryEvent): void {
    this.faults_behind.delete(e);
  }

  stats(): RecoveryStats {
    return {
      faults_fired: this.faults_fired,
      failures: this.failures,
      by_cause: { ...this.by_cause },
      restarted: this.restarted,
      down: this.down,
      ignored: this.ignored,
      given_up: this.given_up,
      mttr_cycles: this.recovered_with_fault === 0 ? null : this.recover_sum / this.recovered_with_fault,
      detect_cycles: this.detected_with_fault === 0 ? null : this.detect_sum / this.detected_with_fault,
      latent_damage: this.latent_damage,
    };
  }
}
