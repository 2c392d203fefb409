import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatCsv,
  formatHtml,
  formatJson,
  formatMarkdown,
  formatSummary,
  formatText,
  REPORT_FORMATS,
} from '../../src/campaign/report/index.ts';
import { OUTCOME_MEANING, OUTCOMES, type CampaignSummary, type Outcome, type TrialResult } from '../../src/campaign/result-types.ts';
import { MODES, usesCommitPolicy, type Mode } from '../../src/ssr/modes.ts';
import { aggregate } from '../../src/campaign/stats.ts';

const CSV_COLUMN_COUNT = 6 + OUTCOMES.length + 8;

function summaryOf(trials: TrialResult[]): CampaignSummary {
  return { seed: 42, trials: trials.length, digest: 'c0ffee', trialsPerSecond: 1234.5, rows: aggregate(trials) };
}

function trialsFor(server: string, fault: string, mode: Mode, outcomes: Outcome[]): TrialResult[] {
  return outcomes.map((outcome, index) => ({
    index,
    server,
    fault,
    mode,
    outcome,
    traceHash: String(index),
    recoverCycles: outcome === 'recovered' ? 500 + index : null,
    commit: usesCommitPolicy(mode) ? ('shadow' as const) : null,
    overheadCycles: 1000 + index,
    ops: 3,
  }));
}

// Every mode of fs, two faults; one mode of net; and names that break careless formatters.
const SAMPLE = summaryOf([
  ...MODES.flatMap((mode) => trialsFor('fs', 'crash', mode, ['recovered', 'masked', 'failed', 'not-activated'])),
  ...trialsFor('fs', 'bitflip', 'persist', ['silent-corruption', 'degraded-collateral']),
  ...trialsFor('net', 'hang', 'curios', ['degraded', 'recovered']),
  ...trialsFor('disk "a", b', 'crash', 'restart', ['recovered']),
  ...trialsFor('<script>alert(1)</script>', 'crash', 'none', ['failed']),
  ...trialsFor('pipe|name', 'hang', 'curios', ['not-activated']),
]);

/** An RFC 4180 reader, strict enough to reject what a spreadsheet would misread. */
function parseCsv(text: string): string[][] {
  const fail = (what: string, at: number): never => {
    throw new Error(`csv: ${what} at ${at} in ${JSON.stringify(text)}`);
  };
  if (!text.endsWith('\r\n')) fail('no CRLF after the last record', text.length);
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    let value = '';
    if (text[i] === '"') {
      i += 1;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote < 0) fail('unterminated quoted field', i);
        value += text.slice(i, quote);
        i = quote + 1;
        if (text[i] !== '"') break;
        value += '"';
        i += 1;
      }
    } else {
      const end = text.slice(i).search(/[,\r]/) + i;
      value = text.slice(i, end);
      if (/["\n]/.test(value)) fail('quote or line feed in an unquoted field', i);
      i = end;
    }
    record.push(value);
    if (text[i] === ',') {
      i += 1;
    } else {
      if (text.slice(i, i + 2) !== '\r\n') fail('field not followed by a comma or CRLF', i);
      i += 2;
      records.push(record);
      record = [];
    }
  }
  return records;
}

