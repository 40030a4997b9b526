/**
 * What the function's cold start imports, read from the sources (issue 21): from src/lambda.ts, every
 * module reached by a value import (not `import type`, not `import()`). Of eks-kit's packages only
 * @eks-kit/core/clients and @eks-kit/stack/stored may be among them: esbuild puts a whole input file in one
 * chunk, and any other package's one dist/index.js would bring its checks into the files a cold start
 * compiles. The bundle's side of this is in bundle.emulator.test.ts.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

/** Value imports and re-exports of a TypeScript file (`import type` and `export type` left out). */
function valueSpecifiers(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/^(import|export)\s+(type\s+)?([^;]*?)\s+from\s+'([^']+)';/gms)) {
    if (m[2]) continue;
    const names = m[3] ?? '';
    // `import { type A, type B } from` brings no value either.
    const list = /^\{([^}]*)\}$/.exec(names.trim())?.[1];
    const typesOnly = list?.split(',').every((n) => n.trim() === '' || n.trim().startsWith('type '));
    if (typesOnly === true) continue;
    found.push(m[4] as string);
  }
  for (const m of text.matchAll(/^import\s+'([^']+)';/gm)) found.push(m[1] as string);
  return found;
}

/** Files and bare specifiers reached from `entry` by value imports. */
function loadTimeGraph(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    for (const spec of valueSpecifiers(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) queue.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else packages.add(spec);
    }
  }
  return { files: [...files].map((f) => f.slice(SRC.length + 1)).sort(), packages: [...packages].sort() };
}

describe('the files a cold start imports (sources)', () => {
  const graph = loadTimeGraph(join(SRC, 'lambda.ts'));

  it('use no eks-kit package but @eks-kit/core/clients and @eks-kit/stack/stored', () => {
    expect(graph.packages.filter((p) => p.startsWith('@eks-kit/'))).toEqual([
      '@eks-kit/core/clients',
      '@eks-kit/stack/stored',
    ]);
  });

  it('reach neither the checks nor the report: run-checks.ts is imported on demand', () => {
    expect(graph.files).toContain('handler.ts');
    expect(graph.files).not.toContain('run/run-checks.ts');
    expect(graph.files).not.toContain('report/report-run.ts');
    expect(graph.files).not.toContain('checks/stack-check-tasks.ts');
    expect(readFileSync(join(SRC, 'handler.ts'), 'utf8')).toMatch(/import\('\.\/run\/run-checks\.js'\)/);
  });

  it('finds a value import it must refuse (so the test can fail)', () => {
    expect(
      valueSpecifiers(
        "import { stackChecks } from '@eks-kit/stack';\nimport type { Stack } from '@eks-kit/stack';",
      ),
    ).toEqual(['@eks-kit/stack']);
    expect(valueSpecifiers("import { type Stack } from '@eks-kit/stack';")).toEqual([]);
  });
});
