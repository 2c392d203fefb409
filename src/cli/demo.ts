// `curios demo`: the crash scenario under the four modes, printed as a table and notes, or as JSON.
import { shortHash } from '../campaign/report/columns.ts';
import { runDemo, type DemoResult } from '../campaign/demo.ts';
import { MODES } from '../ssr/modes.ts';

export function demoCommand(opts: { seed: number; json: boolean }, out: (s: string) => void): void {
  const result = runDemo(opts.seed);
  if (opts.json) {
    out(JSON.stringify(demoJson(result), null, 2));
    return;
  }
  out(formatDemo(result));
}

export function demoJson(r: DemoResult): unknown {
  return {
    seed: r.seed,
    crashes: r.crashes,
    modes: Object.fromEntries(MODES.map((m) => [m, { clients: r.modes[m].clients, restarts: r.modes[m].restarts, traceHash: r.modes[m].traceHash, notes: r.modes[m].notes }])),
  };
}

const MODE_STORY: Record<string, string> = {
  none: 'no recovery: the crashed server stays down; calls to it fail',
  restart: 'MINIX 3 restart: a fresh server that has forgotten every client (stale handles)',
  persist: 'persisted state, not isolated: state survives; the in-flight call fails',
  curios: 'SSRs (shadow commit): state survives, the in-flight call is retried',
};

export function formatDemo(r: DemoResult): string {
  const lines: string[] = [];
  const crashes = r.crashes.map((c) => `${c.server} at its request #${c.request}`).join(', then ');
  lines.push(`curios demo — seed ${r.seed}: each stateful server is crashed in turn: ${crashes}`);
  lines.push('');
  lines.push('mode      restarts  client  ops  errors  stale  wrong   trace');
  for (const m of MODES) {
    const mode = r.modes[m];
    mode.clients.forEach((c, i) => {
      const head = i === 0 ? `${m.padEnd(8)}  ${String(mode.restarts).padStart(8)}` : ' '.repeat(18);
      lines.push(`${head}  ${String(c.id).padStart(6)}  ${String(c.ops).padStart(3)}  ${String(c.errors).padStart(6)}  ${String(c.staleHandles).padStart(5)}  ${String(c.wrongResults).padStart(5)}   ${i === 0 ? shortHash(mode.traceHash) : ''}`);
    });
  }
  for (const m of MODES) {
    lines.push('');
    lines.push(`${m}: ${MODE_STORY[m]}`);
    const notes = r.modes[m].notes;
    if (notes.length === 0) lines.push('  every client saw exactly what it sees without the crashes');
    for (const n of notes.slice(0, 8)) lines.push(`  ${n}`);
    if (notes.length > 8) lines.push(`  … and ${notes.length - 8} more`);
  }
  return lines.join('\n');
}
