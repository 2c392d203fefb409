// Preloaded into a command (`node --import ./bench/cpu-split.mjs bin/curios.mjs …`), prints on
// stderr, when the process exits, the CPU seconds it used itself and those its child processes
// used (the campaign's workers, once reaped), each user + system; and, per child process, its
// JavaScript thread's CPU apart from its other threads' (V8's compiler and garbage-collector
// helpers, libuv's), sampled from /proc/PID/task/*/stat every 20 ms while the child lives (the
// last sample before it ends: up to 20 ms of a child's CPU can be missed). Linux only (clock ticks
// of 10 ms; the children's total from /proc/self/stat: cutime and cstime).
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_S = 100;
const SAMPLE_MS = 20;

/** utime + stime of a /proc stat line, in ticks (the fields after the command name, which may hold spaces, start at state). */
function ticksOf(stat) {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[14 - 3]) + Number(fields[15 - 3]);
}

function childrenSeconds() {
  // cutime and cstime are fields 16 and 17.
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[16 - 3]) + Number(fields[17 - 3])) / TICKS_PER_S;
}

/** pid → tid → ticks: each thread's last sample (a thread that has ended keeps its own). */
const seen = new Map();

function sample() {
  for (const task of readdirSync('/proc/self/task')) {
    let children;
    try {
      children = readFileSync(`/proc/self/task/${task}/children`, 'utf8').trim().split(' ').filter(Boolean);
    } catch {
      continue;
    }
    for (const pid of children) {
      if (!seen.has(pid)) seen.set(pid, new Map());
      const threads = seen.get(pid);
      try {
        for (const tid of readdirSync(`/proc/${pid}/task`)) threads.set(tid, ticksOf(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')));
      } catch {
        // gone meanwhile: its last sample stands
      }
    }
  }
}

setInterval(sample, SAMPLE_MS).unref();

process.on('exit', () => {
  const own = process.cpuUsage();
  const s = (ticks) => (ticks / TICKS_PER_S).toFixed(2);
  const split = [...seen]
    .map(([pid, threads]) => {
      const js = threads.get(pid) ?? 0;
      const all = [...threads.values()].reduce((a, b) => a + b, 0);
      return `${pid}: JS ${s(js)} s + helpers ${s(all - js)} s`;
    })
    .join('; ');
  process.stderr.write(`cpu-split: main ${((own.user + own.system) / 1e6).toFixed(3)} s, children ${childrenSeconds().toFixed(2)} s${split === '' ? '' : ` (${split})`}\n`);
});
