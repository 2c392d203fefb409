// The command's fast start (bin/bundle.mjs): the bundle is rebuilt when a source it holds changes,
// and the command run from it prints what it prints run through tsx from the sources.
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
