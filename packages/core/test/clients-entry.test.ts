/**
 * `@eks-kit/core/clients` (issue 21): the client factory, errors and validators without the rest of
 * core. The checks Lambda imports it at every cold start, so it must not reach core's main entry
 * (tests/reliability/test/light-entries.test.ts walks its built imports).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

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
});
