// console: the console driver. Stateless: a request's bytes are written to the device.
import * as sys from '../../kernel/sys.ts';
import { defineServer, type ServerReply } from '../framework/define.ts';
import { encodedText, observe, type ClientOp, type ServerModule } from '../framework/module.ts';
import { drawInt } from '../../hw/seed.ts';

export const CONSOLE_OPS = { write: 1 } as const;

export const consoleServer = defineServer({
  name: 'console',
  kind: 'stateless',
  state_bytes: 0,
  heap_pages: 1,
  devices: ['console'],
  // The text goes to the heap before the device call.
  borrows_request_data: true,
  *init() {},
  *handle(env, req): sys.Sys<ServerReply> {
    if (req.op !== CONSOLE_OPS.write) return { status: 'ENOSYS' };
    env.mem.storeBytes(env.heap, req.data);
    const r = yield* sys.device(env.device('console'), { action: 'console-write', vaddr: env.heap, len: req.data.length });
    return r.err === 'OK' ? { status: 'OK', words: [req.data.length] } : { status: 'EIO' };
  },
});

export const consoleModule: ServerModule<null> = {
  def: consoleServer,
  ops: Object.keys(CONSOLE_OPS),
  newLocal: () => null,
  script(rng, length, client) {
    const ops: ClientOp[] = [];
    for (let i = 0; i < length; i++) ops.push({ server: 'console', op: 'write', args: [], text: `client${client} line ${drawInt(rng, 0, 9999)}\n` });
    return ops;
  },
  encode: (op) => ({ op: CONSOLE_OPS.write, words: [], data: encodedText(op) }),
  decode: (_op, reply) => (reply.status === 'OK' ? observe('OK', [reply.words[0]]) : observe(reply.status)),
  model: () => ({ apply: (_c, op) => observe('OK', [encodedText(op).length]) }),
};

