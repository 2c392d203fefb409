// net's reference model: what clients observe of datagram sockets, as plain TypeScript. Same
// limits and statuses as the server. A datagram sent to a bound port is queued on that socket
// at once (dropped if the port is unbound or the queue holds QUEUE_MAX); the server makes this
// true by draining the NIC at the start of every request (see delivery.ts).
//
// Sockets are named by slot ("the 2nd socket I bound"); the handle a slot stands for is the one
// the server returned, which the model computes the same way (the lowest free socket).
import { observe, textEncoder, type ClientOp, type Observation, type ReferenceModel } from '../framework/module.ts';
import { PAYLOAD_BYTES_MAX, QUEUE_MAX, SOCKETS_MAX, isValidPort } from './layout.ts';

interface ModelDatagram {
  src_port: number;
  text: string;
}

interface ModelSocket {
  port: number;
  queue: ModelDatagram[];
}

interface ModelClient {
  sockets: (ModelSocket | null)[];
  /** slot → the handle a successful bind returned */
  slots: number[];
}

export class NetModel implements ReferenceModel {
  private readonly clients: ModelClient[];
  private readonly ports = new Map<number, ModelSocket>();

  constructor(clients: number) {
    this.clients = Array.from({ length: clients }, () => ({ sockets: new Array<ModelSocket | null>(SOCKETS_MAX).fill(null), slots: [] }));
  }

  apply(client: number, op: ClientOp): Observation {
    const me = this.clients[client];
    switch (op.op) {
      case 'bind':
        return this.bind(me, op.args[0]);
      case 'send':
        return this.send(me, op.args[0], op.args[1], op.text ?? '');
      case 'recv':
        return this.recv(me, op.args[0]);
      case 'close':
        return this.close(me, op.args[0]);
      default:
        return observe('ENOSYS');
    }
  }

  private bind(me: ModelClient, port: number): Observation {
    if (!isValidPort(port)) return observe('EINVAL');
    if (this.ports.has(port)) return observe('EADDRINUSE');
    const handle = me.sockets.indexOf(null);
    if (handle < 0) return observe('EMFILE');
    const sock: ModelSocket = { port, queue: [] };
    me.sockets[handle] = sock;
    this.ports.set(port, sock);
    me.slots.push(handle);
    return observe('OK', [handle]);
  }

  private send(me: ModelClient, slot: number, dst_port: number, text: string): Observation {
    const sock = socketAt(me, slot);
    if (sock === null) return observe('EBADF');
    if (!isValidPort(dst_port) || textEncoder.encode(text).length > PAYLOAD_BYTES_MAX) return observe('EINVAL');
    const dst = this.ports.get(dst_port);
    if (dst !== undefined && dst.queue.length < QUEUE_MAX) dst.queue.push({ src_port: sock.port, text });
    return observe('OK');
  }

  private recv(me: ModelClient, slot: number): Observation {
    const sock = socketAt(me, slot);
    if (sock === null) return observe('EBADF');
    const d = sock.queue.shift();
    if (d === undefined) return observe('EAGAIN');
    return observe('OK', [d.src_port], d.text);
  }

  private close(me: ModelClient, slot: number): Observation {
    const sock = socketAt(me, slot);
    if (sock === null) return observe('EBADF');
    this.ports.delete(sock.port);
    me.sockets[me.slots[slot]] = null;
    return observe('OK');
  }
}

function socketAt(me: ModelClient, slot: number): ModelSocket | null {
  const handle = me.slots[slot];
  return handle === undefined ? null : me.sockets[handle];
}
