// A recorded exploration opened in the dashboard: the record round trip (what the store keeps is
// what the reports draw), the screen — the statement of what was tried, the heat map row by row as
// the text report draws it, the classes with their seeds and the selected one's replay command —
// and its keys (↑/↓ select a class, ←/→ scroll a map wider than the terminal).
import { render } from 'ink-testing-library';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExploreConfig } from '../../src/campaign/explore/config.ts';
import { OUTCOME_LETTER } from '../../src/campaign/explore/heat-map.ts';
import { exploreOfRecord, exploreRecordOf } from '../../src/campaign/explore/record.ts';
import { formatExploreText } from '../../src/campaign/explore/report.ts';
import { runExplore, type ExploreFile } from '../../src/campaign/explore/run.ts';
import { classKey, completenessLines } from '../../src/campaign/explore/statements.ts';
import { heatLines, heatWindow, legendRows, wrapWords } from '../../tui/explore/explore-lines.ts';
import { ExploreApp } from '../../tui/view/explore-app.tsx';
import { ExploreScreen, type ExploreView } from '../../tui/view/explore-screen.tsx';

const cfg: ExploreConfig = { seed: 3, server: 'timer', faults: ['crash', 'hang'], modes: ['restart', 'curios'], commit: 'shadow', clients: 2, ops_per_client: 2, stride: 4, bits: [0, 31], depth: 1 };
const settle = (ms = 50) => new Promise((resolve) => setTimeout(resolve, ms));
let view: ExploreView;

beforeAll(async () => {
  const { file } = await runExplore(cfg, { workers: 1, shard: null, clock_ms: () => 0 });
  const seeds = new Map(file.classes.filter((c) => c.failing).map((c, i) => [classKey(c), `${String(i).padStart(4, '0')}abcdef01`]));
  // through JSON, as the store keeps it
  const stored = JSON.parse(JSON.stringify(exploreRecordOf(file, seeds))) as ReturnType<typeof exploreRecordOf>;
  view = { id: '0123456789ab', ...exploreOfRecord(stored) };
}, 120_000);

describe('an exploration record', () => {
  it('gives back the file the reports draw, without its trials, and the seed of each failing class', async () => {
    const { file } = await runExplore(cfg, { workers: 1, shard: null, clock_ms: () => 0 });
    expect(view.file).toEqual(file);
    expect(formatExploreText(view.file, { color: false, seeds: view.seeds })).toBe(formatExploreText(file, { color: false, seeds: view.seeds }));
    expect([...view.seeds.keys()].sort()).toEqual(file.classes.filter((c) => c.failing).map(classKey).sort());
  }, 120_000);

  it('is refused, saying which part is wrong, when it has the wrong shape', () => {
    const good = exploreRecordOf(view.file, view.seeds);
    expect(() => exploreOfRecord({ ...good, config: { ...good.config, server: 3 } })).toThrow('not an exploration record: config.server is not a string');
    expect(() => exploreOfRecord({ ...good, summary: { ...good.summary, heat: { columns: [], rows: 'x', sites: false } } })).toThrow('summary.heat.rows is not an array');
    expect(() => exploreOfRecord({ ...good, summary: null })).toThrow('summary is not an object');
  });
});

