// The reports of an exploration: the heat map as data (every trial in exactly one cell, each cell
// the worst of its trials), and the HTML page drawn from it — self-contained, the same bytes for
// the same exploration, one coloured cell per request × fault kind × mode, the statement of
// completeness, and every failing class with its seed and replay command.
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExploreConfig } from '../../src/campaign/explore/config.ts';
import { heatMapOf, OUTCOME_LETTER } from '../../src/campaign/explore/heat-map.ts';
import { formatExploreHtml } from '../../src/campaign/explore/html.ts';
import { formatExploreText } from '../../src/campaign/explore/report.ts';
import { runExplore, type ExploreRun } from '../../src/campaign/explore/run.ts';
import { requestOf } from '../../src/campaign/explore/space.ts';
import { classKey, completenessLines } from '../../src/campaign/explore/statements.ts';
import { OUTCOME_COLOURS } from '../../src/campaign/report/html.ts';
import { OUTCOMES } from '../../src/campaign/result-types.ts';

const cfg: ExploreConfig = { seed: 3, server: 'timer', faults: ['crash', 'hang'], modes: ['restart', 'curios'], commit: 'shadow', clients: 2, ops_per_client: 2, stride: 4, bits: [0, 31], depth: 1 };
let run: ExploreRun;
beforeAll(async () => {
  run = await runExplore(cfg, { workers: 1, shard: null, clock_ms: () => 0 });
}, 120_000);

describe('the heat map', () => {
  it('puts every trial in exactly one cell, each cell the worst outcome of its trials', () => {
    const { heat, space } = run.file;
    expect(heat.rows.map((r) => `${r.fault} ${r.mode}`)).toEqual(['crash restart', 'crash curios', 'hang restart', 'hang curios']);
    for (const row of heat.rows) {
      const mine = run.results.filter((r) => r.fault === row.fault && r.mode === row.mode);
      expect(row.cells).toHaveLength(heat.columns.length + (heat.sites ? 1 : 0));
      expect(row.cells.reduce((n, c) => n + (c?.points ?? 0), 0)).toBe(mine.length);
      const calls = space.find((s) => s.mode === row.mode)?.calls ?? [];
      row.cells.forEach((cell, col) => {
        const inCell = mine.filter((r) => {
          const n = requestOf(r.point);
          if (n === null) return col === heat.columns.length;
          const call = calls[n - 1];
          return heat.columns[col]?.client === call.client && heat.columns[col]?.j === call.j;
        });
        if (cell === null) return expect(inCell).toEqual([]);
        expect(cell.points).toBe(inCell.length);
        expect(cell.worst).toBe(OUTCOMES[Math.max(...inCell.map((r) => OUTCOMES.indexOf(r.outcome)))]);
      });
    }
  });

  it('has a column per request of each client, in the order the client made them', () => {
    const { columns } = run.file.heat;
    expect(columns.length).toBe(cfg.clients * cfg.ops_per_client);
    for (let i = 1; i < columns.length; i++) {
      const [a, b] = [columns[i - 1], columns[i]];
      expect(a.client < b.client || (a.client === b.client && a.j < b.j)).toBe(true);
    }
  });

  it('keeps a sites column only when a site was tried, and none without trials', () => {
    const empty = heatMapOf(cfg, run.file.space, []);
    expect(empty.sites).toBe(false);
    expect(empty.rows.every((r) => r.cells.every((c) => c === null))).toBe(true);
  });
});

describe('the HTML report', () => {
  it('is self-contained and the same bytes for the same exploration', async () => {
    const seeds = new Map(run.file.classes.filter((c) => c.failing).map((c, i) => [classKey(c), `seed${String(i).padStart(8, '0')}`]));
    const html = formatExploreHtml(run.file, { seeds });
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link|https?:\/\//);
    const again = await runExplore(cfg, { workers: 2, shard: null, clock_ms: () => 0 });
    expect(formatExploreHtml(again.file, { seeds })).toBe(html);
    // the statement of completeness, every failing class with its replay command
    for (const line of completenessLines(run.file)) expect(html).toContain(line.replace(/&/g, '&#38;'));
    for (const id of seeds.values()) expect(html).toContain(`<code>npx curios replay ${id}</code>`);
  }, 120_000);

  it('draws one cell per request × fault kind × mode, in its worst outcome\'s colour and letter', () => {
    const html = formatExploreHtml(run.file);
    const cells = [...html.matchAll(/<td class="cell" style="background:(#[0-9a-f]{6});color:#[0-9a-f]{3}" title="[^"]*">([^<]*)<\/td>/g)];
    const heat = run.file.heat;
    const drawn = heat.rows.flatMap((r) => r.cells.filter((c) => c !== null));
    expect(cells).toHaveLength(drawn.length);
    // rows are drawn mode by mode, each mode's fault kinds below it
    const order = cfg.modes.flatMap((mode) => heat.rows.filter((r) => r.mode === mode).flatMap((r) => r.cells.filter((c) => c !== null)));
    cells.forEach((m, i) => {
      expect(m[1]).toBe(OUTCOME_COLOURS[order[i].worst]);
      expect(m[2]).toBe(OUTCOME_LETTER[order[i].worst]);
    });
  });

  it('draws what the text heat map draws', () => {
    const text = formatExploreText(run.file, { color: false });
    const html = formatExploreHtml(run.file);
    const letters = (s: string) => [...s].filter((ch) => Object.values(OUTCOME_LETTER).includes(ch)).join('');
    for (const row of run.file.heat.rows) {
      const line = text.split('\n').find((l) => l.startsWith(`  ${row.fault} ${row.mode} `)) ?? '';
      const cellsInText = letters(line.slice(`  ${row.fault} ${row.mode}`.length));
      const cellsInHtml = row.cells.filter((c) => c !== null).map((c) => OUTCOME_LETTER[c.worst]).join('');
      expect(cellsInText).toBe(cellsInHtml);
      expect(html).toContain(`>${escape(row.fault)}</td>`);
    }
  });
});

const escape = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
