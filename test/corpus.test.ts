// The regression corpus (test/corpus, see corpus.ts there): every entry, replayed in this
// process, must give its recorded outcome and trace hash; a change fails with the file's name,
// both outcomes and hashes, and the first event where the traces part.
import { describe, expect, it } from 'vitest';
import { compareReplay, replayTrial } from '../src/campaign/replay.ts';
import { OUTCOMES } from '../src/campaign/result-types.ts';
import { corpusEntries, describeDifference } from './corpus/corpus.ts';

const entries = corpusEntries();

describe('the regression corpus', () => {
  // host-limit needs a hostile server (test/campaign/host-limit.test.ts), not a built-in one.
  it('holds a trial of every outcome class the built-in servers reach', () => {
    expect([...new Set(entries.map((e) => e.trial.expected.outcome))].sort()).toEqual(OUTCOMES.filter((o) => o !== 'host-limit').sort());
  });

  it.each(entries.map((e) => [e.file, e] as const))('%s replays with its outcome and trace hash', (_file, entry) => {
    const got = replayTrial(entry.trial);
    const diff = compareReplay(entry.trial.expected, got, entry.traceLines);
    expect(diff, diff === null ? undefined : describeDifference(entry.file, diff)).toBeNull();
    expect(got.lines).toEqual(entry.traceLines);
  });

  it('says which file changed, how, and where its trace parts, when an entry no longer reproduces', () => {
    const entry = entries.find((e) => e.trial.expected.outcome === 'silent-corruption');
    expect(entry).toBeDefined();
    if (entry === undefined) return;
    // The same trial without its fault: what a change that stopped the fault firing would give.
    const got = replayTrial({ config: entry.trial.config, plan: { version: 1, faults: [] } });
    const diff = compareReplay(entry.trial.expected, got, entry.traceLines);
    expect(diff).not.toBeNull();
    if (diff === null) return;
    const event = diff.firstDivergence?.event ?? -1;
    expect(event).toBeGreaterThanOrEqual(0);
    const message = describeDifference(entry.file, diff).split('\n');
    expect(message[0]).toBe(`${entry.file} no longer reproduces:`);
    expect(message).toContain(`  outcome     expected silent-corruption, got not-activated`);
    expect(message).toContain(`  trace hash  expected ${entry.trial.expected.traceHash}, got ${got.traceHash}`);
    expect(message).toContain(`  the traces part at event ${event}:`);
    // The recorded trace has the fault at that event; the replay has something else there.
    expect(message).toContain(`    expected ${entry.traceLines[event]}`);
    expect(entry.traceLines[event]).toMatch(/injector\s+fault\s+bitflip/);
    expect(message).toContain(`    got      ${got.lines[event] ?? '(end of trace)'}`);
  });
});
