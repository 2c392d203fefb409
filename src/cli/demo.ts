// `curios demo`: the crash scenario under every mode (and commit policy), printed as a table and notes, or as JSON.
import { shortHash } from '../campaign/report/columns.ts';
import { runDemo, type DemoResult } from '../campaign/demo.ts';
import { HOST_LIMITS, hostLimitSaid } from '../campaign/host-limits.ts';
import { demoIsolated } from '../campaign/pool.ts';
import { EXIT, fail } from './errors.ts';
import { MODE_SPECS, settleInFlight, type CommitPolicy, type Mode } from '../ssr/modes.ts';

/** The demo run in this process (tests); the command runs it in a worker: demoCommandIsolated. */
export function demoCommand(opts: { seed: number; json: boolean }, out: (s: string) => void): void {
  printDemo(runDemo(opts.seed), opts.json, out);
}

/**
 * `curios demo`, and `curios` when stdout is not a terminal: the demo runs the servers of the
 * config file too, so it runs in a worker process under the host limits — a server that loops or
 * allocates without bound ends it with one line (exit 3), never hangs or kills this process.
 */
export async function demoCommandIsolated(opts: { seed: number; json: boolean }, out: (s: string) => void): Promise<void> {
  const r = await demoIsolated(opts.seed);
  if ('limit' in r) fail(`the demo stopped: host-limit (${r.limit}): a server's code in it ${hostLimitSaid(r.limit, HOST_LIMITS.demo_budget_ms)}`, EXIT.mismatch);
  printDemo(r.answer, opts.json, out);
}

function printDemo(result: DemoResult, json: boolean, out: (s: string) => void): void {
  out(json ? JSON.stringify(demoJson(result), null, 2) : formatDemo(result));
}

export function demoJson(r: DemoResult): unknown {
  return {
    seed: r.seed,
    crashes: r.crashes,
    modes: Object.fromEntries(Object.entries(r.modes).map(([name, m]) => [name, { mode: m.mode, commit: m.commit, clients: m.clients, restarts: m.restarts, traceHash: m.traceHash, notes: m.notes, endState: m.endState }])),
  };
}

/** What an arm does, from the modes table: its summary, and what becomes of a crashed stateful server's in-flight call. */
function story(mode: Mode, commit: CommitPolicy | null): string {
  const spec = MODE_SPECS[mode];
  const inFlight = !spec.restarts ? 'fails, and so does every later call' : settleInFlight(mode, commit ?? 'in-place', false) === 'requeue' ? 'is retried' : 'fails';
  return `${spec.summary}; the in-flight call ${inFlight}`;
}

export function formatDemo(r: DemoResult): string {
  const lines: string[] = [];
  const crashes = r.crashes.map((c) => `${c.server} at its request #${c.request}`).join(', then ');
  lines.push(`curios demo — seed ${r.seed}: each stateful server is crashed in turn: ${crashes}`);
  lines.push('');
  lines.push('mode              restarts  client  ops  errors  stale  wrong   trace');
  for (const [m, mode] of Object.entries(r.modes)) {
    mode.clients.forEach((c, i) => {
      const head = i === 0 ? `${m.padEnd(16)}  ${String(mode.restarts).padStart(8)}` : ' '.repeat(26);
      lines.push(`${head}  ${String(c.id).padStart(6)}  ${String(c.ops).padStart(3)}  ${String(c.errors).padStart(6)}  ${String(c.staleHandles).padStart(5)}  ${String(c.wrongResults).padStart(5)}   ${i === 0 ? shortHash(mode.traceHash) : ''}`);
    });
  }
  for (const [m, mode] of Object.entries(r.modes)) {
    lines.push('');
    lines.push(`${m}: ${story(mode.mode, mode.commit)}`);
    const notes = mode.notes;
    if (notes.length === 0) lines.push('  every client saw exactly what it sees without the crashes');
    for (const n of notes.slice(0, 8)) lines.push(`  ${n}`);
    if (notes.length > 8) lines.push(`  … and ${notes.length - 8} more`);
    const end = mode.endState;
    lines.push(end.length === 0 ? '  end state: the golden run\'s' : `  end state: ${end.length} difference${end.length === 1 ? '' : 's'} from the golden run${notes.length === 0 ? ', none read by any client (latent corruption)' : ''}`);
    for (const d of end.slice(0, 4)) lines.push(`    ${d}`);
    if (end.length > 4) lines.push(`    … and ${end.length - 4} more`);
  }
  return lines.join('\n');
}
