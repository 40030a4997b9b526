import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

/** The README's example block (the first ```js block under "## Example"). */
function readmeExample(): string {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.split('\n## Example\n')[1] ?? '';
  const block = /```js\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README.md has no ```js block under ## Example');
  return block[1] as string;
}

it('the README example runs as written and prints what the README says', async () => {
  // Inside the package, so `@eks-kit/core` resolves to the built package and the emulator (a dev
  // dependency) to this package's node_modules, as for a reader who runs it here.
  const file = `${PACKAGE_DIR}readme-example-${process.pid}.mjs`;
  writeFileSync(file, readmeExample());
  try {
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--no-warnings', file], { cwd: PACKAGE_DIR });
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      child.on('error', reject);
      child.on('close', (exitCode) => resolve({ code: exitCode, stdout: out }));
    });
    expect(code).toBe(0);
    expect(stdout).toContain('123456789012');
    expect(stdout).toMatch(/service: 'sts',\s+operation: 'GetCallerIdentity',\s+calls: 1/);
    expect(stdout).toContain('+ iam role ca');
    expect(stdout).toContain('Plan: 1 to create, 0 to update, 0 to delete.');
    expect(stdout).toMatch(/^certificates\[0\]\.domainName: .* -> exit 64$/m);
  } finally {
    rmSync(file, { force: true });
  }
});
