// The command's fast start: src/cli/main.ts and everything it imports (about 170 TypeScript files)
// bundled into one ES module with esbuild, the compiler tsx itself uses, and cached under
// node_modules/.cache/curios. Loading the files one by one through tsx's loader costs more than
// half a second of CPU at every start; the bundle loads in a fraction of that, which is what lets
// `curios replay ID` finish in well under a second.
//
// The bundle is a pure function of its input files: `index.json` lists them (from esbuild's
// metafile), and the bundle's name carries a hash of each one's path, size and modification time
// (and of Node's and esbuild's versions, and of this file, which holds the build's options), so an edited, added-to or deleted source is rebuilt on
// the next start. Packages stay external (imported from node_modules as usual); each file's
// `import.meta.url` is its own file's URL, as if it were not bundled, so the paths it builds (a
// worker's entry, a config file) are the same. Builds write to a temporary directory and rename
// it, so commands started together never read half a bundle, and older bundles are removed only
// after a while, so none disappears under a command that is loading it.
//
// The modules that run in worker processes (startWorker in src/campaign/worker-process.ts) are
// entries of the same build, so a campaign's workers start from the bundle too (worker-entry.mjs)
// — but only from one that is up to date: a worker never builds, it falls back to tsx.
//
// Anything wrong (esbuild missing, a build error) and the caller falls back to tsx: a slower
// start, never a broken command. CURIOS_NO_BUNDLE=1 asks for tsx from the start.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const ENTRY = join(ROOT, 'src/cli/main.ts');
const CACHE = join(ROOT, 'node_modules/.cache/curios');
const INDEX = join(CACHE, 'index.json');
/** This file's text: the build's options are part of every bundle's key. */
const SELF = readFileSync(fileURLToPath(import.meta.url));
/** The worker modules built beside the command, by their name in the bundle. */
const WORKERS = { 'campaign-worker': 'src/campaign/worker.ts', 'live-worker': 'tui/live/live-worker.ts' };
/** how long an older bundle is kept after a newer one is built */
const STALE_MS = 10 * 60 * 1000;

/** The key of a set of input files as they are now, or null when one is gone. */
function keyOf(inputs, esbuild_version) {
  const h = createHash('sha256').update(`${process.version}\0${esbuild_version}\0`).update(SELF);
  for (const input of inputs) {
    let st;
    try {
      st = statSync(join(ROOT, input));
    } catch {
      return null;
    }
    h.update(`${input}\0${st.size}\0${st.mtimeMs}\0`);
  }
  return h.digest('hex').slice(0, 16);
}

function readIndex() {
  try {
    return JSON.parse(readFileSync(INDEX, 'utf8'));
  } catch {
    return null;
  }
}

function writeAtomically(path, text) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** The URL of `name`.mjs in the bundle built for the sources as they are now, or null. */
function upToDate(name) {
  const index = readIndex();
  if (index === null) return null;
  const key = keyOf(index.inputs, index.esbuild);
  if (key === null) return null;
  const file = join(CACHE, `cli-${key}`, `${name}.mjs`);
  try {
    statSync(file);
    return pathToFileURL(file).href;
  } catch {
    // not built for these inputs yet
    return null;
  }
}

/** The URL of an up-to-date bundle of the command (building it if need be), or null. */
export async function commandBundle() {
  return upToDate('main') ?? build();
}

/**
 * Imports the bundled module at `bundled` (a URL from this file; source maps on, so stack frames
 * and a server's origin name the TypeScript sources), or, when it is null, registers tsx with the
 * package's tsconfig (JSX for the dashboard) and imports the TypeScript module at `source` (a URL).
 */
export async function importBundleOrSource(bundled, source) {
  if (bundled !== null) {
    process.setSourceMapsEnabled(true);
    return import(bundled);
  }
  const { register } = await import('tsx/esm/api');
  register({ tsconfig: join(ROOT, 'tsconfig.json') });
  return import(source);
}

/** The URL of the bundled worker module whose source is `path` (absolute), if an up-to-date bundle holds it; else null (never builds). */
export function workerBundle(path) {
  const name = Object.keys(WORKERS).find((n) => join(ROOT, WORKERS[n]) === resolve(path));
  return name === undefined ? null : upToDate(name);
}

async function build() {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: { main: ENTRY, ...Object.fromEntries(Object.entries(WORKERS).map(([name, path]) => [name, join(ROOT, path)])) },
    bundle: true,
    // Dynamic imports (the dashboard: ink, React) stay separate chunks, loaded only when asked for.
    splitting: true,
    outdir: join(CACHE, 'out'),
    write: false,
    metafile: true,
    format: 'esm',
    outExtension: { '.js': '.mjs' },
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    packages: 'external',
    // No keepNames: it wraps every function and class in a `__name` call that sets its `name`,
    // which costs a campaign worker about a tenth of its time (closures made in hot paths), and
    // nothing reads a function's `name` (errors name themselves; stack frames come from the
    // source map). See docs/testing.md, "Where the time goes".
    // Stack frames name the source files (a crash seed's stamp names the file that defined its server).
    sourcemap: 'linked',
    sourcesContent: false,
    tsconfig: join(ROOT, 'tsconfig.json'),
    logLevel: 'silent',
    plugins: [
      {
        name: 'own-import-meta-url',
        setup(b) {
          b.onLoad({ filter: /\.(ts|tsx|mts)$/ }, (args) => {
            const text = readFileSync(args.path, 'utf8').replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href));
            return { contents: text, loader: args.path.endsWith('x') ? 'tsx' : 'ts' };
          });
        },
      },
    ],
  });
  const inputs = Object.keys(result.metafile.inputs)
    .map((p) => relative(ROOT, resolve(process.cwd(), p)))
    .sort();
  const key = keyOf(inputs, esbuild.version);
  if (key === null) return null;
  mkdirSync(CACHE, { recursive: true });
  const dir = join(CACHE, `cli-${key}`);
  const tmp = `${dir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  for (const out of result.outputFiles) {
    const path = join(tmp, relative(join(CACHE, 'out'), out.path));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, out.contents);
  }
  try {
    renameSync(tmp, dir);
  } catch {
    // Another command built the same bundle meanwhile: it is the same.
    rmSync(tmp, { recursive: true, force: true });
  }
  writeAtomically(INDEX, JSON.stringify({ esbuild: esbuild.version, inputs }));
  // Older bundles go once nobody can still be starting from them (a command that found one a
  // moment ago may be loading its chunks).
  for (const old of readdirSync(CACHE)) {
    if (!old.startsWith('cli-') || old === `cli-${key}`) continue;
    const path = join(CACHE, old);
    try {
      if (Date.now() - statSync(path).mtimeMs > STALE_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // gone already
    }
  }
  const file = join(dir, 'main.mjs');
  return pathToFileURL(file).href;
}

