// Where the database lives: `--db PATH`, else $CURIOS_DB, else .curios/db.json under the working
// directory. The environment is passed in, not read here, so that the choice can be tested.
import { resolve } from 'node:path';
import { StoreError } from './errors.ts';

export interface DbPathSources {
  dbFlag?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function resolveDbPath({ dbFlag, env, cwd }: DbPathSources): string {
  if (dbFlag !== undefined) {
    if (dbFlag === '') throw new StoreError('--db needs a path to the database file');
    return resolve(cwd, dbFlag);
  }
  const fromEnv = env.CURIOS_DB;
  if (fromEnv !== undefined && fromEnv !== '') return resolve(cwd, fromEnv);
  return resolve(cwd, '.curios', 'db.json');
}
