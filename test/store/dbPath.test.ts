// Where the database lives: --db, else $CURIOS_DB, else .curios/db.json under the working directory.
import { describe, expect, it } from 'vitest';
import { resolveDbPath } from '../../src/store/dbPath.ts';
import { StoreError } from '../../src/store/errors.ts';

const cwd = '/home/user/project';

describe('resolveDbPath', () => {
  it('defaults to .curios/db.json under the working directory', () => {
    expect(resolveDbPath({ env: {}, cwd })).toBe('/home/user/project/.curios/db.json');
    expect(resolveDbPath({ env: { CURIOS_DB: '' }, cwd })).toBe('/home/user/project/.curios/db.json');
  });

  it('takes CURIOS_DB over the default, relative to the working directory', () => {
    expect(resolveDbPath({ env: { CURIOS_DB: '/data/seeds.json' }, cwd })).toBe('/data/seeds.json');
    expect(resolveDbPath({ env: { CURIOS_DB: 'out/seeds.json' }, cwd })).toBe(
      '/home/user/project/out/seeds.json',
    );
  });

  it('takes --db over CURIOS_DB', () => {
    expect(resolveDbPath({ dbFlag: 'mine.json', env: { CURIOS_DB: '/data/seeds.json' }, cwd })).toBe(
      '/home/user/project/mine.json',
    );
  });

  it('refuses an empty --db', () => {
    expect(() => resolveDbPath({ dbFlag: '', env: {}, cwd })).toThrow(StoreError);
    expect(() => resolveDbPath({ dbFlag: '', env: {}, cwd })).toThrow('--db needs a path');
  });
});
