// `npm run docs:figures`: regenerates every figure the docs quote from the command shown beside it.
// A figure is a fenced block right after a comment that names its command:
//
//   <!-- figure: npx curios replay --trial test/corpus/degraded-fs-restart-hang.json -->
//   ```
//   …what the command prints on stdout…
//   ```
//
// The command runs from the repository root (`npx curios` as `node bin/curios.mjs`, so nothing is
// fetched), with colour off; its stdout replaces the block. `--check` changes nothing and exits 1
// naming each figure that differs; `--only WORD` runs only the figures whose command contains WORD
// (some campaigns take minutes).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIGURE = /<!-- figure: (.+?) -->\n(```[a-z]*)\n([\s\S]*?)\n```/g;

export function docFiles(): string[] {
  return ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];
}

function run(command: string): string {
  const args = command.replace(/^npx curios\b/, 'node bin/curios.mjs');
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  return execFileSync('bash', ['-c', args], { cwd: ROOT, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 }).replace(/\n+$/, '');
}

function main(argv: string[]): number {
  const check = argv.includes('--check');
  const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : undefined;
  let differ = 0;
  for (const file of docFiles()) {
    const path = join(ROOT, file);
    const text = readFileSync(path, 'utf8');
    const next = text.replace(FIGURE, (whole, command: string, fence: string, body: string) => {
      if (only !== undefined && !command.includes(only)) return whole;
      const printed = run(command);
      if (printed === body) return whole;
      differ++;
      process.stderr.write(`${file}: the figure of "${command}" ${check ? 'differs' : 'updated'}\n`);
      return `<!-- figure: ${command} -->\n${fence}\n${printed}\n\`\`\``;
    });
    if (!check && next !== text) writeFileSync(path, next);
  }
  process.stderr.write(`${differ} figure${differ === 1 ? '' : 's'} ${check ? 'differ' : 'updated'}\n`);
  return check && differ > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));
