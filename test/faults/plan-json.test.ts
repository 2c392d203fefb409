// The JSON plan parser: one clear error per bad field, naming the field and what it expected.
import { describe, expect, it } from 'vitest';
import { parsePlan, PlanError, FAULTS_PER_PLAN_MAX } from '../../src/faults/plan-json.ts';

const SERVERS = [{ name: 'fs', sites: ['between-blocks'] }, { name: 'prng' }];
const GOOD = { server: 'fs', kind: 'bitflip', trigger: { at: 'request', n: 3 }, target: 'heap', offset: 12, bit: 5 };
const plan = (fault: unknown) => ({ version: 1, faults: [fault] });
const with_ = (patch: Record<string, unknown>) => ({ ...GOOD, ...patch });

/** One bad field per row: the plan, and the words its error must contain. */
const BAD: [string, unknown, string][] = [
  ['not an object', 7, 'plan must be an object'],
  ['version', { version: 2, faults: [] }, 'plan.version must be 1'],
  ['faults not an array', { version: 1, faults: {} }, 'plan.faults must be an array'],
  ['too many faults', { version: 1, faults: Array.from({ length: FAULTS_PER_PLAN_MAX + 1 }, () => GOOD) }, `at most ${FAULTS_PER_PLAN_MAX}`],
  ['fault not an object', plan(null), 'plan.faults[0] must be an object'],
  ['server not a string', plan(with_({ server: 3 })), 'plan.faults[0].server must be a string'],
  ['server in the trusted base', plan(with_({ server: 'supervisor' })), 'trusted base'],
  ['unknown server', plan(with_({ server: 'dns' })), 'not a server of this system (fs, prng)'],
  ['unknown kind', plan(with_({ kind: 'meteor' })), 'plan.faults[0].kind must be one of crash, hang'],
  ['trigger not an object', plan(with_({ trigger: 'soon' })), 'plan.faults[0].trigger must be an object'],
  ['unknown trigger', plan(with_({ trigger: { at: 'never' } })), 'plan.faults[0].trigger.at must be one of request, access, time, site, recovery'],
  ['request n below 1', plan(with_({ trigger: { at: 'request', n: 0 } })), 'plan.faults[0].trigger.n must be an integer in 1..'],
  ['request n not an integer', plan(with_({ trigger: { at: 'request', n: 1.5 } })), 'trigger.n must be an integer'],
  ['access k missing', plan({ server: 'fs', kind: 'crash', trigger: { at: 'access', n: 1 } }), 'plan.faults[0].trigger.k must be an integer'],
  ['time negative', plan(with_({ trigger: { at: 'time', cycles: -1 } })), 'trigger.cycles must be an integer in 0..'],
  ['site name empty', plan({ server: 'fs', kind: 'crash', trigger: { at: 'site', name: '', p_on: 1, p_fire: 1 } }), 'trigger.name must be a non-empty string'],
  ['site unknown', plan({ server: 'fs', kind: 'crash', trigger: { at: 'site', name: 'elsewhere', p_on: 1, p_fire: 1 } }), '"elsewhere" is not an injection site of fs (between-blocks)'],
  ['site of a server with none', plan({ server: 'prng', kind: 'crash', trigger: { at: 'site', name: 'x', p_on: 1, p_fire: 1 } }), 'it declares none'],
  ['p_on above 1', plan({ server: 'fs', kind: 'crash', trigger: { at: 'site', name: 'between-blocks', p_on: 2, p_fire: 1 } }), 'trigger.p_on must be a probability in 0..1'],
  ['p_fire NaN-like', plan({ server: 'fs', kind: 'crash', trigger: { at: 'site', name: 'between-blocks', p_on: 1, p_fire: 'half' } }), 'trigger.p_fire must be a probability'],
  ['trigger the kind does not take', plan({ server: 'fs', kind: 'msg-corrupt', trigger: { at: 'time', cycles: 5 }, word: 0, bit: 0 }), 'a msg-corrupt fault takes a trigger at request, not at time'],
  ['bitflip target', plan(with_({ target: 'disk' })), 'plan.faults[0].target must be one of heap, msg, ssr, other-ssr'],
  ['bitflip offset too large', plan(with_({ offset: 2 ** 20 })), `plan.faults[0].offset must be an integer in 0..${2 ** 20 - 1}`],
  ['bitflip bit too large', plan(with_({ bit: 8 })), 'plan.faults[0].bit must be an integer in 0..7'],
  ['regflip bit', plan({ server: 'fs', kind: 'regflip', trigger: { at: 'request', n: 1 }, target: 'load', bit: 32 }), 'bit must be an integer in 0..31'],
  ['wild-write region', plan({ server: 'fs', kind: 'wild-write', trigger: { at: 'request', n: 1 }, region: 'kernel', offset: 0 }), 'region must be one of heap, other-state, random'],
  ['wild-write offset', plan({ server: 'fs', kind: 'wild-write', trigger: { at: 'request', n: 1 }, region: 'random', offset: 2 ** 32 }), 'offset must be an integer in 0..4294967295'],
  ['a field the kind does not have', plan({ server: 'fs', kind: 'crash', trigger: { at: 'request', n: 1 }, bit: 3 }), 'plan.faults[0].bit is not a field of a crash fault (server, kind, trigger)'],
  ['a misspelt trigger field', plan(with_({ trigger: { at: 'time', cycle: 5 } })), 'plan.faults[0].trigger.cycle is not a field of a trigger at time (at, cycles)'],
  ['an extra trigger field', plan(with_({ trigger: { at: 'request', n: 1, k: 2 } })), 'plan.faults[0].trigger.k is not a field of a trigger at request (at, n)'],
  ['msg-corrupt word', plan({ server: 'fs', kind: 'msg-corrupt', trigger: { at: 'request', n: 1 }, word: 8, bit: 0 }), 'word must be an integer in 0..7'],
];

describe('parsePlan refuses a bad plan with one error naming the bad field', () => {
  it.each(BAD)('%s', (_name, raw, words) => {
    let err: unknown = null;
    try {
      parsePlan(raw, SERVERS);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PlanError);
    expect((err as Error).message).toContain(words);
    expect((err as Error).message).not.toContain('\n');
  });

  it('accepts the good fault each row breaks, and a site the server declares', () => {
    expect(parsePlan(plan(GOOD), SERVERS).faults[0]).toEqual(GOOD);
    const site = { server: 'fs', kind: 'hang', trigger: { at: 'site', name: 'between-blocks', p_on: 0.5, p_fire: 1 } };
    expect(parsePlan(plan(site), SERVERS).faults[0]).toEqual(site);
  });
});
