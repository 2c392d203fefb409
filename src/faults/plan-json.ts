// The JSON form of a fault plan, validated on load against the kind and trigger tables: a bad plan
// is one clear error naming the first thing wrong, never a half-read plan. A plan that targets the
// trusted base, or names an injection site its server does not declare, is refused.
import { PlanError, parseField, parseFields } from './fields.ts';
import { FAULT_KIND_SPECS, FAULT_KINDS, type FaultKind } from './kinds.ts';
import { TRUSTED_BASE, type Fault, type FaultPlan } from './model.ts';
import { TRIGGER_ATS, TRIGGER_SPECS, type Trigger, type TriggerAt } from './triggers.ts';

export { PlanError } from './fields.ts';

export const FAULTS_PER_PLAN_MAX = 16;

/** A server a plan may target, with the injection sites its code declares. */
export interface PlanTarget {
  readonly name: string;
  readonly sites?: readonly string[];
}

export function parsePlan(raw: unknown, servers: readonly PlanTarget[]): FaultPlan {
  const o = obj(raw, 'plan');
  if (o.version !== 1) throw new PlanError(`plan.version must be 1, got ${JSON.stringify(o.version)}`);
  if (!Array.isArray(o.faults)) throw new PlanError('plan.faults must be an array');
  if (o.faults.length > FAULTS_PER_PLAN_MAX) throw new PlanError(`plan.faults has ${o.faults.length} faults; at most ${FAULTS_PER_PLAN_MAX}`);
  return { version: 1, faults: o.faults.map((f, i) => parseFault(f, `plan.faults[${i}]`, servers)) };
}

export function parseFault(raw: unknown, where: string, servers: readonly PlanTarget[]): Fault {
  const f = obj(raw, where);
  const server = f.server;
  if (typeof server !== 'string') throw new PlanError(`${where}.server must be a string`);
  if ((TRUSTED_BASE as readonly string[]).includes(server)) throw new PlanError(`${where}.server "${server}" is part of the trusted base (kernel, SSR manager, supervisor); faults target servers only`);
  const target = servers.find((s) => s.name === server);
  if (target === undefined) throw new PlanError(`${where}.server "${server}" is not a server of this system (${servers.map((s) => s.name).join(', ')})`);
  const kind = parseField({ type: 'choice', values: FAULT_KINDS, doc: '' }, f.kind, `${where}.kind`) as FaultKind;
  const spec = FAULT_KIND_SPECS[kind];
  const trigger = parseTrigger(f.trigger, `${where}.trigger`);
  if (!(spec.triggers as readonly TriggerAt[]).includes(trigger.at)) throw new PlanError(`${where}: a ${kind} fault takes a trigger at ${spec.triggers.join(' | ')}, not at ${trigger.at}`);
  if (trigger.at === 'site' && !(target.sites ?? []).includes(trigger.name)) {
    throw new PlanError(`${where}.trigger.name "${trigger.name}" is not an injection site of ${server} (${(target.sites ?? []).join(', ') || 'it declares none'})`);
  }
  onlyKeys(f, ['server', 'kind', 'trigger', ...Object.keys(spec.fields)], where, `a ${kind} fault`);
  return { server, kind, trigger, ...parseFields(spec.fields, f, where) } as Fault;
}

function parseTrigger(raw: unknown, where: string): Trigger {
  const t = obj(raw, where);
  const at = parseField({ type: 'choice', values: TRIGGER_ATS, doc: '' }, t.at, `${where}.at`) as TriggerAt;
  onlyKeys(t, ['at', ...Object.keys(TRIGGER_SPECS[at])], where, `a trigger at ${at}`);
  return { at, ...parseFields(TRIGGER_SPECS[at], t, where) } as Trigger;
}

/** A field no spec names is refused: a misspelt field would otherwise be silently ignored. */
function onlyKeys(o: Record<string, unknown>, allowed: readonly string[], where: string, what: string): void {
  const extra = Object.keys(o).find((k) => !allowed.includes(k));
  if (extra !== undefined) throw new PlanError(`${where}.${extra} is not a field of ${what} (${allowed.join(', ')})`);
}

function obj(raw: unknown, where: string): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new PlanError(`${where} must be an object`);
  return raw as Record<string, unknown>;
}
