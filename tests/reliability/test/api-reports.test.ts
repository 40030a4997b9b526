/**
 * API reports (scripts/api-report.mjs): each package's committed `api/<name>.api.md` matches its built
 * .d.ts, so an accidental export or a signature change fails `pnpm test` until `pnpm api:update` rewrites
 * the report and the diff is reviewed. The second half runs the script on a temporary tree to show the
 * check can fail: a new export, a changed signature, a new entry point and a stale report each fail it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const repo = new URL('../../../', import.meta.url).pathname;
const script = join(repo, 'scripts/api-report.mjs');

/** The script as a user runs it: a child process (one spawn: the CLI wiring and exit code). */
function spawnScript(...args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

type RunApiReports = (
  argv: string[],
  print: (line: string) => void,
  printError: (line: string) => void,
) => number;
// The same entry point in this process, so TypeScript loads once rather than once per run (ten child
// processes each loading the compiler took over two minutes on a busy CI machine).
const { runApiReports } = (await import(script)) as { runApiReports: RunApiReports };

function run(...args: string[]): { status: number | null; out: string } {
  const lines: string[] = [];
  const status = runApiReports(
    args,
    (l) => lines.push(l),
    (l) => lines.push(l),
  );
  return { status, out: lines.join('\n') };
}

describe('API reports', () => {
  it('every committed report matches the built .d.ts of its package (run `pnpm api:update` after an intended change)', () => {
    const r = spawnScript('--check');
    expect(r.out).toMatch(/API reports: \d+ up to date/);
    expect(r.status).toBe(0);
  });

  describe('the check fails on a change (temporary tree)', () => {
    let tree = '';
    afterEach(() => {
      if (tree) rmSync(tree, { recursive: true, force: true });
    });

    function makePackage(name: string, dts: string): string {
      const ws = join(tree, 'packages', name);
      mkdirSync(join(ws, 'dist'), { recursive: true });
      writeFileSync(
        join(ws, 'package.json'),
        JSON.stringify({
          name: `@eks-kit/${name}`,
          exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' } },
        }),
      );
      writeFileSync(join(ws, 'dist/index.d.ts'), dts);
      return ws;
    }

    it('a new export, a changed signature, a new entry point and a stale report each fail; --update fixes them', () => {
      tree = mkdtempSync(join(tmpdir(), 'eks-kit-api-'));
      const ws = makePackage(
        'demo',
        'interface Input { name: string }\n/** Doc. */\ndeclare function ensureThing(input: Input): void;\nexport { type Input, ensureThing };\n',
      );
      expect(run('--check', '--root', tree).out).toMatch(/packages\/demo\/api\/demo.api.md: missing/);
      expect(run('--update', '--root', tree).status).toBe(0);
      const report = readFileSync(join(ws, 'api/demo.api.md'), 'utf8');
      expect(report).toContain('export declare function ensureThing(input: Input): void;');
      expect(report).not.toContain('Doc.');
      expect(run('--check', '--root', tree).status).toBe(0);

      // An accidental export.
      writeFileSync(
        join(ws, 'dist/index.d.ts'),
        'interface Input { name: string }\ndeclare function ensureThing(input: Input): void;\ndeclare const internal = 1;\nexport { type Input, ensureThing, internal };\n',
      );
      const added = run('--check', '--root', tree);
      expect(added.status).toBe(1);
      expect(added.out).toContain('packages/demo/api/demo.api.md: differs');
      expect(added.out).toContain('pnpm api:update');

      // A changed signature.
      run('--update', '--root', tree);
      writeFileSync(
        join(ws, 'dist/index.d.ts'),
        'interface Input { name: string }\ndeclare function ensureThing(input: Input, dryRun: boolean): void;\ndeclare const internal = 1;\nexport { type Input, ensureThing, internal };\n',
      );
      expect(run('--check', '--root', tree).status).toBe(1);
      run('--update', '--root', tree);
      expect(run('--check', '--root', tree).status).toBe(0);

      // A report whose package is gone.
      rmSync(join(ws, 'package.json'));
      writeFileSync(join(ws, 'package.json'), JSON.stringify({ name: '@eks-kit/demo', private: true }));
      const stale = run('--check', '--root', tree);
      expect(stale.status).toBe(1);
      expect(stale.out).toContain('no entry point writes this report');
      expect(run('--update', '--root', tree).status).toBe(0);
      expect(run('--check', '--root', tree).status).toBe(0);
    });
  });
});
