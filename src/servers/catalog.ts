// The servers curios ships, and for each one the system a campaign builds around it: the server,
// what it depends on (started first), and the client-facing modules whose workload exercises it.
import { consoleModule } from './console/console.ts';
import { diskServer } from './disk/disk.ts';
import type { ServerDef } from './framework/define.ts';
import type { ServerModule } from './framework/module.ts';
import { fsModule } from './fs/index.ts';
import { netModule } from './net/index.ts';
import { schedModule } from './sched/index.ts';
import { timerModule } from './timer/index.ts';
import { prngModule } from './prng/prng.ts';

export interface ServerProfile {
  /** the server under test */
  target: string;
  /** every server the system runs, in start order */
  servers: ServerDef[];
  /** the modules whose operations the clients run */
  modules: ServerModule[];
}

const mod = <L>(m: ServerModule<L>): ServerModule => m as unknown as ServerModule;

const PROFILES: readonly ServerProfile[] = [
  { target: 'console', servers: [consoleModule.def], modules: [mod(consoleModule)] },
  { target: 'prng', servers: [prngModule.def], modules: [mod(prngModule)] },
  { target: 'fs', servers: [diskServer, fsModule.def], modules: [mod(fsModule)] },
  // The disk driver is reached through the file system: its workload is the file system's.
  { target: 'disk', servers: [diskServer, fsModule.def], modules: [mod(fsModule)] },
  { target: 'net', servers: [netModule.def], modules: [mod(netModule)] },
  { target: 'timer', servers: [timerModule.def], modules: [mod(timerModule)] },
  { target: 'sched', servers: [schedModule.def], modules: [mod(schedModule)] },
];

export const DISK_DRIVER: ServerDef = diskServer;

export function targets(): string[] {
  return PROFILES.map((p) => p.target);
}

export function profileFor(target: string): ServerProfile {
  const p = PROFILES.find((x) => x.target === target);
  if (p === undefined) throw new Error(`unknown server "${target}": expected one of ${targets().join(', ')}`);
  return p;
}

/** The system the demo runs: every server, every client-facing module. */
export function demoProfile(): ServerProfile {
  const servers: ServerDef[] = [];
  const modules: ServerModule[] = [];
  for (const p of PROFILES) {
    for (const d of p.servers) if (!servers.includes(d)) servers.push(d);
    for (const m of p.modules) if (!modules.includes(m)) modules.push(m);
  }
  return { target: 'all', servers, modules };
}

export function modulesOf(profile: ServerProfile): Map<string, ServerModule> {
  return new Map(profile.modules.map((m) => [m.def.name, m]));
}
