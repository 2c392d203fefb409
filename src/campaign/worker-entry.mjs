// Boots a worker process: loads the module named by its first argument (worker-process.ts:
// startWorker) from the command's bundle when an up-to-date one holds it (bin/bundle.mjs: a start
// in a fraction of the CPU), else through tsx from the TypeScript source, as bin/curios.mjs does.
// CURIOS_NO_BUNDLE=1 always takes the tsx way.
import { pathToFileURL } from 'node:url';
import { importBundleOrSource, workerBundle } from '../../bin/bundle.mjs';

const module = process.argv[2];
await importBundleOrSource(process.env.CURIOS_NO_BUNDLE === '1' ? null : workerBundle(module), pathToFileURL(module).href);
