import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const SRC = fileURLToPath(new URL('../src/index.ts', import.meta.url));

describe('README example', () => {
  it('runs, and writes exactly the helmfile kept in __snapshots__/seed.helmfile.yaml (as the README says)', async () => {
    const example = /```ts\n([\s\S]*?)```/.exec(README)?.[1] ?? '';
    expect(example).toContain("from '@eks-kit/helm-values'");
    const dir = mkdtempSync(join(tmpdir(), 'helm-values-readme-'));
    const written: Record<string, string> = {};
    const script = join(dir, 'example.ts');
    writeFileSync(
      script,
      example
        .replace("import { writeFileSync } from 'node:fs';", '')
        .replace("'@eks-kit/helm-values'", JSON.stringify(SRC))
        .replace(/^/, 'const writeFileSync = (globalThis as any).__readmeWrite;\n'),
    );
    (globalThis as Record<string, unknown>).__readmeWrite = (name: string, content: string) => {
      written[name] = content;
    };
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await import(/* @vite-ignore */ script);
      expect(log).toHaveBeenCalledWith('cluster-autoscaler-aws-cluster-autoscaler');
    } finally {
      log.mockRestore();
      delete (globalThis as Record<string, unknown>).__readmeWrite;
      rmSync(dir, { recursive: true, force: true });
    }
    const snapshot = readFileSync(new URL('./__snapshots__/seed.helmfile.yaml', import.meta.url), 'utf8');
    expect(Object.keys(written)).toEqual(['helmfile.yaml']);
    expect(written['helmfile.yaml']?.replace(/eks-kit \d+\.\d+\.\d+\S*/g, 'eks-kit <version>')).toBe(
      snapshot,
    );
  });
});
