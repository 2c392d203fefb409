// `curios explore` end to end: a tiny workload explored through worker processes, one crash seed
// per failing class, and each seed replays to the outcome its class has.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeWorkDir, runCli } from '../helpers/cli.ts';

const dir = makeWorkDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('curios explore', { tags: ['slow'] }, () => {
  it('reports classes and coverage as JSON, stores a replayable seed per failing class, and prints the heat map as text', async () => {
    const db = join(dir, 'db.json');
    const args = ['explore', '--server', 'timer', '--ops', '2', '--clients', '2', '--stride', '3', '--workers', '2', '--db', db];
    const r = await runCli([...args, '--format', 'json'], dir);
    expect(r.code).toBe(0);
    const file = JSON.parse(r.stdout) as { trials: number; classes: { mode: string; signature: string; outcome: string; failing: boolean; points: number }[]; seeds: Record<string, string>; space: { points: number }[] };
    expect(file.classes.reduce((n, c) => n + c.points, 0)).toBe(file.trials);
    expect(file.trials).toBe(file.space.reduce((n, s) => n + s.points * 2, 0));
    const failing = file.classes.filter((c) => c.failing);
    expect(Object.keys(file.seeds).sort()).toEqual(failing.map((c) => `${c.mode}|${c.signature}`).sort());
    for (const c of failing) {
      const replay = await runCli(['replay', file.seeds[`${c.mode}|${c.signature}`], '--db', db, '--json'], dir);
      expect(replay.code).toBe(0);
      expect((JSON.parse(replay.stdout) as { outcome: string }).outcome).toBe(c.outcome);
    }
    const text = await runCli([...args, '--no-store'], dir);
    expect(text.stdout).toMatch(/^sampled under curios: \d+ of the \d+ crash and hang points \(every 3rd access/m);
    expect(text.stdout).toMatch(/^ {2}crash curios {3}\S/m);
    expect(text.stdout).toContain(`digest ${(file as unknown as { digest: string }).digest}`);
    // its shards, merged by curios merge, are the same exploration
    for (const i of [1, 2]) expect((await runCli([...args, '--no-store', '--shard', `${i}/2`, '--format', 'json', '--out', join(dir, `s${i}.json`)], dir)).code).toBe(0);
    const merged = await runCli(['merge', join(dir, 's2.json'), join(dir, 's1.json'), '--format', 'json'], dir);
    expect(merged.code).toBe(0);
    expect((JSON.parse(merged.stdout) as { digest: string }).digest).toBe((file as unknown as { digest: string }).digest);
  }, 300_000);
});
