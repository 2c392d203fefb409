// How the command line fails: one clear line on stderr and a meaningful exit code; never a stack
// trace for bad input. Data goes to stdout, messages to stderr.

export const EXIT = {
  ok: 0,
  /** a run did what it should not (a replay that differs, a campaign with failures asked to fail, a demo stopped at a host limit) */
  mismatch: 3,
  /** bad input: an unknown server, a malformed plan, a bad number */
  usage: 2,
  /** the store cannot be used (unreadable, locked) */
  store: 4,
  /** a bug in curios itself */
  internal: 70,
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly code: number = EXIT.usage,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function fail(message: string, code: number = EXIT.usage): never {
  throw new CliError(message, code);
}
