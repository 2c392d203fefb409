// The standard campaign's cells run one after another in this process, with no worker pool, in the
// order the pool gives them: what one worker does (one golden cache for every cell), without the
// IPC, to profile (`node --cpu-prof --import tsx bench/profile-cells.ts 8`, for --trials 8) and to
// time in CPU seconds.
// `bench/profile-cells.ts 8 afresh` gives each cell a cache of its own (every golden run made for
// its own cell, as before golden runs were shared), to measure what sharing saves.
// `bench/profile-cells.ts 40 2/2` runs the cells the pool gives the second of two workers, in its
// order (sharesOf in src/campaign/pool.ts): what one worker of a two-worker campaign compiles, to
// count with `--trace-opt` (docs/testing.md, "A worker's compiling").
import { CAMPAIGN_DEFAULTS, cellsOf, runCell, type CampaignConfig } from '../src/campaign/campaign.ts';
import { GoldenCache } from '../src/campaign/golden-cache.ts';
import { groupsOf, sharesOf } from '../src/campaign/pool.ts';
import { FAULT_KINDS } from '../src/faults/model.ts';
import { targets } from '../src/servers/catalog.ts';
import { MODES } from '../src/ssr/modes.ts';
import { cpuMs } from './cpu-time.ts';

const trials = Number(process.argv[2] ?? 8);
const afresh = process.argv[3] === 'afresh';
/** `k/n`: only the k-th of n workers' shares */
const share = /^(\d+)\/(\d+)$/.exec(process.argv[3] ?? '');
const config: CampaignConfig = { seed: 77, servers: targets(), faults: FAULT_KINDS, modes: [...MODES], trials, ...CAMPAIGN_DEFAULTS };
// In the order the pool gives them to one worker (of one, or of n).
const cells = sharesOf(groupsOf(cellsOf(config)), share === null ? 1 : Number(share[2]))[share === null ? 0 : Number(share[1]) - 1].flat();
const wall_start_ms = performance.now();
const cpu_start_ms = cpuMs();
let done = 0;
let made = 0;
const shared = new GoldenCache();
for (const cell of cells) {
  const goldens = afresh ? new GoldenCache() : shared;
  done += runCell(config, cell, goldens).length;
  if (afresh) made += goldens.made;
}
const wall_s = (performance.now() - wall_start_ms) / 1000;
const cpu_s = (cpuMs() - cpu_start_ms) / 1000;
console.log(`${done} trials: ${wall_s.toFixed(2)} s wall, ${cpu_s.toFixed(2)} s CPU (this process, GC helper threads included): ${(done / cpu_s).toFixed(1)} trials per CPU second; ${afresh ? made : shared.made} golden runs made`);
