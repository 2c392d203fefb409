// Loading a config file (curios.config.ts, .mts, .js or .mjs): import it, take its default
// export, and build the catalog of servers from it — in the main process and, from the same path,
// in every campaign worker process, so that both run the same servers. TypeScript configs load
// because the `curios` bin and each worker register tsx before anything is imported.
//
// Also here: the stamp a crash seed keeps of the module that defined its server — the file's path
// and a SHA-256 of its source — so that replaying a seed whose server changed says so instead of
// replaying something else.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { Catalog } from '../servers/catalog.ts';
import type { CuriosConfig } from '../servers/config.ts';
import { isServerDefinitionError, originOf } from '../servers/framework/define.ts';

/** The argument that names the config file to a campaign worker process: `worker-entry.mjs --config FILE`. */
export const WORKER_CONFIG_FLAG = '--config';

/** A config that cannot be used; the message is one line. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The catalog of the config at `path` (`shown`: how to name the file in an error). */
export async function loadCatalog(path: string, shown: string = path): Promise<Catalog> {
  let exports: { default?: unknown };
  try {
    // tsImport, not import(): it loads a TypeScript config the same way whether or not its folder's
    // package.json says "type": "module" (a plain import() of ESM syntax there fails under require(esm)).
    exports = (await tsImport(pathToFileURL(path).href, import.meta.url)) as { default?: unknown };
  } catch (e) {
    if (isServerDefinitionError(e)) throw new ConfigError(`config ${shown}: ${e.message}`);
    throw new ConfigError(`config ${shown}: importing it threw: ${firstLine(e)}`);
  }
  const config = unwrapDefault(exports.default);
  if (typeof config !== 'object' || config === null) throw new ConfigError(`config ${shown}: no default export (export default defineConfig({ servers: [...] }))`);
  try {
    return new Catalog(config as CuriosConfig, path);
  } catch (e) {
    if (isServerDefinitionError(e)) throw new ConfigError(`config ${shown}: ${e.message}`);
    throw e;
  }
}

/** A config compiled as CommonJS (a folder without "type": "module") arrives as its module.exports: { __esModule, default }. */
function unwrapDefault(value: unknown): unknown {
  const cjs = value as { __esModule?: unknown; default?: unknown } | null;
  return typeof cjs === 'object' && cjs !== null && cjs.__esModule === true ? cjs.default : value;
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e);
  return text.split('\n').find((l) => l.trim().length > 0)?.trim() ?? text;
}

/** Which module defined a server, and a hash of its source when the seed was stored. */
export interface ModuleStamp {
  /** the file that called defineServer */
  path: string;
  sha256: string;
}

/** The stamp of the module that defined `server` in `catalog`, or null when it cannot be read. */
export function moduleStamp(catalog: Catalog, server: string): ModuleStamp | null {
  const path = originOf(catalog.def(server));
  if (path === null) return null;
  try {
    return { path, sha256: createHash('sha256').update(readFileSync(path)).digest('hex') };
  } catch {
    return null;
  }
}

/** null when the module is as stamped; otherwise one line saying what changed. */
export function moduleChange(catalog: Catalog, server: string, stamp: ModuleStamp): string | null {
  if (!catalog.has(server)) return `server ${server} (defined in ${stamp.path}) is in no config here: pass the config that defines it with --config`;
  const now = moduleStamp(catalog, server);
  if (now === null) return `the module that defined server ${server} cannot be read to check it against the seed's (${stamp.path})`;
  if (now.sha256 === stamp.sha256) return null;
  return `the module that defines server ${server} changed since the seed was stored (${now.path}: sha256 ${now.sha256.slice(0, 12)}, the seed's ${stamp.sha256.slice(0, 12)}); replaying would run another server`;
}
