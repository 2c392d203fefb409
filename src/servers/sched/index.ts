// The sched server (MINIX 3-style user-level scheduling policy): server, client module, layout.
export { schedServer } from './sched.ts';
export { schedModule } from './module.ts';
export { readSchedGlobal, type SchedGlobal } from './inspect.ts';
export {
  BALANCE_EXPIRIES,
  PRIORITY_DEFAULT,
  PRIORITY_MAX,
  PRIORITY_MIN,
  QUANTUM_DEFAULT_CYCLES,
  QUANTUM_MAX_CYCLES,
  QUANTUM_MIN_CYCLES,
  SCHED_OPS,
  SCHED_STATE_BYTES,
  type QueueEntry,
} from './layout.ts';
