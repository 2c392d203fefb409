// Bad invocations as a person types them: each gets exactly one line on stderr, with the same
// `curios:` prefix whether commander or curios refused it, nothing on stdout, and its exit code
// (2: bad input, 4: the store cannot be used). None creates a file or a directory.
import { readdirSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { linesOf, makeWorkDir, runCli } from '../helpers/cli.ts';

const USAGE = 2;
const STORE = 4;

const dir = makeWorkDir();

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** args, the one stderr line expected (a string is matched whole), the exit code */
const BAD: [string[], string | RegExp, number][] = [
  [['frob'], 'curios: unknown command "frob" (see curios --help)', USAGE],
  [['seeds', 'frob'], 'curios: unknown command "frob" (see curios seeds --help)', USAGE],
  [['campaign', '--bogus'], 'curios: unknown option "--bogus"', USAGE],
  [['compare', '--modes', 'none'], 'curios: unknown option "--modes"', USAGE],
  [['campaign', '--trials', '0'], 'curios: --trials must be between 1 and 10000000, got 0', USAGE],
  [['campaign', '--trials', 'x'], 'curios: --trials must be a whole number ≥ 1, got "x"', USAGE],
  [['campaign', '--seed', '1.5'], 'curios: --seed must be an integer, got "1.5"', USAGE],
  [['campaign', '--workers', '0'], 'curios: --workers must be between 1 and 256, got 0', USAGE],
  [['campaign', '--servers', 'kernel'], /^curios: --servers: "kernel" is part of the trusted base/, USAGE],
  [['campaign', '--servers', 'nope'], /^curios: --servers: unknown "nope"; expected one of: /, USAGE],
  [['campaign', '--faults', 'nope'], /^curios: --faults: unknown "nope"; expected one of: /, USAGE],
  [['campaign', '--format', 'pdf'], /^curios: option "--format <fmt>" argument "pdf" is invalid\. Allowed choices are /, USAGE],
  [['demo', '--seed', 'abc'], 'curios: --seed must be an integer, got "abc"', USAGE],
  [['replay'], 'curios: replay needs a seed id or --trial FILE', USAGE],
  [['replay', '--trial', 'missing.json'], 'curios: cannot read trial missing.json: ENOENT', USAGE],
  [['replay', 'abc', '--db', 'nowhere/db.json'], /^curios: no curios database at .*nowhere\/db\.json: the directory .*nowhere does not exist/, STORE],
  [['seeds'], /^curios: missing command: list, show, export or rm \(see curios seeds --help\)$/, USAGE],
  [['seeds', 'show'], 'curios: missing required argument "id"', USAGE],
  [['seeds', 'list', '--mode', 'bogus'], /^curios: option "--mode <mode>" argument "bogus" is invalid\./, USAGE],
  [['seeds', 'list', '--db', 'nowhere/db.json'], /^curios: no curios database at .*nowhere\/db\.json: the directory .*nowhere does not exist/, STORE],
  [['seeds', 'rm', 'abc', '--db', 'nowhere/db.json'], /^curios: no curios database at /, STORE],
  [['explore', '--server', 'fs', '--faults', 'nope'], 'curios: --faults: unknown "nope"; expected one of: crash, hang, bitflip, regflip, wild-write, msg-corrupt', USAGE],
  [['explore', '--server', 'kernel'], /^curios: --server: "kernel" is part of the trusted base/, USAGE],
  [['explore', '--server', 'nope'], /^curios: --server: unknown "nope"; expected one of: /, USAGE],
  [['explore', '--server', 'fs', '--stride', '0'], 'curios: --stride must be between 1 and 1000000, got 0', USAGE],
  [['merge'], 'curios: missing required argument "files"', USAGE],
  [['merge', 'nofile.json'], 'curios: cannot read nofile.json: ENOENT', USAGE],
  [['dashboard', '--trials', '5'], 'curios: --trials goes with --campaign', USAGE],
  [['dashboard', '--campaign', '--mode', 'curios'], 'curios: --mode is for a live run, not for --campaign', USAGE],
  [['dashboard', '--db', 'x.json'], 'curios: --db goes with --campaign or --explore', USAGE],
  [['dashboard', '--explore', '--campaign'], 'curios: --campaign is not for --explore (it takes only --explore, --db, --json)', USAGE],
  [['runs', '--kind', 'nope'], /^curios: option "--kind <kind>" argument "nope" is invalid\. Allowed choices are campaign, explore\.$/, USAGE],
  [['dashboard', '--fault-rate', '-1'], 'curios: --fault-rate must be a number ≥ 0 (faults per million cycles), got "-1"', USAGE],
  [['dashboard', '--cycles', '0'], /^curios: --cycles must be between 1 and /, USAGE],
];

describe('bad invocations', { tags: ['slow'] }, () => {
  it.concurrent.each(BAD)('curios %j', async (args, message, code) => {
    const r = await runCli(args, dir);
    expect(r.stdout).toBe('');
    const lines = linesOf(r.stderr);
    expect(lines).toHaveLength(1);
    if (typeof message === 'string') expect(lines[0]).toBe(message);
    else expect(lines[0]).toMatch(message);
    expect(r.code).toBe(code);
  });

  it('leave the working directory as it was', async () => {
    await runCli(['seeds', 'list', '--db', 'typo/db.json'], dir);
    expect(readdirSync(dir)).toEqual([]);
  });
});
