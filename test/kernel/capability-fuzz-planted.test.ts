// The capability fuzzer is trusted only because it catches planted kernel bugs. Through test-only
// module mocks, this file plants two: decode ignoring a missing endpoint right (the call is
// decoded as if the capability had every right; in both decode paths, and in the register form
// alone), and IPC handing the server a badge other than
// the one minted for the attacker's capability (the honest client's). With a bug planted, the
// fuzzer's property must fail; with none, it holds.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { HONEST_BADGE, fuzzRun, syscallArb } from '../helpers/capability-fuzzer.ts';

// `ignore_right` plants the bug in both decode paths: the record form (decodeSyscall) and the
// register form the kernel's own IPC stubs take (invoke.ts's dispatchIpc, through the
// `decodeEndpoint` it imports); `ignore_right_registers` in the register form alone, so that the
// fuzzer is shown to reach it.
const plant = vi.hoisted(() => ({ ignore_right: false, ignore_right_registers: false, forge_badge: false }));

vi.mock('../../src/kernel/decode.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/kernel/decode.ts')>();
  type Thread = Parameters<typeof real.decodeSyscall>[1];
  // The planted bug: a call refused for a missing right is decoded again as if every endpoint
  // capability of the caller had every right.
  const asIfAllRights = <R,>(t: Thread, decode: () => R): R => {
    const caps = t.task.caps.slice();
    caps.forEach((c, i) => {
      if (c !== null && c.kind === 'endpoint') t.task.caps[i] = { ...c, rights: { send: true, recv: true } };
    });
    try {
      return decode();
    } finally {
      caps.forEach((c, i) => (t.task.caps[i] = c));
    }
  };
  const decodeSyscall: typeof real.decodeSyscall = (k, t, raw) => {
    const decoded = real.decodeSyscall(k, t, raw);
    return plant.ignore_right && decoded === 'EPERM' ? asIfAllRights(t, () => real.decodeSyscall(k, t, raw)) : decoded;
  };
  const decodeEndpoint: typeof real.decodeEndpoint = (t, slot, right) => {
    const cap = real.decodeEndpoint(t, slot, right);
    return (plant.ignore_right || plant.ignore_right_registers) && cap === 'EPERM' ? asIfAllRights(t, () => real.decodeEndpoint(t, slot, right)) : cap;
  };
  return { ...real, decodeSyscall, decodeEndpoint };
});

vi.mock('../../src/kernel/ipc.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/kernel/ipc.ts')>();
  const doCall: typeof real.doCall = (k, caller, ep, badge, ...rest) => real.doCall(k, caller, ep, plant.forge_badge && caller.task.name === 'attacker' ? (HONEST_BADGE as typeof badge) : badge, ...rest);
  return { ...real, doCall };
});

/** Whether the CI-sized fuzzer finds a violation, and the first one it reports. */
function fuzzerFails(): { failed: boolean; first: string } {
  let first = '';
  const details = fc.check(
    fc.property(fc.array(syscallArb, { minLength: 30, maxLength: 60 }), (calls) => {
      const out = fuzzRun(calls);
      if (out.violations.length > 0 && first === '') first = out.violations[0];
      return out.violations.length === 0;
    }),
    { numRuns: 150, seed: 15 },
  );
  return { failed: details.failed, first };
}

/** The fuzzer fails, naming the guarded endpoint reached, with the bug `which` planted. */
function expectCaughtWith(which: 'ignore_right' | 'ignore_right_registers'): void {
  plant[which] = true;
  try {
    const r = fuzzerFails();
    expect(r.failed).toBe(true);
    expect(r.first).toMatch(/guarded endpoint was reached|badge|honest/);
  } finally {
    plant[which] = false;
  }
}

describe('the capability fuzzer catches planted kernel bugs', () => {
  it('holds with no bug planted', () => {
    plant.ignore_right = false;
    plant.forge_badge = false;
    expect(fuzzerFails().failed).toBe(false);
  });

  it('catches decode ignoring a missing right', () => expectCaughtWith('ignore_right'));

  it('catches the register form (the stubs\' IPC calls) ignoring a missing right', () => expectCaughtWith('ignore_right_registers'));

  it('catches IPC forging a badge', () => {
    plant.forge_badge = true;
    try {
      const r = fuzzerFails();
      expect(r.failed).toBe(true);
      expect(r.first).toMatch(/badge 17 from attacker, minted 160/);
    } finally {
      plant.forge_badge = false;
    }
  });
});
