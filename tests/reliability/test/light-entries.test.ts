/**
 * The light entry points (issue 21): `@eks-kit/core/clients` and `@eks-kit/stack/stored` are what the checks
 * Lambda imports at every cold start. Walking each built entry's static imports, it must reach neither its
 * package's main entry nor any package outside the list: one walker for every package's light entry.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The built files an entry loads by static imports, transitively, and the bare specifiers they import. */
function closureOf(packageDir: string, entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [join(packageDir, entry)];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(
      /(?:^|[;\s}])(?:import|export)\s*(?:[\w$*{},\s]*?from\s*)?["']([^"']+)["']/g,
    )) {
      const spec = m[1] as string;
      if (spec.startsWith('.')) queue.push(join(dirname(file), spec));
      else packages.add(spec.replace(/^node:/, ''));
    }
  }
  return { files: [...files].map((f) => f.slice(packageDir.length + 1)), packages: [...packages].sort() };
}

const ENTRIES = [
  // The client factory, errors, validators: no converge, ownership, deletion or assume-role.
  { dir: 'packages/core', entry: 'dist/clients.js', packages: ['fastest-levenshtein', 'http', 'https'] },
  // The stack digest and the state parser: no check, no schema, no SDK client.
  { dir: 'packages/stack', entry: 'dist/stored.js', packages: ['@eks-kit/core/clients', 'crypto'] },
];

describe('light entry points', () => {
  for (const { dir, entry, packages } of ENTRIES) {
    it(`${dir}/${entry} loads neither dist/index.js nor a package but ${packages.join(', ') || 'none'}`, () => {
      const closure = closureOf(join(ROOT, dir), entry);
      expect(closure.files).toContain(entry);
      expect(closure.files).not.toContain('dist/index.js');
      expect(closure.packages).toEqual(packages);
    });
  }

  it('finds what an entry must not load (so the test can fail)', () => {
    // The stack package's main entry reaches zod and core's main entry: what stored.js must not.
    const main = closureOf(join(ROOT, 'packages/stack'), 'dist/index.js');
    expect(main.packages).toEqual(expect.arrayContaining(['@eks-kit/core', 'zod']));
  });
});
