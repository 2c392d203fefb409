// timer: alarms on the hardware timer (a server that needs all clients' state).
export { timerServer } from './server.ts';
export { timerModule, type TimerLocal } from './module.ts';
export { TimerModel } from './model.ts';
export { readTimerGlobal, type TimerGlobal } from './inspect.ts';
export { ALARMS_MAX, TIMER_OPS } from './layout.ts';
