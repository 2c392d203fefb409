// Seeds are named by their content: the key must not depend on the order keys were built in,
// and must change when the content does.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson } from '../../src/store/canonicalJson.ts';
import { seedDedupKey, seedId } from '../../src/store/dedup.ts';
import { StoreError } from '../../src/store/errors.ts';

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: [{ z: true, y: null }, 'x'], c: { e: 2, d: 'q' } })).toBe(
      '{"a":[{"y":null,"z":true},"x"],"b":1,"c":{"d":"q","e":2}}',
    );
  });

  it('gives what JSON would store: undefined members dropped, toJSON applied', () => {
    expect(canonicalJson({ a: undefined, b: new Date(0) })).toBe('{"b":"1970-01-01T00:00:00.000Z"}');
  });

  it('refuses values with no JSON form', () => {
    expect(() => canonicalJson(1n)).toThrow(StoreError);
    expect(() => canonicalJson(undefined)).toThrow('cannot hash undefined: it has no JSON form');
  });

  it('parses back to the same value as plain JSON does', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});

describe('seedDedupKey', () => {
  const config = { servers: ['fs'], trials: 3 };
  const plan = { faults: [{ site: 'ipc.send', at_cycles: 10 }] };

  it('is a sha256 in hex, the same for the same content whatever the key order', () => {
    const key = seedDedupKey(config, plan, 'ssr');
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    const reordered = seedDedupKey(
      { trials: 3, servers: ['fs'] },
      { faults: [{ at_cycles: 10, site: 'ipc.send' }] },
      'ssr',
    );
    expect(reordered).toBe(key);
  });

  it('changes with the configuration, the plan and the mode', () => {
    const key = seedDedupKey(config, plan, 'ssr');
    expect(seedDedupKey({ ...config, trials: 4 }, plan, 'ssr')).not.toBe(key);
    expect(seedDedupKey(config, { faults: [] }, 'ssr')).not.toBe(key);
    expect(seedDedupKey(config, plan, 'restart')).not.toBe(key);
  });
});

describe('seedId', () => {
  it('is the first 12 hex characters of the key', () => {
    const key = seedDedupKey({}, {}, 'ssr');
    expect(seedId(key)).toBe(key.slice(0, 12));
  });

  it('refuses a key that is not hex or too short', () => {
    expect(() => seedId('ABCDEF0123456789')).toThrow(StoreError);
    expect(() => seedId('abc')).toThrow('at least 12 lowercase hex characters');
  });
});
