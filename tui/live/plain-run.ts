// The live run without a terminal: the same simulation, printed as one fixed-column line per
// event (or, with --json, one JSON object a line), then one line per server, per client, the
// recovery figures and the trace hash. It runs a bounded number of cycles and ends by itself.
// Nothing here reads the clock: the same options print the same lines, byte for byte.
import { shortHash } from '../../src/campaign/report/columns.ts';
import type { Cycles } from '../../src/hw/types.ts';
import { compactCycles, groupedCycles, percentOf } from '../format.ts';
import { clientRows, serverRows } from './live-view.ts';
import { LiveSimulation, type LiveConfig } from './simulation.ts';
import { streamHeader, streamLine, type StreamEvent } from './stream-event.ts';

/** Cycles between two collections of events: the granularity of client events' timestamps. */
export const PLAIN_CHUNK_CYCLES = 100_000;

export interface PlainRunOptions {
  config: LiveConfig;
  cycles: Cycles;
  json: boolean;
  write: (line: string) => void;
}

export function runPlain(o: PlainRunOptions): void {
  const { config } = o;
  if (!Number.isSafeInteger(o.cycles) || o.cycles < 1) throw new RangeError(`cycles must be a whole number ≥ 1, got ${o.cycles}`);
  const sim = new LiveSimulation(config);
  const emit = (e: StreamEvent, data: Record<string, unknown> = {}) => o.write(o.json ? JSON.stringify({ ...e, ...data }) : streamLine(e));
  if (o.json) o.write(JSON.stringify({ t: 0, kind: 'run', server: '-', detail: 'start', mode: config.mode, seed: config.seed, fault_rate: config.fault_rate, clients: config.clients, cycles: o.cycles }));
  else {
    const rate = config.fault_rate === 0 ? 'no faults' : `${config.fault_rate} faults per million cycles`;
    o.write(`# curios dashboard (not a terminal): mode ${config.mode}, seed ${config.seed}, ${rate}, ${config.clients} clients, ${groupedCycles(o.cycles)} cycles`);
    o.write(streamHeader());
  }
  while (sim.now < o.cycles && sim.system.kernel.panic_reason === null) {
    for (const e of sim.advance(Math.min(o.cycles, sim.now + PLAIN_CHUNK_CYCLES))) emit(e);
  }
  const t = sim.now;
  for (const s of serverRows(sim)) {
    emit({ t, kind: 'server', server: s.name, detail: `${s.condition}, incarnation ${s.incarnation}, restarts ${s.restarts}` }, { condition: s.condition, incarnation: s.incarnation, restarts: s.restarts });
  }
  for (const c of clientRows(sim)) {
    const { client, ops, errors, stale, wrong, other, unjudged } = c;
    emit({ t, kind: 'client', server: '-', detail: `client ${client}: ops ${ops}, errors ${errors} (stale ${stale}), wrong ${wrong}, other ${other}, unjudged ${unjudged}` }, { client, ops, errors, stale, wrong, other, unjudged });
  }
  const r = sim.recovery.stats();
  const mttr = r.mttr_cycles === null ? '-' : `${compactCycles(r.mttr_cycles)} cycles`;
  emit({ t, kind: 'recovery', server: '-', detail: `faults fired ${r.faults_fired}, failures ${r.failures}, restarted ${r.restarted} (${percentOf(r.restarted, r.failures)}), down ${r.down}, given up ${r.given_up ? 'yes' : 'no'}, MTTR ${mttr}, latent damage ${r.latent_damage}` }, { stats: r });
  const hash = sim.system.traceHash();
  emit({ t, kind: 'end', server: '-', detail: `trace ${shortHash(hash)}` }, { trace_hash: hash, panic: sim.system.kernel.panic_reason });
}
