/** The committed bin stub (`bin/eks-kit.js`) runs the built CLI. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, ROOT } from './helpers.js';

describe('the committed bin stub', () => {
  it('bin/eks-kit.js runs the built CLI', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'apps/cli/package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(pkg.bin['eks-kit']).toBe('./bin/eks-kit.js');
    const version = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [join(ROOT, 'apps/cli/bin/eks-kit.js'), '--version'], {
        env: cliEnv(),
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      child.on('error', reject);
      child.on('close', () => resolve(out));
    });
    expect(version.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
