// The JSON form of a fault plan, validated on load: a bad plan is one clear error naming the
// first thing wrong, never a half-read plan. A plan that targets the trusted base is refused.
import { BITFLIP_TARGETS, FAULT_KINDS, REGFLIP_TARGETS, TRIGGERS_OF, TRUSTED_BASE, WILD_REGIONS, type Fault, type FaultPlan, type Trigger } from './model.ts';

export class PlanError extends Error {
  override name = 'PlanError';
}

export const FAULTS_PER_PLAN_MAX = 16;

export function parsePlan(raw: unknown, servers: readonly string[]): FaultPlan {
  const o = obj(raw, 'plan');
  if (o.version !== 1) throw new PlanError(`plan.version must be 1, got ${JSON.stringify(o.version)}`);
  if (!Array.isArray(o.faults)) throw new PlanError('plan.faults must be an array');
  if (o.faults.length > FAULTS_PER_PLAN_MAX) throw new PlanError(`plan.faults has ${o.faults.length} faults; at most ${FAULTS_PER_PLAN_MAX}`);
  return { version: 1, faults: o.faults.map((f, i) => parseFault(f, `plan.faults[${i}]`, servers)) };
}

export function parseFault(raw: unknown, where: string, servers: readonly string[]): Fault {
  const f = obj(raw, where);
  const server = f.server;
  if (typeof server !== 'string') throw new PlanError(`${where}.server must be a string`);
  if ((TRUSTED_BASE as readonly string[]).includes(server)) throw new PlanError(`${where}.server "${server}" is part of the trusted base (kernel, SSR manager, supervisor); faults target servers only`);
  if (!servers.includes(server)) throw new PlanError(`${where}.server "${server}" is not a server of this system (${servers.join(', ')})`);
  const kind = f.kind;
  if (typeof kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(kind)) throw new PlanError(`${where}.kind must be one of ${FAULT_KINDS.join(', ')}`);
  const trigger = parseTrigger(f.trigger, `${where}.trigger`);
  const k = kind as Fault['kind'];
  if (!TRIGGERS_OF[k].includes(trigger.at)) throw new PlanError(`${where}: a ${k} fault takes a trigger at ${TRIGGERS_OF[k].join(' | ')}, not at ${trigger.at}`);
  switch (k) {
    case 'crash':
    case 'hang':
      return { server, kind: k, trigger };
    case 'bitflip':
      return { server, kind: k, trigger, target: oneOf(f.target, BITFLIP_TARGETS, `${where}.target`), offset: int(f.offset, `${where}.offset`, 0, 2 ** 20), bit: int(f.bit, `${where}.bit`, 0, 7) };
    case 'regflip':
      return { server, kind: k, trigger, target: oneOf(f.target, REGFLIP_TARGETS, `${where}.target`), bit: int(f.bit, `${where}.bit`, 0, 31) };
    case 'wild-write':
      return { server, kind: k, trigger, region: oneOf(f.region, WILD_REGIONS, `${where}.region`), offset: int(f.offset, `${where}.offset`, 0, 2 ** 32 - 1) };
    case 'msg-corrupt':
      return { server, kind: k, trigger, word: int(f.word, `${where}.word`, 0, 8), bit: int(f.bit, `${where}.bit`, 0, 31) };
  }
}

function parseTrigger(raw: unknown, where: string): Trigger {
  const t = obj(raw, where);
  switch (t.at) {
    case 'request':
      return { at: 'request', n: int(t.n, `${where}.n`, 1, 1_000_000) };
    case 'access':
      return { at: 'access', n: int(t.n, `${where}.n`, 1, 1_000_000), k: int(t.k, `${where}.k`, 1, 1_000_000) };
    case 'time':
      return { at: 'time', cycles: int(t.cycles, `${where}.cycles`, 0, Number.MAX_SAFE_INTEGER) };
    case 'site': {
      if (typeof t.name !== 'string' || t.name.length === 0) throw new PlanError(`${where}.name must be a non-empty string`);
      return { at: 'site', name: t.name, p_on: prob(t.p_on, `${where}.p_on`), p_fire: prob(t.p_fire, `${where}.p_fire`) };
    }
    default:
      throw new PlanError(`${where}.at must be one of request, access, time, site`);
  }
}

function obj(raw: unknown, where: string): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new PlanError(`${where} must be an object`);
  return raw as Record<string, unknown>;
}

function int(raw: unknown, where: string, lo: number, hi: number): number {
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < lo || raw > hi) throw new PlanError(`${where} must be an integer in ${lo}..${hi}, got ${JSON.stringify(raw)}`);
  return raw;
}

function prob(raw: unknown, where: string): number {
  if (typeof raw !== 'number' || !(raw >= 0 && raw <= 1)) throw new PlanError(`${where} must be a probability in 0..1, got ${JSON.stringify(raw)}`);
  return raw;
}

function oneOf<T extends string>(raw: unknown, allowed: readonly T[], where: string): T {
  if (typeof raw !== 'string' || !(allowed as readonly string[]).includes(raw)) throw new PlanError(`${where} must be one of ${allowed.join(', ')}`);
  return raw as T;
}
