// net: datagram sockets over the network interface (a server that needs all clients' state).
export { netServer } from './server.ts';
export { netModule, type NetLocal } from './module.ts';
export { NetModel } from './model.ts';
export { readNetGlobal, type NetGlobal } from './inspect.ts';
export { NET_OPS, PAYLOAD_BYTES_MAX, PORT_MAX, QUEUE_MAX, SOCKETS_MAX } from './layout.ts';
