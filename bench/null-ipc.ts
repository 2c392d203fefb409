// The null IPC loop of `npm run bench` (bench/kernel.ts), on its own so that it can be profiled
// without the rest: a client calls, a server replies (replyRecv), two words each way.
//
//   node --import tsx bench/null-ipc.ts [seconds]                      round trips per CPU second
//   node --cpu-prof --cpu-prof-dir=/tmp/ipcprof --import tsx bench/null-ipc.ts   and its profile
//   node --import tsx bench/null-ipc.ts --round-trips N               100,000 round trips to warm
//       up, then N more, printing nothing: run under valgrind --tool=callgrind with N = 100,000 and
//       300,000, the difference of the two counts over 200,000 is the instructions per round trip
//       (docs/testing.md)
import { Machine } from '../src/hw/machine.ts';
import { Kernel } from '../src/kernel/kernel.ts';
import * as sys from '../src/kernel/sys.ts';
import { cpuMs, rateFor, runFor } from './cpu-time.ts';

export const WORDS = [1, 2];

/** A kernel running the loop; `batch(n)` runs n more round trips. */
export function nullIpcLoop(): { batch(round_trips: number): void } {
  const k = new Kernel(new Machine());
  const ep = k.createEndpoint('bench');
  const server = k.createTask('server');
  const client = k.createTask('client');
  const s_slot = k.giveCap(server, k.endpointCap(ep, 0, { recv: true }));
  const c_slot = k.giveCap(client, k.endpointCap(ep, 1, { send: true }));
  k.spawnThread(server, 'main', function* () {
    let r = yield* sys.recv(s_slot);
    for (;;) r = yield* sys.replyRecv({ label: r.label, words: r.words }, s_slot);
  });
  let round_trips = 0;
  k.spawnThread(client, 'main', function* () {
    for (;;) {
      yield* sys.call(c_slot, { label: 1, words: WORDS });
      round_trips++;
    }
  });
  return {
    batch(n: number): void {
      const target = round_trips + n;
      const stop = k.run({ until: () => round_trips >= target });
      if (stop !== 'until') throw new Error(`null IPC loop stopped: ${stop} ${k.panic_reason ?? ''}`);
    },
  };
}

/** Runs the loop for `seconds` of this process's CPU after a 1 s warm-up; prints the best and the median of its 100 ms slices. */
function main(seconds: number): void {
  const loop = nullIpcLoop();
  const rates: number[] = [];
  runFor(() => (loop.batch(1_000), 1_000), 1000);
  const end = cpuMs() + seconds * 1000;
  while (cpuMs() < end) rates.push(rateFor(() => (loop.batch(10_000), 10_000), 100));
  rates.sort((a, b) => a - b);
  const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
  console.log(`null IPC round trips per CPU second over ${rates.length} slices of 100 ms: best ${fmt(rates[rates.length - 1])}, median ${fmt(rates[rates.length >> 1])}`);
}

/** Warms the loop up with 100,000 round trips, then runs `round_trips` more. */
function runFixed(round_trips: number): void {
  const loop = nullIpcLoop();
  for (let i = 0; i < 100; i++) loop.batch(1_000);
  for (let done = 0; done < round_trips; done += 1_000) loop.batch(1_000);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv[2] === '--round-trips') runFixed(Number(process.argv[3]));
  else main(Number(process.argv[2] ?? 5));
}
