import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/eks-kit-emulator.js', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

describe('eks-kit-emulator binary', () => {
  it('prints "listening on" first, serves the seed world, and stops cleanly on SIGTERM', async () => {
    // turbo runs `build` before `test`; a plain `vitest` without a build must say why it fails.
    expect(existsSync(DIST), 'dist/bin.js is missing: run `pnpm --filter @eks-kit/aws-emulator build`').toBe(
      true,
    );
    const dir = mkdtempSync(join(tmpdir(), 'emu-bin-'));
    const seed = join(dir, 'world.json');
    writeFileSync(seed, JSON.stringify({ accountId: '444455556666' }));
    const child = spawn(process.execPath, [BIN, '--port', '0', '--speed', '100', '--seed', seed], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const firstLine = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', () => reject(new Error('exited before printing')));
    });
    expect(firstLine).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
    const url = firstLine.slice('listening on '.length);
    const health = (await (await fetch(`${url}/_emulator/health`)).json()) as { accountId: string };
    expect(health.accountId).toBe('444455556666');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses a bad --port with exit code 2', async () => {
    expect(existsSync(DIST)).toBe(true);
    const child = spawn(process.execPath, [BIN, '--port', 'abc'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('--port');
  });
});
