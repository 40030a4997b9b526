import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dockerConfig, mergeDockerConfig, readDockerConfig, writeDockerConfig } from '../src/index.js';

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eks-kit-docker-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeDockerConfig', () => {
  it('creates the directory and writes mode 0600', async () => {
    const path = join(dir, 'kaniko', '.docker', 'config.json');
    await writeDockerConfig(path, dockerConfig({ credHelpers: [HOST] }));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ credHelpers: { [HOST]: 'ecr-login' } });
  });

  it('replaces an existing 0644 file atomically: new inode, mode 0600, no temp file left', async () => {
    const path = join(dir, 'config.json');
    await writeFile(path, JSON.stringify({ auths: { 'ghcr.io': { auth: 'eA==' } } }), { mode: 0o644 });
    const before = await stat(path);
    const merged = mergeDockerConfig(await readDockerConfig(path), dockerConfig({ credHelpers: [HOST] }));
    await writeDockerConfig(path, merged);
    const after = await stat(path);
    expect(after.ino).not.toBe(before.ino); // renamed into place, not rewritten in place
    expect(after.mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['config.json']);
    expect(await readDockerConfig(path)).toEqual({
      auths: { 'ghcr.io': { auth: 'eA==' } },
      credHelpers: { [HOST]: 'ecr-login' },
    });
  });

  it('leaves the old file whole and no temp file when the write fails', async () => {
    const path = join(dir, 'config.json');
    await writeFile(path, '{"credsStore":"desktop"}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(writeDockerConfig(path, cyclic)).rejects.toThrow();
    expect(await readFile(path, 'utf8')).toBe('{"credsStore":"desktop"}');
    expect(await readdir(dir)).toEqual(['config.json']);
  });

  it('returns shadowing warnings without credentials', async () => {
    const path = join(dir, 'config.json');
    const { warnings } = await writeDockerConfig(path, {
      credHelpers: { [HOST]: 'ecr-login' },
      auths: { [HOST]: { auth: 'QVdTOnRva2Vu' } },
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.code).toBe('stale-auths');
    expect(JSON.stringify(warnings)).not.toContain('QVdTOnRva2Vu');
  });
});

describe('readDockerConfig', () => {
  it('reads a missing file as {} and refuses non-JSON without echoing it', async () => {
    expect(await readDockerConfig(join(dir, 'nope.json'))).toEqual({});
    const path = join(dir, 'bad.json');
    await writeFile(path, 'auth=c2VjcmV0');
    await expect(readDockerConfig(path)).rejects.toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('c2VjcmV0') }),
    );
  });
});
