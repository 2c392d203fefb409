// Where the fault injector (src/faults, a layer above) plugs into the server framework: the
// framework asks it at each request and each named injection site, and lets it see each reply
// before it crosses the boundary. With no injector attached, nothing ever fires.
import type { ServerReply, ServerRequest } from './define.ts';

export type RequestFault = 'crash' | 'hang' | null;

export interface FaultPort {
  /** before a server handles a request: a crash (exception) or a hang right here, or nothing */
  beforeRequest(server: string, req: ServerRequest): RequestFault;
  /** a named injection site in server code: true when it fires */
  site(server: string, name: string): boolean;
  /** the reply about to be sent: a `msg-corrupt` fault may change it */
  beforeReply(server: string, req: ServerRequest, reply: ServerReply): ServerReply;
}

export const NO_FAULTS: FaultPort = {
  beforeRequest: () => null,
  site: () => false,
  beforeReply: (_server, _req, reply) => reply,
};
