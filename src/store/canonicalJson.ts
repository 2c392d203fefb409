// Serializes a value as JSON with every object's keys sorted, so that equal values give one
// string whatever order their keys were built in. It is the input of every content hash.
import { StoreError } from './errors.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function write(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(write).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${write(value[key])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}

export function canonicalJson(value: unknown): string {
  // A round trip through JSON first gives exactly what would be stored: toJSON applied,
  // undefined members dropped, non-finite numbers as null.
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new StoreError(`cannot hash a value that is not plain JSON: ${String(error)}`, { cause: error });
  }
  if (text === undefined) throw new StoreError(`cannot hash ${typeof value}: it has no JSON form`);
  return write(JSON.parse(text) as Json);
}
