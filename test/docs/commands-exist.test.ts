// Every `curios` command and flag the README and docs/ show in code exists: the command is in
// `curios --help` (or its parent's), and each flag given to it is in that command's `--help` (for
// the dashboard, a live run's or a campaign's). Docs that name a renamed or removed flag fail here
// instead of going stale silently.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];

/** The code in a Markdown file: fenced blocks and inline code spans, line by line. */
function codeLines(text: string): string[] {
  const fenced = [...text.matchAll(/```[^\n]*\n([\s\S]*?)```/g)].flatMap((m) => m[1].split('\n'));
  const inline = [...text.replace(/```[\s\S]*?```/g, '').matchAll(/`([^`\n]+)`/g)].map((m) => m[1]);
  return [...fenced, ...inline];
}

/** The program's options that take a value and may come before the command. */
const GLOBAL_WITH_VALUE = ['--config'];

interface Mention {
  where: string;
  words: string[];
  flags: string[];
}

/** Each `curios WORDS --flags …` in code, up to the end of its shell command. */
function mentions(file: string, text: string = readFileSync(join(ROOT, file), 'utf8')): Mention[] {
  const out: Mention[] = [];
  for (const line of codeLines(text)) {
    for (const m of line.matchAll(/(?:^|[\s(`$'"])curios((?: +[^\s|;&#`)'"]+)*)/g)) {
      const tokens = m[1].trim().split(/ +/).filter((t) => t.length > 0);
      // A global option before the command (`curios --config FILE campaign …`) is the program's.
      const global: string[] = [];
      while (GLOBAL_WITH_VALUE.includes(tokens[0] ?? '')) global.push(...tokens.splice(0, 2).slice(0, 1));
      const words: string[] = [];
      for (const token of tokens) {
        if (!/^[a-z][a-z-]*$/.test(token)) break;
        words.push(token);
      }
      const flags = [...global, ...tokens.filter((t) => /^--[a-z]/.test(t)).map((t) => t.replace(/=.*$/, ''))];
      out.push({ where: `${file}: ${line.trim()}`, words, flags });
    }
  }
  return out;
}

async function help(args: string[]): Promise<string> {
  const r = await runCli([...args, '--help'], ROOT);
  expect(r.code, `curios ${args.join(' ')} --help`).toBe(0);
  return r.stdout;
}

/** The command names a help text lists under "Commands:". */
function commandsOf(text: string): string[] {
  const section = text.split(/^Commands:$/m)[1] ?? '';
  return [...section.matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]).filter((c) => c !== 'help');
}

describe('the commands and flags the docs show', { tags: ['slow'] }, () => {
  // A dozen starts of curios, each a second or more on a loaded machine.
  it('exist in --help', { timeout: 600_000 }, async () => {
    const root = await help([]);
    const paths: string[][] = [[]];
    for (const command of commandsOf(root)) {
      paths.push([command]);
      const sub = commandsOf(await help([command]));
      for (const s of sub) paths.push([command, s]);
    }
    const helps = new Map<string, string>();
    await Promise.all(paths.map(async (p) => helps.set(p.join(' '), await help(p))));
    helps.set('dashboard', `${helps.get('dashboard') ?? ''}\n${await help(['dashboard', '--campaign'])}`);

    const all = DOCS.flatMap((file) => mentions(file));
    expect(all.length).toBeGreaterThan(20);
    expect(problems(all, helps)).toEqual([]);
    // The check can fail: a flag or a command that does not exist is named.
    const made_up = mentions('made-up.md', '`npx curios campaign --no-such-flag`\n```sh\nnpx curios seeds frob --db x\ncurios replay 1803 --trace\n```\n');
    expect(problems(made_up, helps).sort()).toEqual(['made-up.md: npx curios campaign --no-such-flag: curios campaign has no --no-such-flag', 'made-up.md: npx curios seeds frob --db x: curios seeds has no --db']);
  });
});

/** What the docs name that --help does not have. */
function problems(all: readonly Mention[], helps: ReadonlyMap<string, string>): string[] {
  const wrong: string[] = [];
  for (const m of all) {
    // The longest command path the words start with; a first word that is no command is prose or output.
    const path = [m.words.slice(0, 2).join(' '), m.words.slice(0, 1).join(' '), ''].find((p) => helps.has(p) && (p === '' || m.words.join(' ').startsWith(p))) ?? '';
    if (path === '' && m.words.length > 0) {
      // A first word that is no command is output or prose (`curios compare: …`) unless flags follow it.
      if (m.flags.length > 0) wrong.push(`${m.where}: no command "${m.words[0]}"`);
      continue;
    }
    const text = helps.get(path) ?? '';
    for (const flag of m.flags) if (!new RegExp(`(^|[\\s,])${flag}\\b`, 'm').test(text)) wrong.push(`${m.where}: curios ${path} has no ${flag}`);
  }
  return wrong;
}
