// Two checkouts' standard campaign (`--trials 40 --seed 77`, every server, kind and mode), in one
// process, alternated five groups at a time: the CPU each spends, and their ratio. Both see the
// same load whatever the machine does meanwhile, which two campaigns run one after the other do
// not (on a shared machine their CPU times move by ±30% from run to run). Each tree runs its cells
// in one worker's order with one golden cache, as bench/profile-cells.ts does.
//
//   git archive REV | tar -x -C /tmp/before && ln -s $PWD/node_modules /tmp/before/node_modules
//   npx tsx bench/paired-trees.ts /tmp/before            this checkout ÷ /tmp/before
//   npx tsx bench/paired-trees.ts /tmp/before regflip    only some fault kinds (comma-separated)
import { fileURLToPath } from 'node:url';
import { cpuMs } from './cpu-time.ts';

const other = process.argv[2];
if (other === undefined) throw new Error('usage: npx tsx bench/paired-trees.ts OTHER_CHECKOUT [KINDS]');
const kinds = process.argv[3]?.split(',');
const GROUPS_PER_TURN = 5;

interface Tree {
  /** the cells of each group, in one worker's order */
  groups: unknown[][];
  run(cell: unknown): void;
  cpu_ms: number;
}

async function load(root: string): Promise<Tree> {
  const campaign = await import(`${root}/src/campaign/campaign.ts`);
  const { GoldenCache } = await import(`${root}/src/campaign/golden-cache.ts`);
  const { groupsOf } = await import(`${root}/src/campaign/pool.ts`);
  const { FAULT_KINDS } = await import(`${root}/src/faults/model.ts`);
  const { targets } = await import(`${root}/src/servers/catalog.ts`);
  const { MODES } = await import(`${root}/src/ssr/modes.ts`);
  const config = { seed: 77, servers: targets(), faults: kinds ?? FAULT_KINDS, modes: [...MODES], trials: 40, ...campaign.CAMPAIGN_DEFAULTS };
  const goldens = new GoldenCache();
  return { groups: groupsOf(campaign.cellsOf(config)), run: (cell) => void campaign.runCell(config, cell, goldens), cpu_ms: 0 };
}

const here = await load(fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, ''));
const there = await load(other.replace(/\/$/, ''));
if (here.groups.length !== there.groups.length) throw new Error('the two checkouts cut the campaign into different groups');
for (let from = 0; from < here.groups.length; from += GROUPS_PER_TURN) {
  for (const tree of (from / GROUPS_PER_TURN) % 2 === 0 ? [here, there] : [there, here]) {
    const start = cpuMs();
    for (const group of tree.groups.slice(from, from + GROUPS_PER_TURN)) for (const cell of group) tree.run(cell);
    tree.cpu_ms += cpuMs() - start;
  }
}
console.log(`this checkout ${(here.cpu_ms / 1000).toFixed(2)} s of CPU, ${other} ${(there.cpu_ms / 1000).toFixed(2)} s: ×${(here.cpu_ms / there.cpu_ms).toFixed(3)}`);
