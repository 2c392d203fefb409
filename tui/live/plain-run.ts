// The live run without a terminal: the same simulation, printed as one fixed-column line per
// event (or, with --json, one JSON object a line), then one line per server, per client, the
// recovery figures and the trace hash. It runs a bounded number of cycles and ends by itself.
// Nothing here reads the clock: the same options print the same lines, byte for byte — unless the
// simulation's worker breaks a host limit, when the run ends there with a `host-limit` end line
// (the one outcome that depends on the host).
import { shortHash } from '../../src/campaign/report/columns.ts';
import type { Cycles } from '../../src/hw/types.ts';
import { compactCycles, groupedCycles, percentOf } from '../format.ts';
import type { LiveFrame } from './live-frame.ts';
import type { LiveReply, LiveRequest, LiveRunner } from './live-session.ts';
import type { LiveConfig } from './simulation.ts';
import { streamHeader, streamLine, type StreamEvent } from './stream-event.ts';

/** Cycles between two collections of events: the granularity of client events' timestamps. */
export const PLAIN_CHUNK_CYCLES = 100_000;

export interface PlainRunOptions {
  config: LiveConfig;
  cycles: Cycles;
  json: boolean;
  write: (line: string) => void;
  /** where the simulation runs (a worker process, for a user's servers) */
  runner: LiveRunner;
}

export async function runPlain(o: PlainRunOptions): Promise<void> {
  const { config } = o;
  if (!Number.isSafeInteger(o.cycles) || o.cycles < 1) throw new RangeError(`cycles must be a whole number ≥ 1, got ${o.cycles}`);
  const ask = (req: LiveRequest) => new Promise<LiveReply>((resolve) => o.runner.request(req, resolve));
  const emit = (e: StreamEvent, data: Record<string, unknown> = {}) => o.write(o.json ? JSON.stringify({ ...e, ...data }) : streamLine(e));
  if (o.json) o.write(JSON.stringify({ t: 0, kind: 'run', server: '-', detail: 'start', mode: config.mode, seed: config.seed, fault_rate: config.fault_rate, clients: config.clients, cycles: o.cycles }));
  else {
    const rate = config.fault_rate === 0 ? 'no faults' : `${config.fault_rate} faults per million cycles`;
    o.write(`# curios dashboard (not a terminal): mode ${config.mode}, seed ${config.seed}, ${rate}, ${config.clients} clients, ${groupedCycles(o.cycles)} cycles`);
    o.write(streamHeader());
  }
  let reply = await ask({ kind: 'start', config, script: [] });
  let frame: LiveFrame | null = null;
  while (reply.kind === 'frame') {
    frame = reply.frame;
    for (const e of frame.events) emit(e);
    if (frame.now_cycles >= o.cycles || frame.panic !== null) break;
    // No wall-clock cut: the chunks are the same whatever the machine.
    reply = await ask({ kind: 'advance', limit_cycles: Math.min(o.cycles, frame.now_cycles + PLAIN_CHUNK_CYCLES), wall_ms_max: Number.POSITIVE_INFINITY });
  }
  if (reply.kind === 'failed' || reply.kind === 'refused' || reply.kind === 'injected') throw new Error(`the live simulation failed: ${reply.kind === 'failed' ? reply.error : `unexpected answer "${reply.kind}"`}`);
  if (frame !== null) summary(frame, emit);
  const t = frame?.now_cycles ?? 0;
  if (reply.kind === 'host-limit') emit({ t, kind: 'end', server: '-', detail: `host-limit (${reply.limit}): ${reply.detail}` }, { outcome: 'host-limit', host_limit: reply.limit });
  else if (frame !== null) emit({ t, kind: 'end', server: '-', detail: `trace ${shortHash(frame.trace_hash)}` }, { trace_hash: frame.trace_hash, panic: frame.panic });
}

/** One line per server, per client, and the recovery figures, at the frame's time. */
function summary(frame: LiveFrame, emit: (e: StreamEvent, data?: Record<string, unknown>) => void): void {
  const t = frame.now_cycles;
  for (const s of frame.servers) {
    emit({ t, kind: 'server', server: s.name, detail: `${s.condition}, incarnation ${s.incarnation}, restarts ${s.restarts}` }, { condition: s.condition, incarnation: s.incarnation, restarts: s.restarts });
  }
  for (const c of frame.clients) {
    const { client, ops, errors, stale, wrong, other, unjudged } = c;
    emit({ t, kind: 'client', server: '-', detail: `client ${client}: ops ${ops}, errors ${errors} (stale ${stale}), wrong ${wrong}, other ${other}, unjudged ${unjudged}` }, { client, ops, errors, stale, wrong, other, unjudged });
  }
  const r = frame.stats;
  const mttr = r.mttr_cycles === null ? '-' : `${compactCycles(r.mttr_cycles)} cycles`;
  emit({ t, kind: 'recovery', server: '-', detail: `faults fired ${r.faults_fired}, failures ${r.failures}, restarted ${r.restarted} (${percentOf(r.restarted, r.failures)}), down ${r.down}, given up ${r.given_up ? 'yes' : 'no'}, MTTR ${mttr}, latent damage ${r.latent_damage}` }, { stats: r });
}
