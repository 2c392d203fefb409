// This process's CPU time, and loops run for a span of it: what every rate of the bench is
// measured in (not wall time, so that other processes on a shared machine count less).

/** This process's CPU time so far (user and system), in milliseconds. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Runs `batch` (which answers how many operations it did) again and again for about `cpu_ms` of CPU: the operations, in how long. */
export function runFor(batch: () => number, cpu_ms: number): { ops: number; ms: number } {
  const start = cpuMs();
  let ops = 0;
  while (cpuMs() - start < cpu_ms) ops += batch();
  return { ops, ms: cpuMs() - start };
}

/** Operations per CPU second of `batch`, run for about `cpu_ms`. */
export function rateFor(batch: () => number, cpu_ms: number): number {
  const { ops, ms } = runFor(batch, cpu_ms);
  return (ops * 1000) / ms;
}
