// Boots a worker process: registers tsx (with the package's tsconfig, as bin/curios.mjs does),
// then loads the TypeScript module named by its first argument (worker-process.ts: startWorker).
import { pathToFileURL, fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)) });
await import(pathToFileURL(process.argv[2]).href);
