// What each client saw, against what it sees without faults: the k-th observation of a client in
// the faulty run is compared with the k-th of the same client in the golden run, as the demo and
// the campaigns judge (an error the golden run gets too is the workload's, not the fault's).
// Observations come in at different speeds from the two runs, so each side waits in a bounded
// queue for its twin; an observation pushed out of a full queue is counted as unjudged.
//
// As in classifyOutcome, a wrong result counts as silent only until the client has been told of an
// error by that server: after it, a difference (a timer id drawn from a reset SSR, a read of a
// file a restart forgot) is the consequence the client was warned of, and counts as `other`.
import type { Observation } from '../../src/servers/framework/module.ts';
import { judge, type Verdict } from '../../src/campaign/verdict.ts';
import { DASHBOARD_LIMITS } from '../limits.ts';

export interface ClientTally {
  client: number;
  /** observations the client made in the faulty run */
  ops: number;
  /** errors the golden run did not get (stale handles included) */
  errors: number;
  stale: number;
  /** OK with a different result, before any error from that server: silent corruption */
  wrong: number;
  /** any other difference: results after the client was told of an error by that server, or OK where the golden run failed */
  other: number;
  /** observations never compared (their twin fell out of a full queue) */
  unjudged: number;
  /** the latest difference from the golden run, e.g. "fs.read EBADF (golden OK)" */
  last: string | null;
}

export interface Judged {
  client: number;
  verdict: Exclude<Verdict, 'same'>;
  observed: Observation;
  expected: Observation;
  index: number;
}

class Queue {
  readonly items: Observation[] = [];
  /** the index (in the client's history) of items[0] */
  first = 0;

  push(batch: readonly Observation[]): number {
    this.items.push(...batch);
    const over = this.items.length - DASHBOARD_LIMITS.judge_queue_max;
    if (over <= 0) return 0;
    this.items.splice(0, over);
    this.first += over;
    return over;
  }

  get end(): number {
    return this.first + this.items.length;
  }
}

export class ObservationJudge {
  readonly tallies: ClientTally[];
  private readonly seen: Queue[];
  private readonly golden: Queue[];
  /** per client, the servers that have told it of an error */
  private readonly warned: Set<string>[];

  /** `serverOf(client, index)` names the server of a client's index-th observation (null: unknown). */
  constructor(
    clients: number,
    private readonly serverOf: (client: number, index: number) => string | null = () => null,
  ) {
    this.tallies = Array.from({ length: clients }, (_, client) => ({ client, ops: 0, errors: 0, stale: 0, wrong: 0, other: 0, unjudged: 0, last: null }));
    this.warned = this.tallies.map(() => new Set<string>());
    this.seen = this.tallies.map(() => new Queue());
    this.golden = this.tallies.map(() => new Queue());
  }

  /** How many golden observations client c needs before everything it has seen can be judged. */
  goldenNeeded(client: number): number {
    return this.seen[client].end;
  }

  goldenHave(client: number): number {
    return this.golden[client].end;
  }

  /** Takes new observations of both runs and returns the differences found. */
  add(client: number, seen: readonly Observation[], golden: readonly Observation[]): Judged[] {
    const t = this.tallies[client];
    t.ops += seen.length;
    // Observations pushed out of a full queue are never judged; those of the golden run are
    // counted when their twins are skipped below.
    t.unjudged += this.seen[client].push(seen);
    this.golden[client].push(golden);
    return this.compare(client);
  }

  private compare(client: number): Judged[] {
    const t = this.tallies[client];
    const s = this.seen[client];
    const g = this.golden[client];
    // Whatever one side dropped can never be compared: skip the other side past it.
    const start = Math.max(s.first, g.first);
    for (const q of [s, g]) {
      const skip = Math.min(start - q.first, q.items.length);
      if (q === s) t.unjudged += skip;
      q.items.splice(0, skip);
      q.first += skip;
    }
    const out: Judged[] = [];
    while (s.items.length > 0 && g.items.length > 0) {
      const observed = s.items.shift() as Observation;
      const expected = g.items.shift() as Observation;
      const index = s.first++;
      g.first++;
      const first = judge(expected, observed);
      if (first === 'same') continue;
      const server = this.serverOf(client, index) ?? '?';
      const verdict = first === 'wrong' && this.warned[client].has(server) ? 'other' : first;
      if (verdict === 'error' || verdict === 'stale') {
        t.errors++;
        this.warned[client].add(server);
      }
      if (verdict === 'stale') t.stale++;
      if (verdict === 'wrong') t.wrong++;
      if (verdict === 'other') t.other++;
      out.push({ client, verdict, observed, expected, index });
    }
    return out;
  }
}
