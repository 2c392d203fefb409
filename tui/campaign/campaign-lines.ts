// A campaign without a terminal: one fixed-column line per chunk of cells — progress and strict
// recovery per mode so far — or one JSON object a line. No wall-clock figure appears in them, so
// the same campaign prints the same lines.
import type { CampaignProgress } from './campaign-progress.ts';

export function progressLine(p: CampaignProgress): string {
  const width = String(p.total_cells).length;
  const modes = p.perMode()
    .map((m) => `${m.mode} ${m.share === null ? '-' : `${(m.share * 100).toFixed(1)}%`} (${m.recovered}/${m.manifested})`)
    .join('  ');
  return `cells ${String(p.done_cells).padStart(width)}/${p.total_cells}  trials ${String(p.results.length).padStart(width + 1)}  ${modes}`;
}

export function progressJson(p: CampaignProgress): string {
  return JSON.stringify({ kind: 'progress', done_cells: p.done_cells, total_cells: p.total_cells, trials: p.results.length, modes: p.perMode() });
}
