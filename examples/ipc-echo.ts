// Two tasks talking over IPC: an echo server and its client, on the bare kernel.
// The client sends a few words and a buffer; the server answers with the buffer reversed. The
// kernel copies both buffers between the two address spaces. Run it with:
//   npx tsx examples/ipc-echo.ts
import { Machine } from '../src/hw/machine.ts';
import { Kernel } from '../src/kernel/kernel.ts';
import * as sys from '../src/kernel/sys.ts';
import { formatTraceLine } from '../src/kernel/trace.ts';

const kernel = new Kernel(new Machine());

// One endpoint; the server may receive on it, the client may send to it. The client's badge (7)
// is how the server tells its callers apart: the kernel stamps it on every call.
const echo = kernel.createEndpoint('echo');
const server = kernel.createTask('server');
const client = kernel.createTask('client');
const server_slot = kernel.giveCap(server, kernel.endpointCap(echo, 0, { recv: true }));
const client_slot = kernel.giveCap(client, kernel.endpointCap(echo, 7, { send: true }));

// Each task gets one fresh writable page at 0x1000 for its buffers.
kernel.allocPages(server, 0x1000, 1, true);
kernel.allocPages(client, 0x1000, 1, true);
const SEND = 0x1000; // where the client puts its request
const REPLY = 0x1800; // where the kernel puts the answer in the client's space
const RECV = 0x1000; // where the kernel puts a request in the server's space

// A thread is a generator: it runs until it yields a system call (`yield* sys.…`), and the
// kernel hands back the result when the call completes. Loads and stores go through ctx.mem,
// which translates every address through the task's own page table.
kernel.spawnThread(server, 'main', function* (ctx) {
  let request = yield* sys.recv(server_slot, { recv_buf: { vaddr: RECV, len: 256 } });
  for (;;) {
    const bytes = ctx.mem.loadBytes(RECV, request.buf_len).reverse();
    ctx.mem.storeBytes(RECV, bytes);
    // Answer this caller and wait for the next one, in one system call.
    request = yield* sys.replyRecv(
      { label: request.label + 1, words: [request.badge, ...request.words], buf: { vaddr: RECV, len: bytes.length } },
      server_slot,
      { recv_buf: { vaddr: RECV, len: 256 } },
    );
  }
});

kernel.spawnThread(client, 'main', function* (ctx) {
  for (const text of ['hello', 'microkernel']) {
    const bytes = new TextEncoder().encode(text);
    ctx.mem.storeBytes(SEND, bytes);
    const request = { label: 1, words: [bytes.length], buf: { vaddr: SEND, len: bytes.length } };
    const reply = yield* sys.call(client_slot, request, { recv_buf: { vaddr: REPLY, len: 256 } });
    const echoed = new TextDecoder().decode(ctx.mem.loadBytes(REPLY, reply.buf_len));
    console.log(`client: sent "${text}", got ${reply.err} label=${reply.label} words=[${reply.words.join(',')}] "${echoed}"`);
  }
});

// Run until no thread can make progress (the server waits for a call that never comes).
const stop = kernel.run();

console.log(`\nstopped: ${stop} at cycle ${kernel.now}\n`);
for (const event of kernel.trace.events()) console.log(formatTraceLine(event));
console.log(`\ntraceHash ${kernel.traceHash()}`);