const stripAnsi = (text: string): string => text.replace(/\x1b\[[0-9;]*m/g, '');

describe('formatJson', () => {
  it('round-trips the summary with exactly the documented keys, in order', () => {
    const parsed: unknown = JSON.parse(formatJson(SAMPLE));
    expect(parsed).toEqual(SAMPLE);
    const document = parsed as CampaignSummary;
    expect(Object.keys(document)).toEqual(['seed', 'trials', 'digest', 'trialsPerSecond', 'rows']);
    for (const row of document.rows) {
      expect(Object.keys(row)).toEqual([
        'server',
        'fault',
        'mode',
        'commit',
        'trials',
        'manifested',
        'outcomes',
        'recoveryStrict',
        'recoveryLenient',
        'ci95Strict',
        'ci95Lenient',
        'mttrCycles',
        'overheadCyclesPerOp',
      ]);
      expect(Object.keys(row.outcomes)).toEqual([...OUTCOMES]);
    }
  });

  it('drops fields a caller added that the format does not document', () => {
    const extended = { ...SAMPLE, wallClock: 'Tuesday', rows: SAMPLE.rows.map((row) => ({ ...row, note: 'x' })) };
    expect(formatJson(extended)).toBe(formatJson(SAMPLE));
  });

  it('writes null where nothing manifested', () => {
    const row = (JSON.parse(formatJson(SAMPLE)) as CampaignSummary).rows.find((r) => r.server === 'pipe|name');
    expect(row?.recoveryStrict).toBeNull();
    expect(row?.ci95Lenient).toBeNull();
  });
});

describe('formatCsv', () => {
  it('has a header and one line per row, each with every column, names quoted as RFC 4180 says', () => {
    const records = parseCsv(formatCsv(SAMPLE));
    expect(records).toHaveLength(SAMPLE.rows.length + 1);
    for (const record of records) expect(record).toHaveLength(CSV_COLUMN_COUNT);
    expect(records[0].slice(0, 6)).toEqual(['server', 'fault', 'mode', 'commit', 'trials', 'manifested']);
    expect(records.slice(1).map((record) => record[0])).toEqual(SAMPLE.rows.map((row) => row.server));
  });

  it('puts counts, rates and interval bounds in their own columns, empty when undefined', () => {
    const [header, ...records] = parseCsv(formatCsv(SAMPLE));
    const column = (name: string): number => header.indexOf(name);
    SAMPLE.rows.forEach((row, r) => {
      for (const outcome of OUTCOMES) expect(Number(records[r][column(outcome)])).toBe(row.outcomes[outcome]);
      expect(records[r][column('ci95StrictLo')]).toBe(row.ci95Strict === null ? '' : String(row.ci95Strict[0]));
      expect(records[r][column('ci95LenientHi')]).toBe(row.ci95Lenient === null ? '' : String(row.ci95Lenient[1]));
    });
  });

  it('keeps every line whole whatever the server is called', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), (server) => {
        const summary = summaryOf(trialsFor(server, 'crash', 'curios', ['recovered']));
        const records = parseCsv(formatCsv(summary));
        expect(records).toHaveLength(2);
        expect(records[1]).toHaveLength(CSV_COLUMN_COUNT);
        expect(records[1][0]).toBe(server);
      }),
    );
  });
});

describe('formatMarkdown', () => {
  const tableLines = (text: string): string[] => text.split('\n').filter((line) => line.startsWith('|'));
  const cellCount = (line: string): number => line.split(/(?<!\\)\|/).length - 2;

  it('has a header, an alignment line and one line per row, each with every column', () => {
    const lines = tableLines(formatMarkdown(SAMPLE));
    expect(lines).toHaveLength(SAMPLE.rows.length + 2);
    const columns = cellCount(lines[0]);
    expect(columns).toBe(18);
    for (const line of lines) expect(cellCount(line)).toBe(columns);
    expect(lines[1]).toMatch(/^\| :--- \| :--- \| :--- \| :--- \| ---: \|/);
  });

  it('escapes a pipe, a line break and markup in a name', () => {
    const text = formatMarkdown(summaryOf(trialsFor('a|b\n*c*', 'crash', 'none', ['failed'])));
    expect(text).toContain('a\\|b \\*c\\*');
  });
});

