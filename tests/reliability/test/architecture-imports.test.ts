/**
 * docs/ARCHITECTURE.md: "apps use packages; nothing imports an app", and the emulator imports no
 * eks-kit package. Checked on the manifests and the sources, so a new import shows here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const APPS = ['@eks-kit/cli', '@eks-kit/checks-lambda'];

function manifests(): { dir: string; name: string; deps: string[] }[] {
  return ['packages', 'apps'].flatMap((group) =>
    readdirSync(join(ROOT, group)).map((entry) => {
      const json = JSON.parse(readFileSync(join(ROOT, group, entry, 'package.json'), 'utf8')) as Record<
        string,
        Record<string, string> | string
      >;
      const deps = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].flatMap(
        (k) => Object.keys((json[k] as Record<string, string> | undefined) ?? {}),
      );
      return { dir: `${group}/${entry}`, name: json.name as string, deps };
    }),
  );
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory())
      return entry === 'node_modules' || entry === 'dist' ? [] : sources(path);
    return /\.(?:ts|mts|mjs)$/.test(entry) ? [path] : [];
  });
}

const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(@eks-kit\/[^'/]+)[^']*'/g)].map(
    (m) => m[1] as string,
  );

describe('the dependency direction of docs/ARCHITECTURE.md', () => {
  it('no package or app depends on an app (the CLI needs nothing of the checks Lambda)', () => {
    const offending = manifests().flatMap((m) =>
      m.deps.filter((d) => APPS.includes(d) && d !== m.name).map((d) => `${m.dir} -> ${d}`),
    );
    expect(offending).toEqual([]);
  });

  it('no source outside an app imports an app, and no app imports the other', () => {
    const offending = ['packages', 'apps/cli/src', 'apps/checks-lambda/src'].flatMap((dir) =>
      sources(join(ROOT, dir)).flatMap((file) =>
        importsOf(file)
          .filter(
            (name) => APPS.includes(name) && !file.startsWith(join(ROOT, 'apps', name.split('/')[1] ?? '')),
          )
          .map((name) => `${file.slice(ROOT.length)} -> ${name}`),
      ),
    );
    expect(offending).toEqual([]);
  });

  it('the emulator (its testing subpath included) imports no eks-kit package', () => {
    const offending = sources(join(ROOT, 'packages/aws-emulator/src')).flatMap((file) =>
      importsOf(file)
        .filter((name) => name !== '@eks-kit/aws-emulator') // its own name, in TSDoc examples
        .map((name) => `${file.slice(ROOT.length)} -> ${name}`),
    );
    expect(offending).toEqual([]);
  });
});
