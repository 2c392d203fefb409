// The command's fast start (bin/bundle.mjs): the bundle is rebuilt when a source it holds changes,
// holds the worker modules (a campaign's workers start from it too), and the command run from it
// prints what it prints run through tsx from the sources.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, utimesSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { corpusEntries } from '../corpus/corpus.ts';

const CURIOS_BIN = fileURLToPath(new URL('../../bin/curios.mjs', import.meta.url));

function curios(args: readonly string[], bundle: boolean): { status: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', CURIOS_NO_BUNDLE: bundle ? '0' : '1' };
  delete env.CURIOS_DB;
  return spawnSync(process.execPath, [CURIOS_BIN, ...args], { env, encoding: 'utf8' });
}

const BUNDLE = new URL('../../bin/bundle.mjs', import.meta.url).href;

describe('the command’s bundle', () => {
  it('is rebuilt when a source it holds changes', async () => {
    const { commandBundle } = (await import(BUNDLE)) as { commandBundle(): Promise<string | null> };
    const before = await commandBundle();
    expect(before).not.toBeNull();
    expect(await commandBundle()).toBe(before);
    const source = fileURLToPath(new URL('../../src/cli/errors.ts', import.meta.url));
    const { atime, mtime } = statSync(source);
    try {
      utimesSync(source, atime, new Date(mtime.getTime() + 1000));
      const after = await commandBundle();
      expect(after).not.toBeNull();
      expect(after).not.toBe(before);
      expect(readFileSync(fileURLToPath(after as string), 'utf8').length).toBeGreaterThan(0);
    } finally {
      utimesSync(source, atime, mtime);
    }
  }, 120_000);

  it('holds the worker modules, and names none that is not one', async () => {
    const { commandBundle, workerBundle } = (await import(BUNDLE)) as { commandBundle(): Promise<string | null>; workerBundle(path: string): string | null };
    expect(await commandBundle()).not.toBeNull();
    for (const module of ['../../src/campaign/worker.ts', '../../tui/live/live-worker.ts']) {
      const bundled = workerBundle(fileURLToPath(new URL(module, import.meta.url)));
      expect(bundled).toMatch(/-worker\.mjs$/);
      expect(readFileSync(fileURLToPath(bundled as string), 'utf8').length).toBeGreaterThan(0);
    }
    expect(workerBundle(fileURLToPath(new URL('../../src/campaign/campaign.ts', import.meta.url)))).toBeNull();
  }, 120_000);

  it('runs a campaign whose workers start from it as they do through tsx', () => {
    const args = ['campaign', '--servers', 'prng', '--faults', 'crash,bitflip', '--trials', '2', '--seed', '4', '--workers', '2', '--no-store', '--format', 'json'];
    const bundled = curios(args, true);
    const plain = curios(args, false);
    expect(bundled.status).toBe(0);
    const digest = (out: string) => (JSON.parse(out) as { digest: string }).digest;
    expect(digest(bundled.stdout)).toBe(digest(plain.stdout));
  }, 120_000);

  it('prints what the sources print through tsx', () => {
    const entry = corpusEntries()[0];
    const args = ['replay', '--trial', entry.path, '--json'];
    const bundled = curios(args, true);
    const plain = curios(args, false);
    expect(bundled.status).toBe(0);
    expect(bundled.stdout).toBe(plain.stdout);
    expect(bundled.stderr).toBe(plain.stderr);
  }, 120_000);
});