describe('the explore screen', () => {
  it('shows what was tried, the heat map as the text report draws it, the legend and the classes', () => {
    const frame = render(<ExploreScreen view={view} size={{ columns: 120, rows: 40 }} scroll={{ selected: 0, columns: 0 }} />).lastFrame() ?? '';
    expect(frame).toContain('curios explore 0123456789ab · timer, workload seed 3');
    for (const line of completenessLines(view.file)) for (const part of wrapWords(line, 116)) expect(frame).toContain(part);
    const text = formatExploreText(view.file, { color: false });
    for (const row of view.file.heat.rows) {
      const label = `${row.fault} ${row.mode}`;
      const drawn = frame.split('\n').find((l) => l.includes(`│ ${label}  `)) ?? '';
      const inText = text.split('\n').find((l) => l.startsWith(`  ${label} `)) ?? '';
      expect(drawn).not.toBe('');
      expect(inText).not.toBe('');
      const cells = (s: string) => s.slice(s.indexOf(label) + label.length).replace(/[│\s]/g, '');
      expect(cells(drawn)).toBe(cells(inText));
    }
    for (const o of legendRows(view.file, 116).flat()) expect(frame).toContain(`${OUTCOME_LETTER[o]} ${o}`);
    const first = view.file.classes[0];
    expect(frame).toMatch(new RegExp(`${first.mode}\\s+${first.signature.split(':')[0]}\\s+${first.points}`));
    const seed = view.seeds.get(classKey(first));
    if (seed !== undefined) expect(frame).toContain(`npx curios replay ${seed}`);
    const small = render(<ExploreScreen view={view} size={{ columns: 80, rows: 40 }} scroll={{ selected: 0, columns: 0 }} />).lastFrame() ?? '';
    expect(small).toMatch(/terminal too small: 80×40/);
  });

  it('windows a heat map wider than the terminal, sideways', () => {
    const wide: ExploreFile = { ...view.file, heat: { ...view.file.heat, columns: Array.from({ length: 300 }, (_, j) => ({ client: 0, j, op: 'set' })), rows: view.file.heat.rows.map((r) => ({ ...r, cells: Array.from({ length: 300 }, (_, j) => (j === 299 ? { worst: 'failed' as const, points: 1, failing: 1 } : null)) })), sites: false } };
    const lines = heatLines(wide);
    expect(lines.lines.every((l) => l.length === 300)).toBe(true);
    expect(heatWindow(lines, 0, 50).lines[2].some((c) => c.outcome === 'failed')).toBe(false);
    const end = heatWindow(lines, 1_000, 50);
    expect(end.first).toBe(250);
    expect(end.lines[2].at(-1)).toEqual({ text: 'F', outcome: 'failed' });
    const frame = render(<ExploreScreen view={{ ...view, file: wide }} size={{ columns: 100, rows: 40 }} scroll={{ selected: 0, columns: 0 }} />).lastFrame() ?? '';
    expect(frame).toMatch(/columns 1-\d+ of 300; ←\/→ scroll/);
  });
});

describe('the explore app', () => {
  it('selects a class with ↓ and ↑, showing its replay command, and scrolls the map with → and ←', async () => {
    const wide: ExploreFile = { ...view.file, heat: { ...view.file.heat, columns: Array.from({ length: 300 }, (_, j) => ({ client: 0, j, op: 'set' })), rows: view.file.heat.rows.map((r) => ({ ...r, cells: Array.from({ length: 300 }, () => null) })), sites: false } };
    const app = render(<ExploreApp view={{ ...view, file: wide }} />);
    // Keys are read asynchronously: wait for the frame they lead to (a loaded machine is slow).
    const frameWhere = async (test: (frame: string) => boolean): Promise<string> => {
      for (let waited = 0; waited < 5_000; waited += 20) {
        if (test(app.lastFrame() ?? '')) break;
        await settle(20);
      }
      return app.lastFrame() ?? '';
    };
    const selected = (frame: string) => Number(/failure classes, worst first \((\d+) of/.exec(frame)?.[1]);
    expect(selected(await frameWhere((f) => selected(f) === 1))).toBe(1);
    app.stdin.write('\u001B[B');
    const two = Math.min(2, view.file.classes.length);
    const frame = await frameWhere((f) => selected(f) === two);
    expect(selected(frame)).toBe(two);
    const second = view.file.classes[two - 1];
    const seed = view.seeds.get(classKey(second));
    expect(frame).toContain(seed === undefined ? 'a passing class (no crash seed)' : `npx curios replay ${seed}`);
    app.stdin.write('\u001B[A');
    await frameWhere((f) => selected(f) === 1);
    app.stdin.write('\u001B[A');
    await settle();
    expect(selected(await frameWhere((f) => selected(f) === 1))).toBe(1);
    app.stdin.write('\u001B[C');
    expect(await frameWhere((f) => /columns 9-/.test(f))).toMatch(/columns 9-\d+ of 300/);
    app.stdin.write('\u001B[D');
    expect(await frameWhere((f) => /columns 1-/.test(f))).toMatch(/columns 1-\d+ of 300/);
    app.unmount();
  });
});
