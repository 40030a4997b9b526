/**
 * `@eks-kit/stack/stored` (issue 21): the checks Lambda's load-time entry. It must stay light: the
 * Lambda's handler imports it at every cold start, and anything it imports is compiled then.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as everything from '../src/index.js';

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
  exports: Record<string, { import: string; types: string }>;
};

/** The built files an entry loads (its relative static imports, transitively), and its bare imports. */
function closureOf(file: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [file];
  while (queue.length > 0) {
    const next = queue.pop() as string;
    if (files.has(next)) continue;
    files.add(next);
    const text = readFileSync(next, 'utf8');
    for (const m of text.matchAll(
      /(?:^|[;\s}])(?:import|export)\s*(?:[\w$*{},\s]*?from\s*)?["']([^"']+)["']/g,
    )) {
      const spec = m[1] as string;
      if (spec.startsWith('.')) queue.push(join(dirname(next), spec));
      else packages.add(spec.replace(/^node:/, ''));
    }
  }
  return { files: [...files].map((f) => f.slice(PACKAGE_DIR.length + 1)), packages: [...packages].sort() };
}

describe('@eks-kit/stack/stored', () => {
  it('is an entry of the package exports, built with its types', () => {
    expect(pkg.exports['./stored']).toEqual({ types: './dist/stored.d.ts', import: './dist/stored.js' });
  });

  it('exports the very functions @eks-kit/stack does', async () => {
    const stored = await import(join(PACKAGE_DIR, pkg.exports['./stored']?.import as string));
    expect(Object.keys(stored).sort()).toEqual(['parseCheckState', 'stackDigest']);
    // The same behaviour as the main entry's (the built copy of the same source).
    const json = JSON.stringify({ name: 'prod' });
    expect(stored.stackDigest(json)).toBe(everything.stackDigest(json));
    const state = '{"v":1,"lastRunAt":"2026-12-01T06:00:00.000Z","targets":{}}';
    expect(stored.parseCheckState(state)).toEqual(everything.parseCheckState(state));
  });

  it('loads neither the main entry nor any package but @eks-kit/core/clients: no check, no schema, no SDK client', () => {
    const { files, packages } = closureOf(join(PACKAGE_DIR, 'dist/stored.js'));
    expect(files).not.toContain('dist/index.js');
    expect(packages).toEqual(['@eks-kit/core/clients', 'crypto']);
  });
});
