/**
 * Clients where they are used (issue 20): each SDK client is an optional peer of core and a dependency
 * only of the packages that import it, and every @aws-sdk/* and @smithy/* range in the repository is
 * the one catalog version of pnpm-workspace.yaml. Reads the package.json files and the lockfile.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AWS_SERVICES } from '../src/index.js';

const ROOT = join(import.meta.dirname, '../../..');
interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}
const workspaceDirs = ['packages', 'apps', 'tests', 'tools']
  .flatMap((group) => readdirSync(join(ROOT, group)).map((d) => `${group}/${d}`))
  .concat('bench')
  .filter((dir) => {
    try {
      readFileSync(join(ROOT, dir, 'package.json'));
      return true;
    } catch {
      return false;
    }
  });
const manifest = (dir: string): Manifest =>
  JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as Manifest;
const SDK = /^@(aws-sdk|smithy)\//;

/** Every `.ts` file under a directory. */
function sources(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

/** The production dependency closure of a workspace package, by lockfile package name. */
function productionClosure(dir: string): Set<string> {
  const lock = parse(readFileSync(join(ROOT, 'pnpm-lock.yaml'), 'utf8')) as {
    importers: Record<string, { dependencies?: Record<string, { version: string }> }>;
    snapshots: Record<
      string,
      { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }
    >;
  };
  const names = new Set<string>();
  const seenImporters = new Set<string>();
  const seenSnapshots = new Set<string>();
  const visitSnapshot = (key: string): void => {
    if (seenSnapshots.has(key)) return;
    seenSnapshots.add(key);
    names.add(key.replace(/^(@?[^@]+)@.*$/, '$1'));
    const snap = lock.snapshots[key];
    for (const [dep, version] of Object.entries({ ...snap?.dependencies, ...snap?.optionalDependencies }))
      visitSnapshot(`${dep}@${version}`);
  };
  const visitImporter = (importer: string): void => {
    if (seenImporters.has(importer)) return;
    seenImporters.add(importer);
    for (const [dep, { version }] of Object.entries(lock.importers[importer]?.dependencies ?? {})) {
      if (version.startsWith('link:')) visitImporter(join(importer, version.slice('link:'.length)));
      else visitSnapshot(`${dep}@${version}`);
    }
  };
  visitImporter(dir);
  return names;
}

describe('SDK clients where they are used', () => {
  it('core installs no SDK client: every client of the service table (and the credential chain) is an optional peer', () => {
    const core = manifest('packages/core');
    const clientPackages = Object.values(AWS_SERVICES).map((s) => s.packageName);
    expect(Object.keys(core.dependencies ?? {}).filter((n) => n.startsWith('@aws-sdk/'))).toEqual([]);
    // Also an optional peer: the SDK's config loader (@smithy/core) with which createClients looks up the
    // settings its clients share (issue 21); every client installs it.
    expect(Object.keys(core.peerDependencies ?? {}).sort()).toEqual(
      [...clientPackages, '@aws-sdk/credential-providers', '@smithy/core'].sort(),
    );
    for (const name of Object.keys(core.peerDependencies ?? {}))
      expect(core.peerDependenciesMeta?.[name]?.optional, name).toBe(true);
  });

  it.each(['packages/core', 'packages/helm-values'])(
    '%s installs no @aws-sdk package in production',
    (dir) => {
      const sdk = [...productionClosure(dir)].filter((n) => n.startsWith('@aws-sdk/'));
      expect(sdk).toEqual([]);
    },
  );

  it('a package that imports an SDK client lists it as its own dependency', () => {
    const missing: string[] = [];
    for (const dir of workspaceDirs.filter((d) => d.startsWith('packages/') || d.startsWith('apps/'))) {
      if (dir === 'packages/core') continue;
      const m = manifest(dir);
      for (const file of sources(join(ROOT, dir, 'src'))) {
        for (const [, name] of readFileSync(file, 'utf8').matchAll(
          /^(?:import|export)[^;]*?from '(@aws-sdk\/client-[a-z0-9-]+)'/gm,
        )) {
          // Import statements only (a TSDoc example naming a client is not a dependency); apps/* are bundles: what they build from are devDependencies.
          const listed = dir.startsWith('apps/')
            ? (m.dependencies?.[name as string] ?? m.devDependencies?.[name as string])
            : m.dependencies?.[name as string];
          if (!listed) missing.push(`${dir}: ${name}`);
        }
      }
    }
    expect([...new Set(missing)]).toEqual([]);
  });

  it('every @aws-sdk/* and @smithy/* range is the catalog version of pnpm-workspace.yaml', () => {
    const workspace = parse(readFileSync(join(ROOT, 'pnpm-workspace.yaml'), 'utf8')) as {
      catalog: Record<string, string>;
    };
    const off: string[] = [];
    for (const dir of workspaceDirs) {
      const m = manifest(dir);
      for (const kind of ['dependencies', 'devDependencies', 'peerDependencies'] as const) {
        for (const [name, range] of Object.entries(m[kind] ?? {})) {
          if (!SDK.test(name)) continue;
          if (range !== 'catalog:') off.push(`${dir} ${kind} ${name}: ${range}`);
          if (!workspace.catalog[name]) off.push(`${name}: not in the catalog`);
        }
      }
    }
    expect(off).toEqual([]);
  });
});
