// `curios replay` in words: the story of a trial (src/campaign/story.ts) in about a dozen fixed
// lines — the trial, each fault, each client's first difference from the golden run, what
// recovery did, the outcome, the trace hash and whether it reproduced.
import type { Difference } from '../campaign/replay.ts';
import { shortHash } from '../campaign/report/columns.ts';
import type { ClientDifference, StoryFault, TrialStory } from '../campaign/story.ts';
import type { Observation } from '../servers/framework/module.ts';

/** Recovery events told one by one; the rest are counted. */
const RECOVERY_LINES_MAX = 3;
/** End-state differences told one by one; the rest are counted. */
const END_STATE_LINES_MAX = 3;
const TEXT_SHOWN_MAX_CHARS = 24;
const WORDS_SHOWN_MAX = 4;

const VERDICT_WORDS: Record<ClientDifference['verdict'], string> = {
  error: 'an error the golden run did not get',
  stale: 'a stale handle or session: the server forgot it',
  wrong: 'a wrong result, with no error',
  other: 'a different answer',
  missing: 'the operation never completed',
};

function label(head: string): string {
  return head.padEnd(9);
}

export function formatStory(story: TrialStory, check: string, traceHint: string): string[] {
  const t = story.trial;
  const lines = [`${label('trial')}${t.server} under ${t.mode} (${t.commit} commit): workload seed ${t.workload_seed}, ${t.clients} clients × ${t.ops_per_client} ops`];
  for (const fault of story.faults) lines.push(`${label('fault')}${faultLine(fault)}`);
  for (const c of story.clients) lines.push(`${label(`client ${c.client}`)}${clientLine(c)}`);
  const shown = story.recovery.slice(0, RECOVERY_LINES_MAX);
  if (story.recovery.length === 0) lines.push(`${label('recovery')}none: the supervisor restarted nothing`);
  for (const e of shown) lines.push(`${label('recovery')}${e.server}: ${e.cause} detected at cycle ${e.detected_at}, ${e.restarted_at === null ? e.outcome : `restarted at cycle ${e.restarted_at}`}; ${e.retried} call${e.retried === 1 ? '' : 's'} retried, ${e.aborted} aborted`);
  if (story.recovery.length > shown.length) lines.push(`${label('')}… and ${story.recovery.length - shown.length} more recovery events`);
  if (story.end_state.length === 0) lines.push(`${label('end')}the golden run's end state`);
  for (const d of story.end_state.slice(0, END_STATE_LINES_MAX)) lines.push(`${label('end')}${d}`);
  if (story.end_state.length > END_STATE_LINES_MAX) lines.push(`${label('')}… and ${story.end_state.length - END_STATE_LINES_MAX} more end-state differences`);
  lines.push(`${label('outcome')}${story.outcome}${story.failed_reason === null ? '' : ` (${story.failed_reason})`}: ${story.meaning}`);
  lines.push(`${label('trace')}${shortHash(story.traceHash)}, ${story.events} events (${traceHint})`);
  lines.push(`${label('check')}${check}`);
  return lines;
}

function faultLine(f: StoryFault): string {
  const p = f.planned;
  const planned = `${p.kind} in ${p.server} ${triggerWords(p.trigger as unknown as Record<string, unknown>)}`;
  if (f.fired === null) return `${planned}: never fired`;
  return `${planned}: fired at cycle ${f.fired.at_cycles}${whose(f.fired)}: ${f.fired.effect}`;
}

/** Whose request or state a fault hit: a client's, maybe through the server that called (disk under fs), or a server's own call. */
function whose(fired: NonNullable<StoryFault['fired']>): string {
  if (fired.client !== null && fired.hit === 'state') return ` in client ${fired.client}'s state`;
  const through = fired.through === null ? '' : `, through ${fired.through}`;
  if (fired.client !== null) return ` in client ${fired.client}'s request${through}`;
  return fired.through === null ? '' : ` in a request from ${fired.through} on no client's behalf`;
}

function triggerWords(t: Record<string, unknown>): string {
  switch (t.at) {
    case 'request':
      return `at its request #${String(t.n)}`;
    case 'access':
      return `at memory access ${String(t.k)} from the start of its request #${String(t.n)}`;
    case 'time':
      return `at cycle ${String(t.cycles)}`;
    case 'site':
      return `at site ${String(t.name)}`;
    case 'recovery':
      return `at memory access ${String(t.k)} of its recovery #${String(t.n)}`;
    case 'rest':
      return `at rest after its request #${String(t.n)}`;
    default:
      return `at ${JSON.stringify(t)}`;
  }
}

function clientLine(c: TrialStory['clients'][number]): string {
  const d = c.first_difference;
  if (d === null) return `every result as in the golden run (${c.ops_done} ops)`;
  if (d.verdict === 'missing') return `stopped after ${c.ops_done} of ${c.ops_golden} ops (the golden run did them all); first missing: op ${d.op_index} ${d.call}`;
  return `op ${d.op_index} ${d.call}: got ${observation(d.got)}, golden run ${observation(d.golden)} — ${VERDICT_WORDS[d.verdict]}`;
}

function observation(o: Observation | null): string {
  if (o === null) return 'nothing';
  const words = o.value.length === 0 ? '' : ` [${o.value.slice(0, WORDS_SHOWN_MAX).join(', ')}${o.value.length > WORDS_SHOWN_MAX ? ', …' : ''}]`;
  const text = o.text === undefined ? '' : ` ${JSON.stringify(o.text.length > TEXT_SHOWN_MAX_CHARS ? `${o.text.slice(0, TEXT_SHOWN_MAX_CHARS)}…` : o.text)}`;
  return `${o.status}${words}${text}`;
}

/** The verdict of a replay against what was recorded: one line. */
export function checkLine(expected: boolean, diff: Difference | null): string {
  if (!expected) return 'nothing recorded to compare with (a trial file without "expected")';
  if (diff === null) return 'reproduced: same outcome, same trace hash';
  const parts = [diff.outcome === null ? null : `outcome ${diff.outcome.got}, recorded ${diff.outcome.expected}`, diff.traceHash === null ? null : `trace hash ${shortHash(diff.traceHash.got)}, recorded ${shortHash(diff.traceHash.expected)}`];
  return `NOT reproduced: ${parts.filter((p) => p !== null).join('; ')}`;
}
