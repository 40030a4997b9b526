import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandTree } from '../src/program.js';
import { ROOT } from './helpers.js';

// Issue 17: hints named commands that do not exist (`eks-kit autoscaler tag`, `eks-kit cert apply`).
// Every `eks-kit ...` command quoted in a hint, finding, error (all source text) or README/doc must
// exist, with the flags it is quoted with.

function files(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|md)$/.test(name) && !/\.test\.ts$/.test(name)) out.push(path);
    }
  };
  for (const group of ['packages', 'apps']) {
    for (const pkg of readdirSync(join(ROOT, group))) {
      const base = join(ROOT, group, pkg);
      if (!statSync(base).isDirectory()) continue;
      for (const sub of ['src', 'README.md']) {
        const path = join(base, sub);
        try {
          if (statSync(path).isDirectory()) walk(path);
          else out.push(path);
        } catch {
          // no such file
        }
      }
    }
  }
  out.push(join(ROOT, 'README.md'));
  walk(join(ROOT, 'docs'));
  return out;
}

/**
 * Problems with the `eks-kit ...` commands quoted in a text. A command group must be followed by one
 * of its subcommands and options must exist; an unknown first word is a problem only in a Markdown
 * code span (`markdown`), elsewhere it is prose ("eks-kit checks ...").
 */
export function quotedCommandProblems(text: string, markdown = true): string[] {
  const tree = commandTree();
  const top = new Map<string, string[]>();
  for (const c of tree)
    if (c.path.length === 2) top.set(c.path[0]!, [...(top.get(c.path[0]!) ?? []), c.path[1]!]);
  const problems: string[] = [];
  for (const m of text.matchAll(/(`?)eks-kit((?: +[-a-z0-9=./<>]+)+)/g)) {
    const backticked = markdown && m[1] === '`';
    const tokens = (m[2] ?? '').trim().split(/ +/);
    const first = tokens[0] ?? '';
    const leaf = tree.find((c) => c.path.length === 1 && c.path[0] === first);
    if (!leaf) {
      if (backticked && !first.startsWith('-') && first !== '...')
        problems.push(`eks-kit ${tokens.join(' ')}: no command "${first}"`);
      continue;
    }
    let path = [first];
    let rest = tokens.slice(1);
    const subs = top.get(first);
    if (subs) {
      const second = rest[0];
      if (second === undefined || second.startsWith('-') || second.startsWith('<') || second === '...')
        continue;
      if (!subs.includes(second)) {
        problems.push(`eks-kit ${first} ${second}: no such subcommand (${subs.join(', ')})`);
        continue;
      }
      path = [first, second];
      rest = rest.slice(1);
    }
    const spec = tree.find((c) => c.path.join(' ') === path.join(' '));
    let afterFlag = false;
    for (const token of rest) {
      if (token.startsWith('-') && token !== '-') {
        const flag = token.split('=')[0] ?? token;
        if (!spec?.options.includes(flag)) problems.push(`eks-kit ${path.join(' ')} ${flag}: no such option`);
        afterFlag = !token.includes('=');
      } else if (afterFlag) afterFlag = false;
      else break;
    }
  }
  return problems;
}

describe('commands quoted in hints, findings, errors, READMEs and docs exist', () => {
  it('the checker catches a missing subcommand and a missing flag (it can fail)', () => {
    expect(quotedCommandProblems('run `eks-kit cert apply` now')).toEqual([
      expect.stringContaining('eks-kit cert apply: no such subcommand'),
    ]);
    expect(quotedCommandProblems('hint: eks-kit autoscaler tag for x')).toHaveLength(1);
    expect(quotedCommandProblems('`eks-kit ecr login --no-such-flag`')).toEqual([
      'eks-kit ecr login --no-such-flag: no such option',
    ]);
    expect(quotedCommandProblems('eks-kit creates the role; `eks-kit plan --detailed-exitcode`')).toEqual([]);
  });

  it('every quoted command in the repository exists with its flags', () => {
    const problems = files().flatMap((file) =>
      quotedCommandProblems(readFileSync(file, 'utf8'), file.endsWith('.md')).map(
        (p) => `${relative(ROOT, file)}: ${p}`,
      ),
    );
    expect(problems).toEqual([]);
  });
});
