/**
 * scripts/bundle-contents.mjs (`pnpm size:contents`) on a metafile written here: since the build is
 * split (issue 21), what a cold start loads is index.mjs and the chunks it imports, not index.mjs alone.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const KIB = 1024;

/** A split build: index.mjs imports chunk-A statically and run-checks on demand; chunk-A imports chunk-B. */
const metafile = {
  inputs: {},
  outputs: {
    'dist/index.mjs': {
      bytes: 10 * KIB,
      entryPoint: 'src/lambda.ts',
      imports: [
        { path: 'dist/chunk-A.mjs', kind: 'import-statement' },
        { path: 'dist/run-checks-X.mjs', kind: 'dynamic-import' },
      ],
      inputs: { 'src/handler.ts': { bytesInOutput: 10 * KIB } },
    },
    'dist/chunk-A.mjs': {
      bytes: 100 * KIB,
      imports: [{ path: 'dist/chunk-B.mjs', kind: 'import-statement' }],
      inputs: { 'node_modules/@aws-sdk/client-ssm/dist-es/index.js': { bytesInOutput: 100 * KIB } },
    },
    'dist/chunk-B.mjs': {
      bytes: 20 * KIB,
      imports: [],
      inputs: { 'node_modules/@smithy/core/dist-es/index.js': { bytesInOutput: 20 * KIB } },
    },
    'dist/run-checks-X.mjs': {
      bytes: 300 * KIB,
      imports: [{ path: 'dist/chunk-A.mjs', kind: 'import-statement' }],
      inputs: { '../../packages/stack/dist/index.js': { bytesInOutput: 300 * KIB } },
    },
  },
};

function contents(...args: string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'eks-kit-metafile-')), 'metafile-esm.json');
  writeFileSync(file, JSON.stringify(metafile));
  return execFileSync(process.execPath, ['scripts/bundle-contents.mjs', `--metafile=${file}`, ...args], {
    cwd: PACKAGE_DIR,
    encoding: 'utf8',
  });
}

describe('scripts/bundle-contents.mjs', () => {
  it("counts what a cold start loads: index.mjs and its static imports, transitively, not the checks' code", () => {
    const out = contents();
    expect(out.split('\n')[0]).toBe('loaded at import (index.mjs + 2 chunks): 130.0 KiB (goal <= 1024 KiB)');
    expect(out).toContain('@aws-sdk/client-ssm');
    expect(out).toContain('@smithy/core');
    expect(out).not.toContain('@eks-kit/stack');
  });

  it('--all counts every file of the build', () => {
    const out = contents('--all');
    expect(out.split('\n')[0]).toBe('every file of the build (4): 430.0 KiB');
    expect(out).toContain('@eks-kit/stack');
  });
});
