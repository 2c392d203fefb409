// A server module: the server itself, its client library (how an operation is encoded into a
// call and what the client observes from the reply), a workload generator, and the reference
// model — a plain TypeScript model of what a client should observe, used to check fault-free
// behaviour and to judge campaign outcomes — and its inspector, which reads its end state.
//
// Operations are data (JSON), so that workloads are stored, replayed and shrunk as data. Handles
// a client got from the server (file descriptors, sockets, alarms) are named in operations by
// their *slot* in the client's own table — "the 2nd file I opened" — so the same operation list
// means the same thing in every run, while the numbers the server hands out may differ.
import type { RandomGenerator } from '../../hw/seed.ts';
import type { Sys } from '../../kernel/sys.ts';
import type { ClientCallResult, ClientEnv } from './client-task.ts';
import type { ServerDef } from './define.ts';
import type { ServerInspector } from './inspector.ts';
import type { CallStatus } from './status.ts';

export interface ClientOp {
  server: string;
  op: string;
  args: number[];
  /** text payload (file data, datagrams) */
  text?: string;
}

export interface Observation {
  status: CallStatus;
  value: number[];
  text?: string;
}

export interface EncodedCall {
  op: number;
  words: number[];
  data?: Uint8Array;
}

export interface ServerModule<Local = unknown> {
  def: ServerDef;
  /** the operations its workload may emit (`ClientOp.op`); an op outside them is refused when the module is registered */
  ops: readonly string[];
  /** a client's own table of what this server gave it (handle slots) */
  newLocal(): Local;
  /**
   * `length` operations one client will make on this server. `isolated`: the client touches
   * nothing another client touches (no shared files, no datagrams to others), so that what it
   * observes depends on its own operations alone.
   */
  script(rng: RandomGenerator, length: number, client: number, isolated: boolean): ClientOp[];
  encode(op: ClientOp, local: Local): EncodedCall;
  /** what the client observes; updates its table (a new handle) */
  decode(op: ClientOp, reply: ClientCallResult, local: Local): Observation;
  /**
   * For an operation that is more than one call (waiting for an alarm: ask, sleep, ask again):
   * runs it and returns what the client observed. Without it, an operation is encode, call, decode.
   */
  perform?(env: ClientEnv, op: ClientOp, local: Local): Sys<Observation> | null;
  /** the reference model for `clients` clients: what a fault-free client should observe (optional) */
  model?(clients: number): ReferenceModel;
  /** how the end-state oracle reads this server's state from outside (default: client states' bytes) */
  inspector?: ServerInspector;
}

export interface ReferenceModel {
  apply(client: number, op: ClientOp): Observation;
}

export const OK_EMPTY: Observation = Object.freeze({ status: 'OK', value: [] }) as Observation;

export function observe(status: CallStatus, value: number[] = [], text?: string): Observation {
  return text === undefined ? { status, value } : { status, value, text };
}

export function sameObservation(a: Observation, b: Observation): boolean {
  if (a.status !== b.status || a.text !== b.text || a.value.length !== b.value.length) return false;
  return a.value.every((v, i) => v === b.value[i]);
}

export const textEncoder = new TextEncoder();
export const textDecoder = new TextDecoder();

/**
 * An operation's text as the bytes of its request, encoded once per operation: a cell's workload
 * is the same objects for every trial, so each text is met again and again. The bytes are shared:
 * only read (a client stores them in its send buffer), never changed. Kept with the text they
 * encode, so that an operation whose text changed is encoded again.
 */
export function encodedText(op: ClientOp): Uint8Array {
  const text = op.text ?? '';
  const known = encoded.get(op);
  if (known !== undefined && known.text === text) return known.bytes;
  const bytes = textEncoder.encode(text);
  encoded.set(op, { text, bytes });
  return bytes;
}

const encoded = new WeakMap<ClientOp, { text: string; bytes: Uint8Array }>();
