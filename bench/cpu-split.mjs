// Preloaded into a command (`node --import ./bench/cpu-split.mjs bin/curios.mjs …`), prints on
// stderr, when the process exits, the CPU seconds it used itself and those its child processes
// used (the campaign's workers, once reaped), each user + system. Linux only (the children's
// time is read from /proc/self/stat: cutime and cstime, in clock ticks of 10 ms).
import { readFileSync } from 'node:fs';

const TICKS_PER_S = 100;

function childrenSeconds() {
  // The fields after the command name (which may hold spaces) start at state; cutime and cstime are fields 16 and 17.
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[16 - 3]) + Number(fields[17 - 3])) / TICKS_PER_S;
}

process.on('exit', () => {
  const own = process.cpuUsage();
  process.stderr.write(`cpu-split: main ${((own.user + own.system) / 1e6).toFixed(3)} s, children ${childrenSeconds().toFixed(2)} s\n`);
});