describe('formatHtml', () => {
  const html = formatHtml(SAMPLE);

  it('is self-contained: nothing it could fetch', () => {
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script|<link|<img|src=|href=|url\(|@import/i);
  });

  it('draws one chart per fault kind, each with one bar per server × mode of that fault', () => {
    const faults = [...new Set(SAMPLE.rows.map((row) => row.fault))];
    expect(html.match(/<svg/g)).toHaveLength(faults.length);
    const charts = html.split('<svg').slice(1);
    faults.forEach((fault, i) => {
      const pairs = new Set(SAMPLE.rows.filter((row) => row.fault === fault).map((row) => `${row.server}\u0000${row.mode}`));
      expect(charts[i]).toContain(`Outcome shares of ${fault} faults`);
      expect(charts[i].match(/<text [^>]*>[^<]* · [^<]*<\/text>/g) ?? []).toHaveLength(pairs.size);
    });
  });

  it('defines every outcome class and both rates in its legend', () => {
    for (const outcome of OUTCOMES) expect(html).toContain(`<b>${outcome}</b>: ${OUTCOME_MEANING[outcome].replace(/'/g, '&#39;')}`);
    expect(html).toContain('strict recovery = (masked + recovered) / manifested');
    expect(html).toContain('lenient recovery = (masked + recovered + degraded) / manifested');
  });

  it('holds no wall-clock figure: the same campaign run at another speed gives the same bytes', () => {
    expect(formatHtml({ ...SAMPLE, trialsPerSecond: 1 })).toBe(html);
    expect(html).not.toContain('trials/s');
  });

  it('fills each bar from 0 to 100%', () => {
    for (const svg of html.split('<svg').slice(1)) {
      const segments = [...svg.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="14"/g)];
      const ends = new Map<string, number[]>();
      for (const [, x, y, width] of segments) {
        ends.set(y, [...(ends.get(y) ?? []), Number(x), Number(x) + Number(width)]);
      }
      const spans = [...ends.values()].map((xs) => Math.max(...xs) - Math.min(...xs));
      expect(spans.length).toBeGreaterThan(0);
      for (const span of spans) expect(span).toBeCloseTo(400, 1);
    }
  });

  it('escapes names', () => {
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).toContain('disk &#34;a&#34;, b');
  });

  it('has the table, one line per row', () => {
    expect(html.match(/<tr>/g)).toHaveLength(SAMPLE.rows.length + 1);
  });
});

describe('formatText --wide', () => {
  const plain = formatText(SAMPLE, { color: false, wide: true });
  const lines = plain.trimEnd().split('\n');

  it('names the campaign, then lists every row with its server and mode', () => {
    expect(lines[0]).toBe(`campaign: seed 42, ${SAMPLE.trials} trials, digest c0ffee`);
    const body = lines.slice(3);
    expect(body).toHaveLength(SAMPLE.rows.length);
    SAMPLE.rows.forEach((row, r) => {
      expect(body[r].startsWith(row.server)).toBe(true);
      expect(body[r]).toContain(` ${row.mode} `);
    });
  });

  it('lines its columns up: every table line is as long as the header', () => {
    for (const line of lines.slice(1)) expect(line.length).toBe(lines[1].length);
  });

  it('shows a rate with its interval, and a dash where there is none', () => {
    const fsNone = lines.find((line) => line.startsWith('fs') && line.includes(' crash ') && line.includes(' none '));
    expect(fsNone).toMatch(/66\.7 \[\d+\.\d, \d+\.\d\]/);
    const idle = lines.find((line) => line.startsWith('pipe|name'));
    expect(idle).toMatch(/ - +- +- +333\.3$/);
  });

  it('uses colour only when asked, and colour changes nothing else', () => {
    expect(plain).not.toContain('\x1b');
    const coloured = formatText(SAMPLE, { color: true, wide: true });
    expect(coloured).toContain('\x1b[31m');
    expect(stripAnsi(coloured)).toBe(plain);
  });

  it('keeps a control character in a name from breaking the table', () => {
    const text = formatText(summaryOf(trialsFor('evil\n\x1b[2J', 'crash', 'none', ['failed'])), { color: false, wide: true });
    expect(text).not.toContain('\x1b');
    expect(text.trimEnd().split('\n')).toHaveLength(4);
  });
});

