// The null IPC loop of `npm run bench` (bench/kernel.ts), on its own so that it can be profiled
// without the rest: a client calls, a server replies (replyRecv), two words each way.
//
//   node --import tsx bench/null-ipc.ts [seconds]                      round trips per CPU second, in
//       turns with the plain call (100 ms of each): the host's own speed swings, by up to 2× from one
//       minute to the next on a shared machine, and moves both alike (docs/testing.md)
//   node --cpu-prof --cpu-prof-dir=/tmp/ipcprof --import tsx bench/null-ipc.ts   and its profile
//   node --import tsx bench/null-ipc.ts --round-trips N               100,000 round trips to warm
//       up, then N more, printing nothing: run under valgrind --tool=callgrind with N = 100,000 and
//       300,000, the difference of the two counts over 200,000 is the instructions per round trip
//       (docs/testing.md)
import { Machine } from '../src/hw/machine.ts';
import { Kernel } from '../src/kernel/kernel.ts';
import type { Message } from '../src/kernel/objects.ts';
import * as sys from '../src/kernel/sys.ts';
import { cpuMs, rateFor, runFor } from './cpu-time.ts';

/** the words each message carries, both ways: the loop's and the plain call's */
const WORDS = [1, 2];

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

/**
 * The baseline: the same work without the simulation, a plain call that copies the words there and
 * back; `batch(n)` makes n such calls and answers n.
 */
export function plainCallLoop(): { batch(calls: number): number } {
  const echo = (m: Message): Message => ({ label: m.label, words: m.words.slice() });
  let sink = 0;
  return {
    batch(n: number): number {
      for (let i = 0; i < n; i++) {
        const request: Message = { label: i, words: WORDS.slice() };
        sink += echo(request).words.length;
      }
      if (sink === 0) throw new Error('baseline did no work');
      return n;
    },
  };
}

/**
 * Runs the loop and the plain call in turns, 100 ms of CPU each, for `seconds` after a 1 s warm-up;
 * prints each one's best and median slice and the median of the slices' ratios.
 */
function main(seconds: number): void {
  const loop = nullIpcLoop();
  const plain = plainCallLoop();
  const ipc: number[] = [];
  const calls: number[] = [];
  const ratios: number[] = [];
  runFor(() => (loop.batch(1_000), 1_000), 1000);
  runFor(() => plain.batch(10_000), 200);
  const end = cpuMs() + seconds * 1000;
  while (cpuMs() < end) {
    ipc.push(rateFor(() => (loop.batch(10_000), 10_000), 100));
    calls.push(rateFor(() => plain.batch(100_000), 100));
    ratios.push(ipc[ipc.length - 1] / calls[calls.length - 1]);
  }
  const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
  const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
  const best = (xs: number[]): number => sorted(xs)[xs.length - 1];
  const median = (xs: number[]): number => sorted(xs)[xs.length >> 1];
  console.log(`over ${ipc.length} turns of 100 ms each, per CPU second:`);
  console.log(`  null IPC round trips  best ${fmt(best(ipc))}, median ${fmt(median(ipc))}`);
  console.log(`  plain calls           best ${fmt(best(calls))}, median ${fmt(median(calls))}`);
  console.log(`  ratio, median of the turns ${median(ratios).toFixed(4)} (from ${sorted(ratios)[0].toFixed(4)} to ${best(ratios).toFixed(4)})`);
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
