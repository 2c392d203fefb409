// Whether output to a stream is painted: FORCE_COLOR (any value but 0 or false) paints even into a
// pipe, NO_COLOR (any non-empty value) never paints, and otherwise a terminal that says it has
// colours is painted. The environment is passed in so that the choice can be tested.
import pc from 'picocolors';

export type Colors = ReturnType<typeof pc.createColors>;

export interface ColorTarget {
  isTTY?: boolean;
  hasColors?: (count?: number, env?: NodeJS.ProcessEnv) => boolean;
}

export function wantsColor(stream: ColorTarget, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '0' && force !== 'false') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (stream.isTTY !== true) return false;
  return stream.hasColors?.(16, env) ?? true;
}

/** picocolors painting for `stream`, or plain text when it should not be painted. */
export function colorsFor(stream: ColorTarget, env: NodeJS.ProcessEnv = process.env): Colors {
  return pc.createColors(wantsColor(stream, env));
}
