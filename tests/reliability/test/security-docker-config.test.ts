/**
 * Security (b): the docker config is written with mode 0600 (it may hold credentials) and merged:
 * unrelated keys of an existing config (other registries' auths, proxies, HttpHeaders, a credsStore)
 * are kept. Checked for the library (readDockerConfig + mergeDockerConfig + writeDockerConfig) and for
 * the CLI's `render` (deploy/docker/config.json).
 */
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  dockerConfig,
  mergeDockerConfig,
  readDockerConfig,
  registryHostFor,
  writeDockerConfig,
} from '@eks-kit/ecr-credentials';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_ID, REGION, startTestEmulator } from './support/emulator.js';
import { makeWorkDir, runCli, writeStack } from './support/run-cli.js';
import { seedStack } from './support/targets.js';

const mode = (path: string): number => statSync(path).mode & 0o777;
const HOST = registryHostFor(ACCOUNT_ID, REGION);

const EXISTING = {
  auths: { 'ghcr.io': { auth: Buffer.from('octo:ghp_example').toString('base64') } },
  credHelpers: { 'gcr.io': 'gcloud' },
  credsStore: 'desktop',
  proxies: { default: { httpProxy: 'http://proxy.internal:3128', noProxy: '127.0.0.1' } },
  HttpHeaders: { 'User-Agent': 'ci' },
  currentContext: 'default',
};

describe('docker config: mode 0600 and merged', () => {
  it('library: a new config file is created 0600 in a 0700 folder', async () => {
    const dir = join(makeWorkDir(), '.docker');
    const path = join(dir, 'config.json');
    await writeDockerConfig(path, dockerConfig({ credHelpers: [HOST] }));
    expect(mode(path)).toBe(0o600);
    expect(mode(dir)).toBe(0o700);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ credHelpers: { [HOST]: 'ecr-login' } });
  });

  it('library: an existing 0644 config is merged (every unrelated key kept) and left 0600', async () => {
    const dir = join(makeWorkDir(), '.docker');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'config.json');
    writeFileSync(path, JSON.stringify(EXISTING, null, 2));
    chmodSync(path, 0o644);
    const merged = mergeDockerConfig(await readDockerConfig(path), dockerConfig({ credHelpers: [HOST] }));
    await writeDockerConfig(path, merged);
    expect(mode(path)).toBe(0o600);
    const written = JSON.parse(readFileSync(path, 'utf8'));
    expect(written).toEqual({ ...EXISTING, credHelpers: { 'gcr.io': 'gcloud', [HOST]: 'ecr-login' } });
  });

  it('library: merging twice gives the same file (idempotent)', async () => {
    const path = join(makeWorkDir(), 'config.json');
    writeFileSync(path, JSON.stringify(EXISTING));
    for (let i = 0; i < 2; i++)
      await writeDockerConfig(
        path,
        mergeDockerConfig(await readDockerConfig(path), dockerConfig({ credHelpers: [HOST] })),
      );
    const once = readFileSync(path, 'utf8');
    await writeDockerConfig(
      path,
      mergeDockerConfig(await readDockerConfig(path), dockerConfig({ credHelpers: [HOST] })),
    );
    expect(readFileSync(path, 'utf8')).toBe(once);
  });

  it('CLI: render writes deploy/docker/config.json with mode 0600 and the ecr-login helper for the bare host', async () => {
    const seed = seedStack();
    const emu = await startTestEmulator(seed.world);
    try {
      const home = makeWorkDir();
      const stack = writeStack(home, 'eks-kit.yaml', seed.stackText);
      const out = join(home, 'deploy');
      const run = await runCli(['render', '--out', out, '-f', stack, '--endpoint-url', emu.url], home);
      expect(run.code, run.stderr).toBe(0);
      const path = join(out, 'docker', 'config.json');
      expect(mode(path)).toBe(0o600);
      const config = JSON.parse(readFileSync(path, 'utf8'));
      expect(config.credHelpers).toEqual({ [HOST]: 'ecr-login' });
      expect(config.auths).toBeUndefined();
    } finally {
      await emu.stop();
    }
  });
});
