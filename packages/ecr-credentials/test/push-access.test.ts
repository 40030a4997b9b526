import { format, inspect } from 'node:util';
import type { Emulator } from '@eks-kit/aws-emulator';
import type { AwsClients, Finding } from '@eks-kit/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkPushAccess, getDockerAuth } from '../src/index.js';
import {
  ACCOUNT,
  clientsFor,
  NODE_ROLE_SESSION,
  REGION,
  REGISTRY,
  startTestEmulator,
  world,
} from './helpers.js';

let emu: Emulator;
const opened: AwsClients[] = [];
async function as(accessKeyId = 'AKIDEXAMPLE'): Promise<AwsClients> {
  const c = await clientsFor(emu, accessKeyId);
  opened.push(c);
  return c;
}

const seed = world({
  ecr: {
    repositories: [
      { name: 'team/app' },
      { name: 'team/frozen', imageTagMutability: 'IMMUTABLE', imageTags: ['1.0.0'] },
      {
        name: 'team/mixed',
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'dev-*' }],
        imageTags: ['dev-1', '1.0.0'],
      },
      {
        name: 'team/releases',
        imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'release-*' }],
        imageTags: ['latest', 'release-1'],
      },
    ],
  },
});

/** Every password the emulator handed out. */
function issuedPasswords(): string[] {
  const state = emu.state.ecr as { tokens: Map<string, unknown> };
  return [...state.tokens.keys()];
}

/** Everything written to stdout/stderr or the console while a test runs. */
let output = '';
beforeEach(() => {
  output = '';
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[method].bind(console);
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      output += `${format(...args)}\n`;
      original(...args);
    });
  }
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      output += String(chunk);
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write);
  }
  emu.reset();
});
afterEach(() => {
  vi.restoreAllMocks();
});

beforeAll(async () => {
  emu = await startTestEmulator(seed);
});
afterAll(async () => {
  for (const c of opened) c.destroy();
  await emu.stop();
});

function check(
  clients: AwsClients,
  extra: { repository?: string; tags?: string[]; expectedRoleArn?: string } = {},
): Promise<Finding[]> {
  return checkPushAccess(clients, {
    registry: REGISTRY,
    repository: extra.repository ?? 'team/app',
    registryEndpoint: emu.url,
    ...extra,
  });
}

function expectNoSecret(...things: unknown[]): void {
  const passwords = issuedPasswords();
  expect(passwords.length).toBeGreaterThan(0);
  const text = things
    .map((t) => (typeof t === 'string' ? t : `${JSON.stringify(t)} ${inspect(t, { depth: 10 })}`))
    .join('\n');
  for (const p of passwords) {
    expect(text).not.toContain(p);
    expect(text).not.toContain(Buffer.from(`AWS:${p}`).toString('base64'));
  }
}

describe('getDockerAuth (docs/AWS-FACTS.md#ecr-getauthorizationtoken)', () => {
  it('decodes the token: username AWS, the password, 12 h expiry, endpoint of the registry', async () => {
    const auth = await getDockerAuth(await as(), { registry: `https://${REGISTRY}/team/app` });
    expect(auth.username).toBe('AWS');
    expect(issuedPasswords()).toEqual([auth.password]);
    expect(auth.endpoint).toBe(`https://${REGISTRY}`);
    expect(auth.proxyEndpoint).toBe(`https://${REGISTRY}`);
    const hours = (auth.expiresAt.getTime() - emu.now()) / 3600_000;
    expect(hours).toBeGreaterThan(11.9);
    expect(hours).toBeLessThanOrEqual(12);
    expect(auth.authorization).toBe(`Basic ${Buffer.from(`AWS:${auth.password}`).toString('base64')}`);
  });

  it('never prints the password: JSON, inspect, console.log, String, spread', async () => {
    const auth = await getDockerAuth(await as(), { registry: REGISTRY });
    console.log(auth);
    console.log('%s', auth);
    expect(JSON.stringify(auth)).toContain('"password":"[redacted]"');
    expect(output).toContain('[redacted]');
    expectNoSecret(JSON.stringify(auth), inspect(auth), String(auth), JSON.stringify({ ...auth }), output);
  });

  it('refuses ECR Public and a non-ECR host before any call', async () => {
    const clients = await as();
    await expect(getDockerAuth(clients, { registry: 'public.ecr.aws' })).rejects.toThrow(/^registry:/);
    await expect(getDockerAuth(clients, { registry: 'ghcr.io' })).rejects.toThrow(/^registry:/);
    expect(emu.calls()).toEqual([]);
  });
});

