// The supervisor's restart policy, as a pure state machine (so that it can be checked against a
// model of its anchors, and so that the supervisor thread only carries it out).
//
// - Restart types (Erlang/OTP): `permanent` children are always restarted; `transient` ones only
//   after an abnormal exit (a crash or a hang, not a normal exit); `temporary` ones never.
// - Intensity (OTP): at most `intensity` restarts in any window of `period_cycles` (a sliding
//   window over every restart this supervisor made, its edge included as in OTP: a restart
//   exactly `period_cycles` old still counts); one more and the supervisor gives up: every child
//   is stopped and the failure escalates.
// - Backoff (MINIX 3): a child's first restart in the window is immediate; each further one in the
//   same window waits `backoff_base_cycles` × 2^(n−2), capped at `backoff_max_cycles`.
// - Strategies (OTP): `one-for-one` restarts the failed child; `one-for-all` every child;
//   `rest-for-one` the failed child and every child started after it (children that depend on it).
import type { Cycles } from '../../hw/types.ts';

export const RESTART_TYPES = ['permanent', 'transient', 'temporary'] as const;
export type RestartType = (typeof RESTART_TYPES)[number];
export const STRATEGIES = ['one-for-one', 'one-for-all', 'rest-for-one'] as const;
export type Strategy = (typeof STRATEGIES)[number];
export type ExitReason = 'crash' | 'hang' | 'normal';

export interface RestartPolicyConfig {
  strategy: Strategy;
  /** R: restarts allowed in any window of `period_cycles` */
  intensity: number;
  /** T: the sliding window, in cycles */
  period_cycles: Cycles;
  backoff_base_cycles: Cycles;
  backoff_max_cycles: Cycles;
  /** per child; a child not named is `permanent` */
  restart_types: Record<string, RestartType>;
}

export const DEFAULT_POLICY: Readonly<RestartPolicyConfig> = Object.freeze({
  strategy: 'one-for-one',
  intensity: 5,
  period_cycles: 5_000_000,
  backoff_base_cycles: 50_000,
  backoff_max_cycles: 1_600_000,
  restart_types: {},
});

export type Decision =
  | { kind: 'ignore'; child: string }
  | { kind: 'restart'; children: string[]; delay_cycles: Cycles }
  | { kind: 'give-up'; children: string[]; reason: string };

export class RestartPolicy {
  /** times of every restart made, oldest first (the intensity window) */
  private restarts: Cycles[] = [];
  /** per child, times of its own restarts (the backoff count) */
  private readonly child_restarts = new Map<string, Cycles[]>();
  given_up = false;

  constructor(
    readonly config: RestartPolicyConfig,
    readonly children: readonly string[],
  ) {
    if (!Number.isInteger(config.intensity) || config.intensity < 0) throw new RangeError(`intensity must be a non-negative integer, got ${config.intensity}`);
    if (!Number.isInteger(config.period_cycles) || config.period_cycles < 1) throw new RangeError(`period must be a positive number of cycles, got ${config.period_cycles}`);
    for (const name of Object.keys(config.restart_types)) if (!children.includes(name)) throw new Error(`restart type given for unknown child ${name}`);
  }

  typeOf(child: string): RestartType {
    return this.config.restart_types[child] ?? 'permanent';
  }

  onExit(child: string, now: Cycles, reason: ExitReason): Decision {
    if (!this.children.includes(child)) throw new Error(`unknown child ${child}`);
    if (this.given_up) return { kind: 'ignore', child };
    const type = this.typeOf(child);
    if (type === 'temporary' || (type === 'transient' && reason === 'normal')) return { kind: 'ignore', child };
    const since = now - this.config.period_cycles;
    this.restarts = this.restarts.filter((t) => t >= since);
    if (this.restarts.length + 1 > this.config.intensity) {
      this.given_up = true;
      return { kind: 'give-up', children: this.children.slice(), reason: `more than ${this.config.intensity} restarts in ${this.config.period_cycles} cycles` };
    }
    this.restarts.push(now);
    const mine = (this.child_restarts.get(child) ?? []).filter((t) => t >= since);
    mine.push(now);
    this.child_restarts.set(child, mine);
    const n = mine.length;
    const delay = n <= 1 ? 0 : Math.min(this.config.backoff_base_cycles * 2 ** (n - 2), this.config.backoff_max_cycles);
    return { kind: 'restart', children: this.affected(child), delay_cycles: delay };
  }

  private affected(child: string): string[] {
    const restartable = (c: string) => c === child || this.typeOf(c) !== 'temporary';
    switch (this.config.strategy) {
      case 'one-for-one':
        return [child];
      case 'one-for-all':
        return this.children.filter(restartable);
      case 'rest-for-one':
        return this.children.slice(this.children.indexOf(child)).filter(restartable);
    }
  }
}
