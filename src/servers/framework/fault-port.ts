// Where the fault injector (src/faults, a layer above) plugs into the server framework: the
// framework asks it at each request and each named injection site, tells it when a restarted
// server recovers, and lets it see each reply before it crosses the boundary. With no injector
// attached, nothing ever fires.
import type { ServerReply, ServerRequest } from './define.ts';

export type RequestFault = 'crash' | 'hang' | null;

export interface FaultPort {
  /** before a server handles a request: a crash (exception) or a hang right here, or nothing */
  beforeRequest(server: string, req: ServerRequest): RequestFault;
  /** a named injection site in server code: true when it fires */
  site(server: string, name: string): boolean;
  /** the reply about to be sent: a `msg-corrupt` fault may change it */
  beforeReply(server: string, req: ServerRequest, reply: ServerReply): ServerReply;
  /** a restarted server begins (true) or ends (false) its recovery: its `init` and `recover` */
  recovering(server: string, on: boolean): void;
}

export const NO_FAULTS: FaultPort = {
  beforeRequest: () => null,
  site: () => false,
  beforeReply: (_server, _req, reply) => reply,
  recovering: () => {},
};

/**
 * Thrown by the injector, from wherever the server is (a memory access, a site), to make it hang:
 * the framework catches it and spins forever, so the server is alive but makes no progress.
 */
export class InjectedHang extends Error {
  override name = 'InjectedHang';
}
