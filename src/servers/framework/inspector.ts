// A server's inspector: how the trusted base reads a server's end state from outside — each
// client's state as the server would present it, and the global state (heap, devices) — so that
// the end-state oracle can compare a trial with its golden run and find damage no client has read
// yet. An inspector is part of a server's module (`ServerModule.inspector`), so a user-defined
// server supplies its own beside its workload and reference model.
//
// What an inspector returns must be a function of what clients did, not of when: no cycle counts,
// deadlines or counters that a restart rebuilds differently. Where such a value can still be
// damaged, check it against what it is derived from and report the broken invariants (as an fsck
// does) instead of the value itself.
import type { Machine } from '../../hw/machine.ts';

/** Plain JSON, compared as text: build objects with their keys in a fixed order. */
export type EndValue = null | boolean | number | string | readonly EndValue[] | { readonly [key: string]: EndValue };

export interface InspectView {
  readonly server: string;
  /** the server's heap (global state) as the server sees it (a server that is down is not inspected) */
  readonly heap: Uint8Array;
  /** the machine, for the devices a server's state lives in (the disk's blocks, the NIC's queue) */
  readonly machine: Machine;
  /**
   * Every client's state as the server would present it at its next request: its bytes, or null
   * when the server would refuse it (an SSR reset, or failing its checksum: ESTALE).
   */
  readonly clients: readonly (DataView | null)[];
}

/** A server's end state: each client's (null where the server would refuse it), and its global state. */
export interface ServerInspection {
  clients: EndValue[];
  global: EndValue;
}

/**
 * Reads a server's end state from outside. Decode each client's state with `decodeClients` (a
 * refused state stays null); put in `global` the server's global state and the invariants broken
 * in it.
 */
export type ServerInspector = (view: InspectView) => ServerInspection;

/** Each client's state decoded; a state the server would refuse stays null. */
export function decodeClients(view: InspectView, decode: (state: DataView) => EndValue): EndValue[] {
  return view.clients.map((state) => (state === null ? null : decode(state)));
}

/** The inspector of a server that supplies none: its client states' bytes, no global state. */
export const bytesInspector: ServerInspector = (view) => ({ clients: decodeClients(view, hexOf), global: null });

/** A state's bytes in hex: the default view of a client state a server does not decode. */
export function hexOf(state: DataView): string {
  let out = '';
  for (let i = 0; i < state.byteLength; i++) out += state.getUint8(i).toString(16).padStart(2, '0');
  return out;
}

/** A heap's bytes as a DataView (inspectors decode with it). */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
