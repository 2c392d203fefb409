// Every bound of the simulated machine and kernel, in one place, with its unit (xv6's param.h),
// and below them every bound a server meets (SERVER_LIMITS). A limit that is reached is an error
// returned to the thread that reached it, never a host crash; a server that would break one is
// refused when it is defined or registered.

export const LIMITS = {
  frame_bytes_default: 4096, // bytes per physical frame (and per page)
  frames_default: 2048, // physical frames in the machine (8 MiB at 4 KiB)
  vaddr_bits: 32, // virtual addresses are 32-bit
  msg_words_max: 8, // words (u32) in one IPC message
  msg_buf_bytes_max: 8192, // bytes in the optional buffer of one IPC message
  cap_slots_max: 64, // capability slots per task
  tasks_max: 64, // live tasks
  threads_max: 128, // live threads
  endpoints_max: 256, // endpoints and notification objects
  endpoint_queue_max: 64, // threads waiting on one endpoint
  trace_events_kept: 2048, // events kept in the trace ring (the hash covers all of them)
  accesses_per_slice_max: 200_000, // loads/stores one thread may make between two system calls
  tlb_entries: 64, // TLB entries
  priorities: 8, // priority levels, 0 (lowest) .. 7 (highest)
  quantum_cycles_default: 20_000, // cycles a thread runs before it is moved to the back of its queue
  block_bytes: 512, // bytes per disk block
  blocks_default: 1024, // blocks on the disk
  nic_queue_max: 64, // frames waiting in one network interface's receive queue
  nic_frame_bytes_max: 1500, // bytes in one network frame
  console_lines_max: 256, // console lines kept
  requeues_per_call_max: 1, // times a call whose server died may be delivered again (a retry), before it fails
  buffers_pooled_max: 4, // spares of each kind (memory, disk, trace ring) one thread keeps for its next systems
  steps_max_default: 5_000_000, // scheduler steps one run may take before it stops (a bound on every run)
} as const;

/** The header the SSR manager puts in front of a client's state in its page (magic, version, length, checksum). */
const SSR_HEADER_BYTES = 16;

/**
 * Every bound a server meets (docs/writing-a-server.md links here). The badge space they imply
 * (clients, dependencies, fault messages, heartbeats, interrupts) is laid out in src/ssr/badges.ts.
 */
export const SERVER_LIMITS = {
  ssr_header_bytes: SSR_HEADER_BYTES, // bytes of the SSR header in front of a client's state
  state_bytes_max: LIMITS.frame_bytes_default - SSR_HEADER_BYTES, // bytes of per-client state: one SSR is one page, less its header
  heap_pages_max: 64, // pages of heap (global state) per server
  clients_max: 32, // clients one server can know (one badge each; one SSR each)
  servers_max: 31, // servers in one system: one notification bit each, bit 31 is the heartbeat
  deps_max: 8, // servers one server may call
  msg_words_max: LIMITS.msg_words_max, // words (u32) in a request or a reply
  msg_buf_bytes_max: LIMITS.frame_bytes_default, // bytes of a request's or reply's buffer: one page (the server's receive and reply buffers)
  ops_max: 64, // operations one server module names (op codes 1..ops_max)
} as const;
