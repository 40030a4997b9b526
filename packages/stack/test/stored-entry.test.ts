/**
 * `@eks-kit/stack/stored` (issue 21): the checks Lambda's load-time entry. It must stay light: the
 * Lambda's handler imports it at every cold start, and anything it imports is compiled then.
 * tests/reliability/test/light-entries.test.ts walks its built imports.
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
});
