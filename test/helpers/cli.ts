// Runs the curios command in a child process, as a person would: `node bin/curios.mjs …` in a
// throw-away working directory, with colour off and no $CURIOS_DB from the environment, so that
// every store a test touches is the one it names with --db, inside its own directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CURIOS_BIN = fileURLToPath(new URL('../../bin/curios.mjs', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  process: ChildProcess;
  /** Every complete line written to stderr so far. */
  stderrLines: string[];
  /** Resolves with the first stderr line matching `pattern`; rejects if the process ends first. */
  waitForStderr(pattern: RegExp): Promise<string>;
  /** Resolves when the process has ended and its output is read. */
  result: Promise<CliResult>;
}

export function makeWorkDir(): string {
  return mkdtempSync(join(tmpdir(), 'curios-cli-'));
}

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.CURIOS_DB;
  return env;
}

export function startCli(args: readonly string[], cwd: string): CliProcess {
  const child = spawn(process.execPath, [CURIOS_BIN, ...args], { cwd, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const stderrLines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  let partial = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      stderrLines.push(line);
      for (const waiter of waiters.filter((w) => w.pattern.test(line))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  const result = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return {
    process: child,
    stderrLines,
    result,
    waitForStderr: (pattern) =>
      new Promise<string>((resolve, reject) => {
        const seen = stderrLines.find((line) => pattern.test(line));
        if (seen !== undefined) {
          resolve(seen);
          return;
        }
        waiters.push({ pattern, resolve });
        void result.then((r) => reject(new Error(`curios ${args.join(' ')} ended (code ${r.code}, signal ${r.signal}) before printing ${pattern}; stderr:\n${r.stderr}`)));
      }),
  };
}

export function runCli(args: readonly string[], cwd: string): Promise<CliResult> {
  return startCli(args, cwd).result;
}

/** The lines of a command's stderr, without the empty one after the last newline. */
export function linesOf(text: string): string[] {
  return text.split('\n').filter((line) => line.length > 0);
}

/** The crash seeds a campaign reported on stderr ("saved seed ID: … → OUTCOME (…)", or "known seed …"): id → outcome. */
export function reportedSeeds(stderrLines: readonly string[]): Map<string, string> {
  const seeds = new Map<string, string>();
  for (const line of stderrLines) {
    const m = /^(?:saved|known) seed ([0-9a-f]{12}): .* → (\S+) \(/.exec(line);
    if (m !== null) seeds.set(m[1], m[2]);
  }
  return seeds;
}
