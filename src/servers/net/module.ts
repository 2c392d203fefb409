// net's client side: how a client's socket operations become calls, what it observes of the
// replies, and the workload it draws. Ports in workloads come from a small range: each client
// mostly binds ports of its own share of it, now and then any port (EADDRINUSE), and sends to
// any port of the range, so that clients send to each other's sockets.
import { drawInt, type RandomGenerator } from '../../hw/seed.ts';
import { encodedText, observe, textDecoder, type ClientOp, type ServerModule } from '../framework/module.ts';
import { NET_OPS, NO_SOCKET, PAYLOAD_BYTES_MAX } from './layout.ts';
import { NetModel } from './model.ts';
import { netServer } from './server.ts';
import { netInspector } from './inspect.ts';

/** a client's table: slot → the socket handle its bind returned */
export interface NetLocal {
  sockets: number[];
}

/** ports that workloads bind and send to */
export const SCRIPT_PORTS_MAX = 12;
/** ports of the range that are a client's own share */
const SHARE_PORTS = 3;
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

export const netModule: ServerModule<NetLocal> = {
  def: netServer,
  ops: Object.keys(NET_OPS),
  newLocal: () => ({ sockets: [] }),
  script(rng, length, client, isolated) {
    const ops: ClientOp[] = [];
    let binds = 0;
    for (let i = 0; i < length; i++) {
      const roll = drawInt(rng, 0, 99);
      // mostly one of the sockets bound so far, now and then one never bound (EBADF)
      const slot = drawInt(rng, 0, 9) === 0 ? binds : drawInt(rng, 0, Math.max(0, binds - 1));
      if (binds === 0 || roll < 15) {
        binds++;
        ops.push({ server: 'net', op: 'bind', args: [isolated ? ownPort(rng, client) : drawBindPort(rng, client)] });
      } else if (roll < 55) ops.push({ server: 'net', op: 'send', args: [slot, isolated ? ownPort(rng, client) : drawPort(rng)], text: drawText(rng, client, i) });
      else if (roll < 92) ops.push({ server: 'net', op: 'recv', args: [slot] });
      else ops.push({ server: 'net', op: 'close', args: [slot] });
    }
    return ops;
  },
  encode(op, local) {
    const handle = local.sockets[op.args[0]] ?? NO_SOCKET;
    switch (op.op) {
      case 'bind':
        return { op: NET_OPS.bind, words: [op.args[0] >>> 0] };
      case 'send':
        return { op: NET_OPS.send, words: [handle, op.args[1] >>> 0], data: encodedText(op) };
      case 'recv':
        return { op: NET_OPS.recv, words: [handle] };
      case 'close':
        return { op: NET_OPS.close, words: [handle] };
      default:
        return { op: 0, words: [] };
    }
  },
  decode(op, reply, local) {
    if (reply.status !== 'OK') return observe(reply.status);
    if (op.op === 'bind') {
      local.sockets.push(reply.words[0]);
      return observe('OK', [reply.words[0]]);
    }
    if (op.op === 'recv') return observe('OK', [reply.words[0]], textDecoder.decode(reply.data));
    return observe('OK');
  },
  model: (clients) => new NetModel(clients),
  inspector: netInspector,
};

/** one of the client's own ports, which no other client binds or sends to (isolated workloads) */
function ownPort(rng: RandomGenerator, client: number): number {
  return 1 + client * SHARE_PORTS + drawInt(rng, 0, SHARE_PORTS - 1);
}

/** mostly a port of the client's share, now and then any */
function drawBindPort(rng: RandomGenerator, client: number): number {
  if (drawInt(rng, 0, 3) === 0) return drawPort(rng);
  return 1 + ((client * SHARE_PORTS + drawInt(rng, 0, SHARE_PORTS - 1)) % SCRIPT_PORTS_MAX);
}

/** mostly a workload port; now and then one outside 1..PORT_MAX (EINVAL) */
function drawPort(rng: RandomGenerator): number {
  return drawInt(rng, 0, 49) === 0 ? 0 : drawInt(rng, 1, SCRIPT_PORTS_MAX);
}

/** a short tagged payload; now and then one too long (EINVAL) */
function drawText(rng: RandomGenerator, client: number, i: number): string {
  const filler = drawInt(rng, 0, 19) === 0 ? PAYLOAD_BYTES_MAX : drawInt(rng, 0, 8);
  let text = `c${client}#${i}:`;
  for (let k = 0; k < filler; k++) text += LETTERS[drawInt(rng, 0, LETTERS.length - 1)];
  return text;
}
