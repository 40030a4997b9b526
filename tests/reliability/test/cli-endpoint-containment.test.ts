/**
 * With `--endpoint-url`, every request the CLI makes must go to that endpoint: nothing may leave
 * for real AWS (the suite allows no network beyond 127.0.0.1; a preload refuses and logs any other
 * fetch). The registry API of `ecr check-push` is a request too (kaniko's POST /v2/<repo>/blobs/uploads/).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Emulator } from '@eks-kit/aws-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator } from './support/emulator.js';
import { makeWorkDir, runCli, writeStack } from './support/run-cli.js';
import { seedStack } from './support/targets.js';

describe('CLI with --endpoint-url sends nothing beyond the endpoint', () => {
  let emu: Emulator;
  let stackPath: string;
  const home = makeWorkDir();
  const attempts = (): string[] => {
    const log = join(home, 'network-attempts.log');
    return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  };
  beforeAll(async () => {
    const seed = seedStack();
    emu = await startTestEmulator(seed.world);
    stackPath = writeStack(home, 'eks-kit.yaml', seed.stackText);
    const apply = await runCli(
      ['apply', '--yes', '--no-wait', '-f', stackPath, '--endpoint-url', emu.url],
      home,
    );
    expect(apply.code, apply.stderr).toBe(0);
  });
  afterAll(async () => {
    await emu.stop();
  });

  it('ecr check-push --endpoint-url: the registry check goes to the endpoint, not to <account>.dkr.ecr.<region>.amazonaws.com', async () => {
    const run = await runCli(
      ['ecr', 'check-push', '--json', '-f', stackPath, '--endpoint-url', emu.url],
      home,
    );
    expect(attempts(), 'requests that left for the internet').toEqual([]);
    expect(emu.calls({ service: 'registry' }).length, 'registry calls the emulator saw').toBeGreaterThan(0);
    expect(run.code, run.stdout + run.stderr).toBe(0);
  });
});
