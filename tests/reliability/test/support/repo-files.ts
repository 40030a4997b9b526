/**
 * The repo's own files, read from disk for the tests that check what the docs say about the code
 * (architecture.test.ts, docs-links.test.ts). Skips what is generated or installed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is tests/reliability/test/support/repo-files.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.turbo', '.git', 'coverage', 'results']);

/** Every file under `dir` (relative to the root, `/`-separated), generated and installed folders left out. */
export function listFiles(dir = ''): string[] {
  const out: string[] = [];
  const walk = (abs: string): void => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(join(abs, entry.name));
      } else if (entry.isFile()) {
        out.push(relative(REPO_ROOT, join(abs, entry.name)).split(sep).join('/'));
      }
    }
  };
  walk(join(REPO_ROOT, dir));
  return out.sort();
}

/** The text of a file given relative to the root. */
export function readRepoFile(path: string): string {
  return readFileSync(join(REPO_ROOT, path), 'utf8');
}

/** Whether a path relative to the root exists. */
export function repoPathExists(path: string): boolean {
  try {
    statSync(join(REPO_ROOT, path));
    return true;
  } catch {
    return false;
  }
}

/** A workspace package: its folder, name, package.json. */
export interface WorkspacePackage {
  dir: string;
  name: string;
  json: {
    name: string;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
    exports?: Record<string, unknown> | string;
  };
}

/** The workspace packages of pnpm-workspace.yaml's folders (packages/*, apps/*, tools/*, tests/*, bench). */
export function workspacePackages(): WorkspacePackage[] {
  const dirs: string[] = [];
  for (const parent of ['packages', 'apps', 'tools', 'tests']) {
    for (const entry of readdirSync(join(REPO_ROOT, parent), { withFileTypes: true })) {
      if (entry.isDirectory() && repoPathExists(`${parent}/${entry.name}/package.json`)) {
        dirs.push(`${parent}/${entry.name}`);
      }
    }
  }
  if (repoPathExists('bench/package.json')) dirs.push('bench');
  return dirs.sort().map((dir) => {
    const json = JSON.parse(readRepoFile(`${dir}/package.json`)) as WorkspacePackage['json'];
    return { dir, name: json.name, json };
  });
}
