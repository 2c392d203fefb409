// A task restarted over and over (a server the supervisor keeps bringing back, a dashboard left
// running for hours) leaves nothing behind in the kernel's thread tables: the old incarnations'
// threads are dropped, their ids are never handed out again, and the new thread runs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as sys from '../../src/kernel/sys.ts';
import { makeKernel } from '../helpers/kernel-fixtures.ts';

describe('restarting a task', () => {
  it('keeps the kernel’s thread tables bounded and never reuses an id', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), (restarts) => {
        const k = makeKernel();
        let ran = 0;
        const task = k.createTask('server', (t) => {
          k.spawnThread(t, 'main', function* () {
            ran++;
            yield* sys.spin(10);
          });
        });
        task.image?.(task);
        const seen = new Set<number>();
        for (let i = 0; i < restarts; i++) {
          const [old] = task.threads;
          seen.add(old.id);
          k.restartTask(task);
          expect(k.threadById(old.id)).toBeNull();
          expect(seen.has(task.threads[0].id)).toBe(false);
        }
        expect(k.threads.length).toBe(1);
        k.run();
        expect(ran).toBe(1);
        expect(k.panic_reason).toBeNull();
      }),
      { numRuns: 20 },
    );
  });
});
