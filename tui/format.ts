// How the dashboard writes numbers: compact cycle counts for panels (12.3M), full ones for the
// plain lines, and fixed-width cells. Never toLocaleString: output must not depend on the host.

/** 1234 → "1.2k", 12_345_678 → "12.3M"; below 1000 as is. */
export function compactCycles(cycles: number): string {
  if (!Number.isFinite(cycles)) return '∞';
  const units: [number, string][] = [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [scale, unit] of units) if (Math.abs(cycles) >= scale) return `${(cycles / scale).toFixed(cycles / scale >= 100 ? 0 : 1)}${unit}`;
  return String(Math.round(cycles));
}

/** 12345678 → "12_345_678": long counts stay readable and locale-free. */
export function groupedCycles(cycles: number): string {
  return String(Math.round(cycles)).replace(/\B(?=(\d{3})+(?!\d))/g, '_');
}

/** A count in at most four characters: 999, 1.2k, 123k, 1.2M, 123M. */
export function compactCount(n: number): string {
  if (n < 1e3) return String(n);
  if (n < 1e4) return `${(n / 1e3).toFixed(1)}k`;
  if (n < 1e6) return `${Math.floor(n / 1e3)}k`;
  if (n < 1e7) return `${(n / 1e6).toFixed(1)}M`;
  return `${Math.floor(n / 1e6)}M`;
}

/** A share as a whole percentage, or "-" when there is nothing to divide. */
export function percentOf(part: number, whole: number): string {
  return whole === 0 ? '-' : `${Math.round((part / whole) * 100)}%`;
}

export function cell(text: string | number, width: number, align: 'left' | 'right' = 'left'): string {
  const s = String(text);
  const cut = s.length > width ? `${s.slice(0, Math.max(0, width - 1))}…` : s;
  return align === 'left' ? cut.padEnd(width) : cut.padStart(width);
}
