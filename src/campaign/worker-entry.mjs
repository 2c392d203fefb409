// Boots a campaign worker process: registers tsx (with the package's tsconfig, as bin/curios.mjs
// does), then loads the TypeScript worker.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)) });
await import('./worker.ts');
