// The kind and trigger tables are the one home of fault kinds: the docs list every kind, trigger
// and injection site, and each kind's drawn triggers are triggers it takes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FAULT_KIND_SPECS, FAULT_KINDS } from '../../src/faults/kinds.ts';
import { TRIGGER_ATS } from '../../src/faults/triggers.ts';
import { profileFor, targets } from '../../src/servers/catalog.ts';

const doc = readFileSync(new URL('../../docs/fault-model.md', import.meta.url), 'utf8');

describe('fault kinds as data', () => {
  it.each(FAULT_KINDS)('%s: a campaign draws only triggers the kind takes', (kind) => {
    const spec = FAULT_KIND_SPECS[kind];
    for (const at of spec.drawn) expect(spec.triggers).toContain(at);
  });

  it('docs/fault-model.md lists every kind, every trigger and every injection site', () => {
    for (const kind of FAULT_KINDS) expect(doc).toContain(`| \`${kind}\` |`);
    for (const at of TRIGGER_ATS) expect(doc).toContain(`{"at":"${at}"`);
    for (const server of targets()) for (const site of profileFor(server).servers.find((d) => d.name === server)?.sites ?? []) expect(doc).toContain(`| \`${server}\` | \`${site}\` |`);
  });
});
