import { InvalidInputError } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { dockerConfig, dockerConfigWarnings, mergeDockerConfig } from '../src/index.js';

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

describe('dockerConfig', () => {
  it('writes bare-host credHelpers keys (https:// never matches: docs/AWS-FACTS.md#docker-credential-lookup)', () => {
    expect(dockerConfig({ credHelpers: [`https://${HOST}/team/app`] })).toEqual({
      credHelpers: { [HOST]: 'ecr-login' },
    });
  });

  it('builds auths from username and password, sorted and deterministic', () => {
    const a = dockerConfig({
      auths: { 'ghcr.io': { username: 'bot', password: 'pw' }, 'docker.io': { auth: 'eA==' } },
    });
    expect(Object.keys(a.auths ?? {})).toEqual(['docker.io', 'ghcr.io']);
    expect(a.auths?.['ghcr.io']?.auth).toBe(Buffer.from('bot:pw').toString('base64'));
    expect(JSON.stringify(a)).toBe(
      JSON.stringify(
        dockerConfig({
          auths: { 'docker.io': { auth: 'eA==' }, 'ghcr.io': { username: 'bot', password: 'pw' } },
        }),
      ),
    );
  });

  it('refuses a non-ECR host for ecr-login and never echoes a password', () => {
    expect(() => dockerConfig({ credHelpers: ['ghcr.io'] })).toThrow(/credHelpers\[0\]/);
    expect(() =>
      dockerConfig({ auths: { 'ghcr.io': { username: 'a:b', password: 's3cret-value' } } }),
    ).toThrow(expect.objectContaining({ message: expect.not.stringContaining('s3cret-value') }));
  });
});

describe('mergeDockerConfig keeps every unrelated key', () => {
  const existing = {
    auths: { 'ghcr.io': { auth: 'Z2g6cHc=' } },
    credHelpers: { 'gcr.io': 'gcloud' },
    credsStore: 'desktop',
    proxies: { default: { httpProxy: 'http://proxy:3128', noProxy: '*.internal' } },
    HttpHeaders: { 'User-Agent': 'ci' },
    currentContext: 'default',
    plugins: { buildx: { something: 'x' } },
  };

  it('adds the helper and loses nothing', () => {
    const merged = mergeDockerConfig(existing, dockerConfig({ credHelpers: [HOST] }));
    expect(merged).toEqual({ ...existing, credHelpers: { 'gcr.io': 'gcloud', [HOST]: 'ecr-login' } });
  });

  it('does not modify its arguments', () => {
    const snapshot = structuredClone(existing);
    const patch = dockerConfig({ credHelpers: [HOST] });
    const merged = mergeDockerConfig(existing, patch);
    (merged.proxies as { default: { httpProxy: string } }).default.httpProxy = 'changed';
    expect(existing).toEqual(snapshot);
    expect(patch).toEqual({ credHelpers: { [HOST]: 'ecr-login' } });
  });

  it('treats a missing or non-object existing config as empty', () => {
    expect(mergeDockerConfig(undefined, { credsStore: 'ecr-login' })).toEqual({ credsStore: 'ecr-login' });
    expect(mergeDockerConfig([1, 2], { credsStore: 'ecr-login' })).toEqual({ credsStore: 'ecr-login' });
  });
});

describe('dockerConfigWarnings', () => {
  it('warns about a stale auths entry for a helper host, including its https:// form', () => {
    const warnings = dockerConfigWarnings({
      credHelpers: { [HOST]: 'ecr-login' },
      auths: { [HOST]: { auth: 'QVdTOnNlY3JldA==' }, [`https://${HOST}`]: { auth: 'QVdTOnNlY3JldA==' } },
    });
    expect(warnings.map((w) => w.code)).toEqual(['stale-auths', 'stale-auths']);
    expect(JSON.stringify(warnings)).not.toContain('QVdTOnNlY3JldA==');
  });

  it('warns about an https:// credHelpers key', () => {
    const [w] = dockerConfigWarnings({ credHelpers: { [`https://${HOST}`]: 'ecr-login' } });
    expect(w).toMatchObject({ code: 'scheme-key', key: `credHelpers.https://${HOST}` });
    expect(w?.message).toContain(`use "${HOST}"`);
  });

  it('is quiet for a clean config', () => {
    expect(
      dockerConfigWarnings(dockerConfig({ credHelpers: [HOST], auths: { 'ghcr.io': { auth: 'eA==' } } })),
    ).toEqual([]);
  });
});

describe('own keys only: __proto__ is refused, never merged into the prototype', () => {
  const HOST2 = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
  const cases: [string, () => unknown, string][] = [
    [
      'existing top level',
      () => mergeDockerConfig(JSON.parse('{"__proto__":{"credsStore":"evil"}}'), {}),
      'existing.__proto__',
    ],
    [
      'existing auths',
      () => mergeDockerConfig(JSON.parse('{"auths":{"__proto__":{"auth":"x"}}}'), {}),
      'existing.auths.__proto__',
    ],
    [
      'existing deep',
      () => mergeDockerConfig(JSON.parse('{"proxies":{"default":{"__proto__":{}}}}'), {}),
      'existing.proxies.default.__proto__',
    ],
    [
      'existing in a list',
      () => mergeDockerConfig(JSON.parse('{"plugins":[{"__proto__":{}}]}'), {}),
      'existing.plugins[0].__proto__',
    ],
    [
      'patch top level',
      () => mergeDockerConfig({}, JSON.parse('{"__proto__":{"credsStore":"evil"}}')),
      'patch.__proto__',
    ],
    [
      'patch credHelpers',
      () => mergeDockerConfig({}, JSON.parse('{"credHelpers":{"__proto__":"evil"}}')),
      'patch.credHelpers.__proto__',
    ],
    [
      'dockerConfig auths',
      () => dockerConfig({ auths: JSON.parse('{"__proto__":{"auth":"x"}}') }),
      'auths.__proto__',
    ],
    [
      'dockerConfig credHelpers',
      () => dockerConfig({ credHelpers: JSON.parse('{"__proto__":"ecr-login"}') }),
      'credHelpers.__proto__',
    ],
  ];
  it.each(cases)('%s', (_, run, field) => {
    let caught: unknown;
    try {
      run();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidInputError);
    expect((caught as InvalidInputError).field).toBe(field);
  });

  it('the merged object always has Object.prototype and only own keys', () => {
    const merged = mergeDockerConfig(
      { auths: { 'ghcr.io': { auth: 'x' } }, credsStore: 'desktop' },
      dockerConfig({ credHelpers: [HOST2] }),
    );
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.keys(merged).sort()).toEqual(['auths', 'credHelpers', 'credsStore']);
    expect(({} as Record<string, unknown>).credsStore).toBeUndefined();
  });

  it('inherited keys of the inputs are never read', () => {
    const existing = Object.create({ credsStore: 'inherited' }) as Record<string, unknown>;
    existing.auths = {};
    expect(mergeDockerConfig(existing, {})).toEqual({ auths: {} });
  });
});