describe("checkPushAccess diagnoses each outcome of kaniko's push check", () => {
  it('ok: token, POST blobs/uploads (202), DELETE of the absolute Location sent to the endpoint, not the real registry host', async () => {
    const findings = await check(await as());
    expect(findings).toEqual([
      expect.objectContaining({ check: 'ecr.push-access', status: 'ok', resource: `${REGISTRY}/team/app` }),
    ]);
    expect(emu.calls({ service: 'registry' }).map((c) => [c.operation, c.status])).toEqual([
      ['InitiateLayerUpload', 202],
      ['CancelLayerUpload', 204],
    ]);
    expectNoSecret(findings, output);
  });

  it("no usable credentials: GetAuthorizationToken denied; explains kaniko's silent anonymous fallback (401)", async () => {
    const [f] = await check(await as('AKIDNOTOKEN'));
    expect(f).toMatchObject({
      status: 'fail',
      data: { outcome: 'no-credentials', deniedAction: 'ecr:GetAuthorizationToken' },
    });
    expect(f?.message).toContain(`arn:aws:iam::${ACCOUNT}:user/no-ecr`);
    expect(f?.message).toMatch(/silently falls back to anonymous.*401 Not Authorized/);
    expect(emu.calls({ service: 'registry' })).toEqual([]);
  });

  it('401: the registry refuses the token (expired); the hint names the bare-host key and stale auths', async () => {
    emu.behaviour.ecrTokenTtlSeconds = 0; // a token that is already expired when it reaches the registry
    const [f] = await check(await as());
    emu.behaviour.ecrTokenTtlSeconds = 12 * 3600;
    expect(f).toMatchObject({ status: 'fail', data: { outcome: 'unauthorized', httpStatus: 401 } });
    expect(f?.message).toContain('401 Not Authorized');
    expect(f?.message).toContain('silently falls back to anonymous');
    expect(f?.hint).toContain(`"${REGISTRY}" (no https://)`);
    expect(f?.hint).toContain('stale auths');
    expectNoSecret(f, output);
  });

  it('403: names the denied action, every push action, and the node role that answered instead of IRSA', async () => {
    const [f] = await check(await as('AKIDNODE'), {
      expectedRoleArn: `arn:aws:iam::${ACCOUNT}:role/gitlab-runner-ecr-push`,
    });
    expect(f).toMatchObject({
      status: 'fail',
      data: {
        outcome: 'denied',
        httpStatus: 403,
        identity: NODE_ROLE_SESSION,
        deniedAction: 'ecr:InitiateLayerUpload',
      },
    });
    expect(f?.message).toContain(`arn:aws:ecr:${REGION}:${ACCOUNT}:repository/team/app`);
    for (const action of [
      'ecr:InitiateLayerUpload',
      'ecr:UploadLayerPart',
      'ecr:CompleteLayerUpload',
      'ecr:PutImage',
    ])
      expect(f?.message).toContain(action);
    expect(f?.hint).toContain('(the node instance role)');
    expect(f?.hint).toContain('IRSA is not in effect');
    expect(f?.hint).toContain('eks.amazonaws.com/role-arn');
    expectNoSecret(f, output);
  });

  it('missing repository: 404 NAME_UNKNOWN (kaniko prints EOF)', async () => {
    const [f] = await check(await as(), { repository: 'team/missing' });
    expect(f).toMatchObject({ status: 'fail', data: { outcome: 'missing-repository', httpStatus: 404 } });
    expect(f?.message).toContain('NAME_UNKNOWN');
    // The fix names the stack key and the CLI command, not a library call (issue 9).
    expect(f?.hint).toContain('repositories[].name');
    expect(f?.hint).toContain('eks-kit ecr repo');
    expect(f?.hint).not.toContain('ensureRepository(clients');
    expect(f?.message).toContain('EOF');
    expect(f?.hint).toContain('aws ecr create-repository --repository-name team/missing');
  });

  it('immutable tag: an existing tag in an IMMUTABLE repository would fail with TAG_INVALID', async () => {
    const findings = await check(await as(), { repository: 'team/frozen', tags: ['1.0.0', '1.0.1'] });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      status: 'fail',
      data: { outcome: 'immutable-tag', tag: '1.0.0', tagMutability: 'IMMUTABLE' },
    });
    expect(findings[0]?.message).toContain('TAG_INVALID');
    const fresh = await check(await as(), { repository: 'team/frozen', tags: ['2.0.0'] });
    expect(fresh.map((f) => f.status)).toEqual(['ok']);
    expectNoSecret(findings, fresh, output);
  });

  it('IMMUTABLE_WITH_EXCLUSION: an existing tag matching an exclusion filter stays mutable, others are refused', async () => {
    const findings = await check(await as(), { repository: 'team/mixed', tags: ['dev-1', '1.0.0'] });
    expect(findings.map((f) => [f.status, f.data?.tag])).toEqual([['fail', '1.0.0']]);
    expect(findings[0]?.message).toContain('except dev-*');
  });

  it('MUTABLE_WITH_EXCLUSION: only an existing tag matching an exclusion filter is immutable', async () => {
    const findings = await check(await as(), { repository: 'team/releases', tags: ['latest', 'release-1'] });
    expect(findings.map((f) => [f.status, f.data?.tag])).toEqual([['fail', 'release-1']]);
  });

  it('a build role without ecr:DescribeRepositories still gets its push verdict, with a warning that tags were not checked', async () => {
    const findings = await check(await as('AKIDNODESCRIBE'), { repository: 'team/frozen', tags: ['1.0.0'] });
    expect(findings.map((f) => f.status)).toEqual(['ok', 'warn']);
    expect(findings[1]).toMatchObject({ data: { deniedAction: 'ecr:DescribeRepositories' } });
    expect(findings[1]?.message).toContain('not checked');
  });

  it('a registry that closes the connection (kaniko: EOF) is diagnosed as a missing repository', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((req) => req.socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const findings = await checkPushAccess(await as(), {
        registry: REGISTRY,
        repository: 'team/app',
        registryEndpoint: `http://127.0.0.1:${port}`,
      });
      expect(findings[0]).toMatchObject({ status: 'fail', data: { outcome: 'missing-repository' } });
      expect(findings[0]?.message).toContain('EOF');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('against a registry endpoint (proxy): the absolute Location on the ECR host is rebased onto it, and the tag HEAD accepts OCI and docker manifests', async () => {
    const { createServer } = await import('node:http');
    const seen: Array<{ method: string; url: string; accept?: string }> = [];
    const server = createServer((req, res) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', accept: req.headers.accept });
      if (req.method === 'POST') {
        res.writeHead(202, { location: `https://${REGISTRY}/v2/team/frozen/blobs/uploads/u-1` }).end();
      } else if (req.method === 'DELETE') {
        res.writeHead(204).end();
      } else {
        res
          .writeHead(req.headers.accept?.includes('application/vnd.oci.image.index.v1+json') ? 200 : 404)
          .end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const findings = await checkPushAccess(await as(), {
        registry: REGISTRY,
        repository: 'team/frozen',
        registryEndpoint: `http://127.0.0.1:${port}`,
        tags: ['1.0.0'],
      });
      expect(seen.map((r) => [r.method, r.url])).toEqual([
        ['POST', '/v2/team/frozen/blobs/uploads/'],
        ['DELETE', '/v2/team/frozen/blobs/uploads/u-1'],
        ['HEAD', '/v2/team/frozen/manifests/1.0.0'],
      ]);
      expect(findings.map((f) => f.data?.outcome)).toEqual(['immutable-tag']);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('unreachable registry endpoint is a finding, not a crash', async () => {
    const findings = await checkPushAccess(await as(), {
      registry: REGISTRY,
      repository: 'team/app',
      registryEndpoint: 'http://127.0.0.1:1',
    });
    expect(findings[0]).toMatchObject({ status: 'fail', data: { outcome: 'unreachable' } });
  });

  it('refuses bad input naming the field, before any AWS call', async () => {
    const clients = await as();
    await expect(checkPushAccess(clients, { registry: 'ghcr.io', repository: 'a/b' })).rejects.toThrow(
      /^registry:/,
    );
    await expect(checkPushAccess(clients, { registry: REGISTRY, repository: 'A' })).rejects.toThrow(
      /^repository:/,
    );
    await expect(
      checkPushAccess(clients, { registry: REGISTRY, repository: 'ab', registryEndpoint: 'ftp://x' }),
    ).rejects.toThrow(/^registryEndpoint:/);
    expect(emu.calls()).toEqual([]);
  });

  it('an error from AWS never carries the token', async () => {
    const clients = await as();
    await getDockerAuth(clients, { registry: REGISTRY });
    emu.setFaults([{ service: 'ecr', operation: 'GetAuthorizationToken', kind: 'error5xx' }]);
    const [f] = await check(clients);
    emu.setFaults([]);
    expect(f).toMatchObject({ status: 'fail', data: { outcome: 'no-credentials' } });
    expectNoSecret(f, output);
  });
});
