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

  it('records the exploration: curios runs lists it, dashboard --explore prints its report without a terminal, and refuses what it cannot open', async () => {
    const db = join(dir, 'runs.json');
    const r = await runCli(['explore', '--server', 'timer', '--ops', '2', '--clients', '2', '--stride', '3', '--workers', '1', '--db', db], dir);
    expect(r.code).toBe(0);
    const id = /recorded as exploration ([0-9a-f]{12}): npx curios dashboard --explore \1$/m.exec(r.stderr)?.[1] ?? '';
    expect(id).toMatch(/^[0-9a-f]{12}$/);
    const runs = await runCli(['runs', '--db', db, '--json'], dir);
    expect(JSON.parse(runs.stdout)).toEqual([expect.objectContaining({ id, kind: 'explore', trials: expect.any(Number) })]);
    expect((await runCli(['runs', '--db', db], dir)).stdout).toMatch(new RegExp(`^${id}  explore .* timer: crash,hang, modes restart,curios, seed 1; \\d+ classes, \\d+ failing$`, 'm'));
    // without a terminal, the report the exploration printed, its crash seeds included
    const shown = await runCli(['dashboard', '--explore', id.slice(0, 5), '--db', db], dir);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toBe(r.stdout);
    const latest = await runCli(['dashboard', '--explore', '--db', db, '--json'], dir);
    expect((JSON.parse(latest.stdout) as { digest: string }).digest).toBe(/digest ([0-9a-f]{64})/.exec(r.stdout)?.[1]);
    for (const [args, line] of [
      [['dashboard', '--explore', 'ffff', '--db', db], /^curios: no exploration "ffff" in .*runs\.json \(npx curios runs --kind explore lists them\)$/],
      [['dashboard', '--explore', '--seed', '3', '--db', db], /^curios: --seed is not for --explore \(it takes only --explore, --db, --json\)$/],
      [['dashboard', '--explore', '--db', join(dir, 'empty.json')], /^curios: no exploration recorded in .*empty\.json: run one \(npx curios explore --server fs\)$/],
    ] as const) {
      const refused = await runCli([...args], dir);
      expect(refused.code).toBe(2);
      expect(refused.stderr.trim()).toMatch(line);
    }
  }, 300_000);
});
