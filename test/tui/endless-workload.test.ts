// The endless workload: rounds drawn from (seed, round), isolated per client, each ending by
// releasing the handles it may have taken — the same operations in the faulty run and its twin.
import { describe, expect, it } from 'vitest';
import type { ClientOp } from '../../src/servers/framework/module.ts';
import { demoProfile } from '../../src/servers/catalog.ts';
import { ClientSink, releaseOps, RoundSource } from '../../tui/live/endless-workload.ts';

const modules = demoProfile().modules;

describe('releaseOps', () => {
  it('gives back one slot per operation that may have taken one', () => {
    const ops: ClientOp[] = [
      { server: 'fs', op: 'open', args: [1], text: '/c0/f0' },
      { server: 'fs', op: 'read', args: [0, 10] },
      { server: 'fs', op: 'open', args: [1], text: '/c0/f1' },
      { server: 'net', op: 'bind', args: [4] },
      { server: 'timer', op: 'set', args: [100] },
      { server: 'prng', op: 'seed', args: [7] },
    ];
    expect(releaseOps(ops)).toEqual([
      { server: 'fs', op: 'close', args: [0] },
      { server: 'fs', op: 'close', args: [1] },
      { server: 'net', op: 'close', args: [0] },
      { server: 'timer', op: 'cancel', args: [0] },
    ]);
  });
});

describe('RoundSource', () => {
  it('draws the same round from the same seed, another from another round', () => {
    const a = new RoundSource(5, 3, modules);
    const b = new RoundSource(5, 3, modules);
    expect(a.ops(1, 4)).toEqual(b.ops(1, 4));
    expect(a.ops(1, 4)).not.toEqual(a.ops(1, 5));
    expect(a.ops(0, 4)).not.toEqual(a.ops(1, 4));
  });

  it('keeps each client to its own files and ends each round with its releases', () => {
    const source = new RoundSource(9, 3, modules, 60);
    for (let round = 0; round < 3; round++) {
      const ops = source.ops(2, round);
      const paths = ops.filter((op) => op.server === 'fs' && op.text !== undefined && op.text.startsWith('/')).map((op) => op.text as string);
      expect(paths.every((p) => p.startsWith('/c2'))).toBe(true);
      const releases = releaseOps(ops.slice(0, 60));
      expect(ops.slice(60)).toEqual(releases);
    }
  });
});

describe('ClientSink', () => {
  it('drains what was recorded and locates an observation in its round', () => {
    const sink = new ClientSink();
    sink.startRound(0);
    sink.observations.push({ status: 'OK', value: [] }, { status: 'OK', value: [] });
    expect(sink.drain()).toHaveLength(2);
    sink.startRound(1);
    sink.observations.push({ status: 'EBADF', value: [] });
    expect(sink.locate(1)).toEqual({ round: 0, at: 1 });
    expect(sink.locate(2)).toEqual({ round: 1, at: 0 });
    expect(sink.drain()).toEqual([{ status: 'EBADF', value: [] }]);
    expect(sink.taken).toBe(3);
  });
});