describe('formatText (compact, the default)', () => {
  // Every built-in server × fault kind × mode, with counts up to five digits a cell (a campaign of
  // millions of trials).
  const SERVERS = ['console', 'prng', 'fs', 'disk', 'net', 'timer', 'sched'];
  const FAULTS = ['crash', 'hang', 'bitflip', 'regflip', 'wild-write', 'msg-corrupt'];
  const outcomesArb = fc.array(fc.constantFrom(...OUTCOMES), { minLength: 1, maxLength: 40 });

  it('fits 100 columns, digest shortened, whatever the counts', () => {
    fc.assert(
      fc.property(outcomesArb, fc.integer({ min: 1, max: 2_000 }), (outcomes, scale) => {
        const trials = SERVERS.flatMap((server) => FAULTS.flatMap((fault) => MODES.flatMap((mode) => trialsFor(server, fault, mode, outcomes))));
        const summary = summaryOf(trials);
        // Counts as a campaign `scale` times longer would have (same rates).
        const rows = summary.rows.map((row) => ({ ...row, trials: row.trials * scale, manifested: row.manifested * scale, outcomes: Object.fromEntries(OUTCOMES.map((o) => [o, row.outcomes[o] * scale])) as Record<Outcome, number> }));
        const text = formatText({ ...summary, rows, digest: 'f'.repeat(64) });
        for (const line of text.trimEnd().split('\n')) expect(line.length).toBeLessThanOrEqual(100);
        expect(text.split('\n')[0]).toMatch(/digest f{16}$/);
      }),
      { numRuns: 20 },
    );
  });

  it('keeps the counts of the wide table, under short headers', () => {
    const compact = formatText(SAMPLE).trimEnd().split('\n');
    expect(compact[1].split(/\s+/)).toEqual(['server', 'fault', 'mode', 'n', 'mask', 'recov', 'degr', 'coll', 'silent', 'fail', 'host', 'strict', '[95%', 'CI]', 'lenient']);
    const fsNone = compact.find((line) => line.startsWith('fs ') && line.includes(' crash ') && line.includes(' none '));
    const row = SAMPLE.rows.find((r) => r.server === 'fs' && r.fault === 'crash' && r.mode === 'none');
    if (fsNone === undefined || row === undefined) throw new Error('no fs crash none row');
    const words = fsNone.split(/\s+/);
    expect(words.slice(3, 10).map(Number)).toEqual([row.manifested, row.outcomes.masked, row.outcomes.recovered, row.outcomes.degraded, row.outcomes['degraded-collateral'], row.outcomes['silent-corruption'], row.outcomes.failed]);
    expect(compact.at(-1)).toMatch(/--wide/);
  });
});

describe('formatSummary', () => {
  it('dispatches to each format', () => {
    expect(formatSummary(SAMPLE, 'text')).toBe(formatText(SAMPLE));
    expect(formatSummary(SAMPLE, 'text', { color: true })).toBe(formatText(SAMPLE, { color: true }));
    expect(formatSummary(SAMPLE, 'json')).toBe(formatJson(SAMPLE));
    expect(formatSummary(SAMPLE, 'csv')).toBe(formatCsv(SAMPLE));
    expect(formatSummary(SAMPLE, 'md')).toBe(formatMarkdown(SAMPLE));
    expect(formatSummary(SAMPLE, 'html')).toBe(formatHtml(SAMPLE));
  });

  it('refuses an unknown format, listing the known ones', () => {
    expect(() => formatSummary(SAMPLE, 'xml')).toThrow('unknown report format "xml": expected one of text, json, csv, md, html');
    expect(() => formatSummary(SAMPLE, 'toString')).toThrow(/unknown report format/);
  });

  it('gives the same bytes for the same summary, in every format', () => {
    for (const format of REPORT_FORMATS) {
      expect(formatSummary(structuredClone(SAMPLE), format)).toBe(formatSummary(SAMPLE, format));
    }
  });

  it('ends every report with one line break', () => {
    for (const format of REPORT_FORMATS) expect(formatSummary(SAMPLE, format)).toMatch(/[^\n]\r?\n$/);
  });
});
