// The public API of curios, what `import … from 'curios'` gives: everything a server author needs
// to write a server, register it in a config file, and (below the command line) run it with faults
// in a test of their own. docs/writing-a-server.md walks through it.

// Writing a server
export { defineServer, TRUSTED_BASE, type ServerDef, type ServerEnv, type ServerKind, type ServerReply, type ServerRequest, type DepCallResult } from './servers/framework/define.ts';
export type { Mem } from './kernel/memory-view.ts';
export type { CallStatus, ServerStatus } from './servers/framework/status.ts';
export { LIMITS, SERVER_LIMITS } from './hw/limits.ts';

// Its client side, workload, reference model and inspector
export { defineModule, defineConfig, type CuriosConfig, type DriverEntry, type ModuleSpec, type OpDraw, type ServerEntry } from './servers/config.ts';
export { observe, type ClientOp, type EncodedCall, type Observation, type ReferenceModel, type ServerModule } from './servers/framework/module.ts';
export type { ClientCallResult, ClientEnv, ClientProgram } from './servers/framework/client-task.ts';
export { drawChance, drawInt, streamFor, type RandomGenerator } from './hw/seed.ts';
export { bytesInspector, decodeClients, type EndValue, type InspectView, type ServerInspection, type ServerInspector } from './servers/framework/inspector.ts';

// Running it yourself (the command line does all of this for you)
export { System, type SystemConfig } from './servers/system.ts';
export { makeWorkload, modelObservations, workloadProgram, type Workload } from './servers/workload.ts';
export { runWithFaults, type FaultRun } from './faults/run.ts';
export { FaultInjector } from './faults/injector.ts';
export type { Fault, FaultKind, FaultPlan, Trigger } from './faults/model.ts';
export { MODES, type CommitPolicy, type Mode } from './ssr/modes.ts';
