// An independent model of the supervisor's restart semantics, for the policy test and the
// system-level supervisor test. It keeps the whole history and asks plain questions of it; it
// shares no code with src/servers/supervisor/policy.ts:
// - restart types (OTP): permanent always restarted; transient only after an abnormal exit;
//   temporary never. An ignored exit is not a restart and counts for nothing.
// - intensity (OTP): a restart that would make more than R restarts within the last T cycles
//   gives up instead; from then on every exit is ignored.
// - backoff (MINIX 3): the n-th restart of the same child within the last T cycles waits 0 for
//   n = 1, then base × 2^(n−2), capped at the maximum.
// - strategies (OTP): one-for-one the child; one-for-all every child; rest-for-one the child and
//   every child after it in start order — never a temporary child other than the failed one.
import type { ExitReason, RestartPolicyConfig, RestartType } from '../../src/servers/supervisor/policy.ts';

/** Whether a restart made at `then` is within the window at `now`: OTP's `Now =< Then + Period`. */
export const inWindow = (then: number, now: number, period: number): boolean => now - then <= period;

export type Expected = { kind: 'ignore' } | { kind: 'restart'; children: string[]; delay_cycles: number } | { kind: 'give-up'; children: string[] };

export class PolicyModel {
  private readonly restarts: number[] = [];
  private readonly restarts_of = new Map<string, number[]>();
  gave_up = false;

  constructor(
    private readonly config: RestartPolicyConfig,
    private readonly children: readonly string[],
    private readonly window: (then: number, now: number, period: number) => boolean = inWindow,
  ) {}

  private typeOf(child: string): RestartType {
    return this.config.restart_types[child] ?? 'permanent';
  }

  exit(child: string, now: number, reason: ExitReason): Expected {
    if (this.gave_up) return { kind: 'ignore' };
    const type = this.typeOf(child);
    if (type === 'temporary') return { kind: 'ignore' };
    if (type === 'transient' && reason === 'normal') return { kind: 'ignore' };
    const recent = this.restarts.filter((t) => this.window(t, now, this.config.period_cycles)).length;
    if (recent + 1 > this.config.intensity) {
      this.gave_up = true;
      return { kind: 'give-up', children: [...this.children] };
    }
    this.restarts.push(now);
    const mine = this.restarts_of.get(child) ?? [];
    const n = mine.filter((t) => this.window(t, now, this.config.period_cycles)).length + 1;
    this.restarts_of.set(child, [...mine, now]);
    const delay_cycles = n === 1 ? 0 : Math.min(this.config.backoff_base_cycles * 2 ** (n - 2), this.config.backoff_max_cycles);
    return { kind: 'restart', children: this.affected(child), delay_cycles };
  }

  private affected(child: string): string[] {
    const i = this.children.indexOf(child);
    const candidates = this.config.strategy === 'one-for-one' ? [child] : this.config.strategy === 'one-for-all' ? this.children : this.children.slice(i);
    return candidates.filter((c) => c === child || this.typeOf(c) !== 'temporary');
  }
}

