// The dashboard's ring buffer and number formats: bounded memory, newest kept, locale-free text.
import { describe, expect, it } from 'vitest';
import { cell, compactCycles, groupedCycles, percentOf } from '../../tui/format.ts';
import { Ring } from '../../tui/ring.ts';

describe('Ring', () => {
  it('keeps the newest items, oldest first', () => {
    const r = new Ring<number>(3);
    for (let i = 1; i <= 5; i++) r.push(i);
    expect(r.toArray()).toEqual([3, 4, 5]);
    expect(r.size).toBe(3);
    r.push(6);
    expect(r.toArray()).toEqual([4, 5, 6]);
  });

  it('is in order before it wraps, and empty after clear', () => {
    const r = new Ring<string>(4);
    r.push('a');
    r.push('b');
    expect(r.toArray()).toEqual(['a', 'b']);
    r.clear();
    expect(r.toArray()).toEqual([]);
    expect(r.size).toBe(0);
  });

  it('refuses a capacity that is not a whole number ≥ 1', () => {
    expect(() => new Ring(0)).toThrow(/capacity/);
    expect(() => new Ring(1.5)).toThrow(/capacity/);
  });
});

describe('formats', () => {
  it('writes cycle counts compactly and in full', () => {
    expect(compactCycles(999)).toBe('999');
    expect(compactCycles(1_234)).toBe('1.2k');
    expect(compactCycles(12_345_678)).toBe('12.3M');
    expect(compactCycles(345_678_901)).toBe('346M');
    expect(compactCycles(Number.POSITIVE_INFINITY)).toBe('∞');
    expect(groupedCycles(12_345_678)).toBe('12_345_678');
    expect(groupedCycles(512)).toBe('512');
  });

  it('pads and cuts cells to their width', () => {
    expect(cell('fs', 4)).toBe('fs  ');
    expect(cell(7, 4, 'right')).toBe('   7');
    expect(cell('console', 4)).toBe('con…');
    expect(percentOf(1, 4)).toBe('25%');
    expect(percentOf(0, 0)).toBe('-');
  });
});
