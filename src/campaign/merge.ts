// Merging shard result files into exactly the unsharded campaign: the n files of one campaign
// (same configuration, every shard index once), their trials put back in trial order, summarised
// again. A set that is not that is refused with the first thing wrong, naming the file.
import { summaryOf, type CampaignFile } from './run.ts';
import { checkShardFile, ShardFileError } from './shard-file.ts';

export { ShardFileError };

/** One shard file as read: its name (for messages) and its parsed JSON. */
export interface ShardInput {
  name: string;
  data: unknown;
}

export function mergeShards(inputs: readonly ShardInput[]): CampaignFile {
  if (inputs.length === 0) throw new ShardFileError('merge needs at least one shard file');
  const files = inputs.map((input) => checkShardFile(input.name, input.data));
  const config = files[0].config;
  const count = files[0].shard.count;
  const seen = new Set<number>();
  for (const [i, f] of files.entries()) {
    const name = inputs[i].name;
    if (JSON.stringify(f.config) !== JSON.stringify(config)) throw new ShardFileError(`${name}: a shard of another campaign (its configuration differs from ${inputs[0].name})`);
    if (f.shard.count !== count) throw new ShardFileError(`${name}: shard ${f.shard.index}/${f.shard.count}, not a shard of ${count} like ${inputs[0].name}`);
    if (seen.has(f.shard.index)) throw new ShardFileError(`${name}: shard ${f.shard.index}/${count} given twice`);
    seen.add(f.shard.index);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0) throw new ShardFileError(`merge: ${seen.size} of ${count} shards given; missing ${missing.join(', ')}`);
  const results = files.flatMap((f) => f.results).sort((a, b) => a.index - b.index);
  const seconds = files.reduce((s, f) => s + f.results.length / Math.max(f.trialsPerSecond, 1e-9), 0);
  return { ...summaryOf(config, results, seconds), config };
}
