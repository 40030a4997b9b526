/**
 * `@eks-kit/core/clients` (issue 21): the client factory, errors and validators without the rest of
 * core. The checks Lambda imports it at every cold start, so it must not reach core's main entry.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The built files an entry loads by static imports, transitively. */
function filesOf(file: string): string[] {
  const files = new Set<string>();
  const queue = [file];
  while (queue.length > 0) {
    const next = queue.pop() as string;
    if (files.has(next)) continue;
    files.add(next);
    const text = readFileSync(next, 'utf8');
    for (const m of text.matchAll(
      /(?:^|[;\s}])(?:import|export)\s*(?:[\w$*{},\s]*?from\s*)?["'](\.[^"']+)["']/g,
    ))
      queue.push(join(dirname(next), m[1] as string));
  }
  return [...files].map((f) => f.slice(PACKAGE_DIR.length + 1));
}

describe('@eks-kit/core/clients', () => {
  it('is an entry of the package exports', () => {
    const pkg = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
      exports: Record<string, unknown>;
    };
    expect(pkg.exports['./clients']).toEqual({ types: './dist/clients.d.ts', import: './dist/clients.js' });
  });

  it('exports the very objects @eks-kit/core does (one EksKitError class: instanceof holds across both)', async () => {
    const clients = await import(join(PACKAGE_DIR, 'dist/clients.js'));
    const everything = await import(join(PACKAGE_DIR, 'dist/index.js'));
    const names = Object.keys(clients);
    expect(names).toEqual(
      expect.arrayContaining(['createClients', 'EksKitError', 'wrapAwsError', 'parseArn', 'VERSION']),
    );
    for (const name of names) expect(clients[name], name).toBe(everything[name]);
    expect(new everything.InvalidInputError('f', 1, 'a string')).toBeInstanceOf(clients.EksKitError);
  });

  it("does not load core's main entry (converge, ownership, assume-role stay out)", () => {
    const files = filesOf(join(PACKAGE_DIR, 'dist/clients.js'));
    expect(files).toContain('dist/clients.js');
    expect(files).not.toContain('dist/index.js');
  });
});
