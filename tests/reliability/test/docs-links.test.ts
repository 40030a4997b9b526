/**
 * Everything cited is in the repo (issue 20): docs, READMEs and source comments cite facts and design
 * rules as `docs/<FILE>.md#<anchor>`, and every such file and anchor exists. The old citations (the
 * bare facts page name, the design notes, the shared folder outside the repo) are refused;
 * scripts/rewrite-citations.mjs turns the known ones into anchors.
 */
import { dirname, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFiles, readRepoFile, repoPathExists } from './support/repo-files.js';

const SELF = 'tests/reliability/test/docs-links.test.ts';
/** The rewrite script's table spells the old forms on purpose. */
const EXEMPT = new Set([SELF, 'scripts/rewrite-citations.mjs']);

const FILES = listFiles()
  .filter((f) => /\.(?:md|[cm]?[jt]s|tsx|ya?ml|sh)$/.test(f) || f === '.ci/run')
  .filter((f) => !EXEMPT.has(f) && f !== 'pnpm-lock.yaml');

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to `-`, repeats numbered. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const text = (heading[1] as string).replace(/`/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const explicit of markdown.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(explicit[1] as string);
  return anchors;
}

const anchorCache = new Map<string, Set<string>>();
function anchorsOf(path: string): Set<string> {
  let anchors = anchorCache.get(path);
  if (!anchors) {
    anchors = headingAnchors(readRepoFile(path));
    anchorCache.set(path, anchors);
  }
  return anchors;
}

interface Problem {
  at: string;
  cites: string;
  why: string;
}

/** A citation `docs/X.md` or `docs/X.md#anchor` (trailing punctuation is not part of it). */
const DOCS_CITATION = /(?<![\w/.-])docs\/([\w.-]+\.md)(?:#([\w-]+))?/g;
/** A path from the repo root in prose: `packages/core/src/poll.ts`, `docs/RELIABILITY.md`. */
const REPO_PATH =
  /(?<![\w./-])((?:packages|apps|tools|tests|docs|examples|bench)\/[\w./-]+\.(?:ts|mjs|js|md|json|ya?ml|log))(?![\w/])/g;
/** A markdown link target: `[text](target)`. */
const MD_LINK = /\[[^\]\n]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;
const SHARED = ['..', '/shared'].join('');
const FORBIDDEN: { pattern: RegExp; why: string }[] = [
  {
    pattern: /(?:\.\.\/)+shared\/|\/work\/shared\//,
    why: 'cites the shared notes outside the repo',
  },
  {
    pattern: new RegExp(`(?<![\\w/.-])${'DESIGN'}\\.md`),
    why: 'cites the design notes: cite docs/ARCHITECTURE.md#<anchor>',
  },
  {
    pattern: new RegExp(`(?<![\\w/.-])${'AWS-FACTS'}\\.md(?!#)`),
    why: 'cites the facts page without docs/ and an anchor: cite docs/AWS-FACTS.md#<anchor>',
  },
  {
    pattern: new RegExp(`docs/${'AWS-FACTS'}\\.md,? "`),
    why: 'names a section in words: cite docs/AWS-FACTS.md#<anchor>',
  },
];

function problemsIn(file: string, text: string): Problem[] {
  const problems: Problem[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const at = `${file}:${i + 1}`;
    let scanned = line;
    if (file.endsWith('.md')) {
      for (const link of line.matchAll(MD_LINK)) {
        const target = link[1] as string;
        scanned = scanned.replace(link[0], '');
        if (/^[a-z][\w+.-]*:/i.test(target)) continue; // https:, mailto:
        const [pathPart = '', anchor] = target.split('#');
        const path = pathPart === '' ? file : posix.normalize(posix.join(dirname(file), pathPart));
        if (!repoPathExists(path)) problems.push({ at, cites: target, why: 'no such file' });
        else if (anchor && path.endsWith('.md') && !anchorsOf(path).has(anchor)) {
          problems.push({ at, cites: target, why: `no heading #${anchor} in ${path}` });
        }
      }
    }
    for (const { pattern, why } of FORBIDDEN) {
      const hit = pattern.exec(scanned);
      if (hit) problems.push({ at, cites: hit[0], why });
    }
    for (const cite of line.matchAll(DOCS_CITATION)) {
      const path = `docs/${cite[1]}`;
      if (!repoPathExists(path)) problems.push({ at, cites: cite[0], why: 'no such file in docs/' });
      else if (cite[2] && !anchorsOf(path).has(cite[2])) {
        problems.push({ at, cites: cite[0], why: `no heading #${cite[2]} in ${path}` });
      }
    }
  });
  return problems;
}

describe('everything cited is in the repo', () => {
  it('finds the files it checks (docs, READMEs, sources of every workspace)', () => {
    expect(FILES).toContain('docs/ARCHITECTURE.md');
    expect(FILES).toContain('packages/core/README.md');
    expect(FILES.filter((f) => f.startsWith('packages/') && f.includes('/src/')).length).toBeGreaterThan(100);
  });

  it('every docs/ citation names a file and an anchor that exist; nothing cites outside the repo', () => {
    const problems = FILES.flatMap((file) => problemsIn(file, readRepoFile(file)));
    expect(problems).toEqual([]);
  });

  it('every repo path a doc or README names (packages/..., apps/..., docs/...) exists', () => {
    /** Files the docs name that are made, not committed. */
    const GENERATED = new Set(['apps/checks-lambda/template.yaml']);
    const missing = FILES.filter((f) => f.endsWith('.md')).flatMap((file) =>
      [...readRepoFile(file).matchAll(REPO_PATH)]
        .map((m) => m[1] as string)
        .filter((path) => !GENERATED.has(path) && !repoPathExists(path))
        .map((path) => `${file}: ${path}`),
    );
    expect(missing).toEqual([]);
  });

  it('every test file a doc or README names (`test/x.test.ts`) exists in some package', () => {
    const all = listFiles();
    const missing = FILES.filter((f) => f.endsWith('.md')).flatMap((file) =>
      [...readRepoFile(file).matchAll(/(?<![\w.-])((?:[\w.-]+\/)*test\/[\w./-]+\.test\.ts)/g)]
        .map((m) => m[1] as string)
        .filter((path) => !all.some((f) => f === path || f.endsWith(`/${path}`)))
        .map((path) => `${file}: ${path}`),
    );
    expect(missing).toEqual([]);
  });

  it('every AWS fact cited from the code has its own heading in docs/AWS-FACTS.md with a source and a date', () => {
    const facts = readRepoFile('docs/AWS-FACTS.md');
    const cited = new Set(
      FILES.flatMap((file) =>
        [...readRepoFile(file).matchAll(/docs\/AWS-FACTS\.md#([\w-]+)/g)].map((m) => m[1] as string),
      ),
    );
    expect(cited.size).toBeGreaterThan(20);
    const sections = facts.split(/\n(?=#{2,3} )/);
    for (const anchor of cited) {
      const section = sections.find((s) => headingAnchors(s.split('\n')[0] ?? '').has(anchor));
      expect(section, anchor).toBeDefined();
      if (section?.startsWith('### ')) {
        expect(section, `#${anchor} names no source`).toMatch(/Source|source|read |Read |\(|#\d+/);
        expect(section, `#${anchor} has no date`).toMatch(/20\d\d/);
      }
    }
  });

  it('can fail: a missing anchor, a missing file, the old forms and the shared folder are reported', () => {
    const bad = [
      `// see docs/AWS-FACTS.md#no-such-heading`,
      `// see docs/NO-SUCH-FILE.md`,
      `// ${'AWS-FACTS'}.md "Registry hosts"`,
      `// docs/${'AWS-FACTS'}.md "2025-2026 changes"`,
      `// ${'DESIGN'}.md says so`,
      `// ${SHARED}/notes.md`,
    ].join('\n');
    expect(problemsIn('packages/x/src/a.ts', bad).map((p) => p.at)).toEqual([
      'packages/x/src/a.ts:1',
      'packages/x/src/a.ts:2',
      'packages/x/src/a.ts:3',
      'packages/x/src/a.ts:4',
      'packages/x/src/a.ts:5',
      'packages/x/src/a.ts:6',
    ]);
    expect(
      problemsIn('docs/CONTRIBUTING.md', '[a](ARCHITECTURE.md#core) [b](#nowhere) [c](../NOPE.md)'),
    ).toEqual([
      { at: 'docs/CONTRIBUTING.md:1', cites: '#nowhere', why: 'no heading #nowhere in docs/CONTRIBUTING.md' },
      { at: 'docs/CONTRIBUTING.md:1', cites: '../NOPE.md', why: 'no such file' },
    ]);
    expect(headingAnchors('# A: b (c)\n## A: b (c)\n```\n# not a heading\n```')).toEqual(
      new Set(['a-b-c', 'a-b-c-1']),
    );
  });
});
