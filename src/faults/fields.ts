// The field types of fault plans, each with its range: an integer range, a choice among names, a
// probability, a name. A field spec is the one home of a field's range: the plan arbitraries
// (src/faults/arbitraries.ts) draw from it and the JSON parser (src/faults/plan-json.ts) checks
// against it, so what a campaign can draw and what a plan file may say never disagree.
import fc from 'fast-check';

export type FieldSpec =
  | { readonly type: 'int'; readonly min: number; readonly max: number; readonly doc: string }
  | { readonly type: 'choice'; readonly values: readonly string[]; readonly doc: string }
  | { readonly type: 'probability'; readonly doc: string }
  | { readonly type: 'name'; readonly doc: string };

/** The value a field of this spec holds. */
export type FieldValue<S> = S extends { type: 'choice'; values: readonly (infer V)[] } ? V : S extends { type: 'name' } ? string : number;

/** The object a record of field specs describes. */
export type ValuesOf<R> = { -readonly [P in keyof R]: FieldValue<R[P]> };

export const int = (min: number, max: number, doc: string) => ({ type: 'int', min, max, doc }) as const;
export const choice = <const V extends readonly string[]>(values: V, doc: string) => ({ type: 'choice', values, doc }) as const;
export const probability = (doc: string) => ({ type: 'probability', doc }) as const;
export const name = (doc: string) => ({ type: 'name', doc }) as const;

export class PlanError extends Error {
  override name = 'PlanError';
}

/** Checks one raw JSON value against its spec; a PlanError names the field and the range. */
export function parseField(spec: FieldSpec, raw: unknown, where: string): number | string {
  switch (spec.type) {
    case 'int':
      if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < spec.min || raw > spec.max) throw new PlanError(`${where} must be an integer in ${spec.min}..${spec.max}, got ${JSON.stringify(raw)}`);
      return raw;
    case 'choice':
      if (typeof raw !== 'string' || !spec.values.includes(raw)) throw new PlanError(`${where} must be one of ${spec.values.join(', ')}, got ${JSON.stringify(raw)}`);
      return raw;
    case 'probability':
      if (typeof raw !== 'number' || !(raw >= 0 && raw <= 1)) throw new PlanError(`${where} must be a probability in 0..1, got ${JSON.stringify(raw)}`);
      return raw;
    case 'name':
      if (typeof raw !== 'string' || raw.length === 0) throw new PlanError(`${where} must be a non-empty string, got ${JSON.stringify(raw)}`);
      return raw;
  }
}

/** Parses every field of a record of specs from a raw object. */
export function parseFields<R extends Record<string, FieldSpec>>(specs: R, raw: Record<string, unknown>, where: string): ValuesOf<R> {
  const out: Record<string, number | string> = {};
  for (const [key, spec] of Object.entries(specs)) out[key] = parseField(spec, raw[key], `${where}.${key}`);
  return out as ValuesOf<R>;
}

/** An arbitrary over a field's whole range (a name field draws from `names`). */
export function fieldArb(spec: FieldSpec, names: readonly string[] = ['site']): fc.Arbitrary<number | string> {
  switch (spec.type) {
    case 'int':
      return fc.integer({ min: spec.min, max: spec.max });
    case 'choice':
      return fc.constantFrom(...spec.values);
    case 'probability':
      return fc.double({ min: 0, max: 1, noNaN: true });
    case 'name':
      return fc.constantFrom(...names);
  }
}

/** An arbitrary of a record of fields, each over its spec's range unless `override` gives one. */
export function fieldsArb<R extends Record<string, FieldSpec>>(specs: R, override: { [P in keyof R]?: fc.Arbitrary<FieldValue<R[P]>> } = {}): fc.Arbitrary<ValuesOf<R>> {
  const model: Record<string, fc.Arbitrary<number | string>> = {};
  for (const [key, spec] of Object.entries(specs)) model[key] = (override as Record<string, fc.Arbitrary<number | string> | undefined>)[key] ?? fieldArb(spec);
  return fc.record(model) as unknown as fc.Arbitrary<ValuesOf<R>>;
}
