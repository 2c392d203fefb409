// Finding the config file, as vitest finds vitest.config.ts: `--config FILE` if given, else the
// first of CONFIG_FILES in the working directory, else none (the built-in servers alone). The
// catalog it makes is set before any command runs, so that every command — and every campaign
// worker, which loads the same file — sees the same servers.
import { existsSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { ConfigError, loadCatalog } from '../campaign/config-file.ts';
import { useCatalog } from '../servers/catalog.ts';
import { fail } from './errors.ts';

export const CONFIG_FILES = ['curios.config.ts', 'curios.config.mts', 'curios.config.js', 'curios.config.mjs'] as const;

/** The config file to load: the one `--config` names (which must exist), or one found in `cwd`, or null. */
export function findConfig(flag: string | undefined, cwd: string): string | null {
  if (flag !== undefined) {
    const path = resolve(cwd, flag);
    if (!existsSync(path) || !statSync(path).isFile()) fail(`--config: config not found: ${flag}`);
    return path;
  }
  for (const name of CONFIG_FILES) {
    const path = resolve(cwd, name);
    if (existsSync(path)) return path;
  }
  return null;
}

/** The value of --config in argv (before commander parses it: the servers must be known to build the commands' help). */
export function configFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--') return undefined;
    if (argv[i] === '--config') {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('-')) fail('--config needs a file');
      return value;
    }
    if (argv[i].startsWith('--config=')) return argv[i].slice('--config='.length);
  }
  return undefined;
}

/** Loads the config (if any) and makes its catalog the active one. */
export async function activateConfig(argv: readonly string[], cwd: string): Promise<void> {
  const path = findConfig(configFlag(argv), cwd);
  if (path === null) return;
  try {
    useCatalog(await loadCatalog(path, relative(cwd, path) || path));
  } catch (e) {
    if (e instanceof ConfigError) fail(e.message);
    throw e;
  }
}
