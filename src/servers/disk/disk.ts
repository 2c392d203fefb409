// disk: the block device driver. Stateless: every request names its block, and the blocks are
// hardware, so a restart loses nothing. It moves a block between the device and its heap (the
// DMA buffer) and between the heap and the message buffer.
import { LIMITS } from '../../hw/limits.ts';
import type { DeviceRequest } from '../../kernel/objects.ts';
import * as sys from '../../kernel/sys.ts';
import { defineServer, type ServerReply } from '../framework/define.ts';

export const DISK_OPS = { read: 1, write: 2, info: 3 } as const;

/** A block read, on its way to the reply buffer: the framework copies a reply's bytes before the next request is handled. */
const outgoing = new Uint8Array(LIMITS.block_bytes);
/** the device requests, refilled for each call: the system-call stub copies a request's fields before it yields */
/** the replies of a block moved, the same every time (the framework only reads a reply) */
const READ_DONE: ServerReply = Object.freeze({ status: 'OK', data: outgoing });
const WRITE_DONE: ServerReply = Object.freeze({ status: 'OK' });

type BlockRequest = Extract<DeviceRequest, { block: number }>;
const READ: BlockRequest = { action: 'disk-read', block: 0, vaddr: 0 };
const WRITE: BlockRequest = { action: 'disk-write', block: 0, vaddr: 0 };

/** `req` for `block` through the heap */
function blockRequest(req: BlockRequest, block: number, heap: number): BlockRequest {
  req.block = block;
  req.vaddr = heap;
  return req;
}

export const diskServer = defineServer({
  name: 'disk',
  kind: 'stateless',
  state_bytes: 0,
  heap_pages: 1,
  devices: ['disk'],
  // A block to write is stored in the heap before the handler's first yield.
  borrows_request_data: true,
  *init() {},
  *handle(env, req): sys.Sys<ServerReply> {
    const dev = env.device('disk');
    const block = req.words[0];
    switch (req.op) {
      case DISK_OPS.read: {
        const r = yield* sys.device(dev, blockRequest(READ, block, env.heap));
        if (r.err !== 'OK') return { status: r.err === 'EINVAL' ? 'EINVAL' : 'EIO' };
        env.mem.loadBytesInto(env.heap, outgoing);
        return READ_DONE;
      }
      case DISK_OPS.write: {
        if (req.data.length !== LIMITS.block_bytes) return { status: 'EINVAL' };
        env.mem.storeBytes(env.heap, req.data);
        const r = yield* sys.device(dev, blockRequest(WRITE, block, env.heap));
        if (r.err !== 'OK') return { status: r.err === 'EINVAL' ? 'EINVAL' : 'EIO' };
        return WRITE_DONE;
      }
      case DISK_OPS.info:
        return { status: 'OK', words: [LIMITS.block_bytes] };
      default:
        return { status: 'ENOSYS' };
    }
  },
});
