import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator, World } from '../src/index.js';
import { clientConfig, startTestEmulator } from './helpers.js';

const ACCOUNT = '123456789012';
const REGION = 'ap-northeast-1';
const NODE_ROLE = `arn:aws:sts::${ACCOUNT}:assumed-role/eks-node-role/i-0abc`;
const world: World = {
  accountId: ACCOUNT,
  region: REGION,
  identities: {
    AKIDRUNNER: { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/gitlab-runner/build` },
    AKIDNODE: { arn: NODE_ROLE, deny: ['ecr:InitiateLayerUpload', 'ecr:PutImage'] },
  },
  ecr: {
    repositories: [
      { name: 'team/app' },
      { name: 'team/frozen', imageTagMutability: 'IMMUTABLE', imageTags: ['1.0.0'] },
      {
        name: 'team/mostly-frozen',
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'latest' }],
        imageTags: ['1.0.0', 'latest'],
      },
    ],
  },
};

let emu: Emulator;
beforeAll(async () => {
  emu = await startTestEmulator({ seed: world });
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(() => emu.reset());

async function basicAuth(accessKeyId: string): Promise<string> {
  const ecr = new ECRClient(clientConfig(emu, { region: REGION, accessKeyId }));
  const { authorizationData } = await ecr.send(new GetAuthorizationTokenCommand({}));
  ecr.destroy();
  return `Basic ${authorizationData?.[0]?.authorizationToken}`;
}

function registry(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${emu.url}${path}`, init);
}

describe('registry /v2 push check (docs/AWS-FACTS.md#kaniko-push-check)', () => {
  it('POST blobs/uploads answers 202 with an absolute Location on the registry host (regclient#81) and no Docker-Upload-UUID (distribution#2927); DELETE of the Location answers 204', async () => {
    const auth = await basicAuth('AKIDRUNNER');
    const post = await registry('/v2/team/app/blobs/uploads/', {
      method: 'POST',
      headers: { authorization: auth },
    });
    expect(post.status).toBe(202);
    const absolute = post.headers.get('location') ?? '';
    expect(absolute).toMatch(
      new RegExp(
        `^https://${ACCOUNT}\\.dkr\\.ecr\\.${REGION}\\.amazonaws\\.com/v2/team/app/blobs/uploads/[0-9a-f-]+$`,
      ),
    );
    expect(post.headers.get('docker-upload-uuid')).toBeNull();
    const location = new URL(absolute).pathname; // the emulator serves the registry host's paths
    expect(post.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    const del = await registry(location, { method: 'DELETE', headers: { authorization: auth } });
    expect(del.status).toBe(204);
    const again = await registry(location, { method: 'DELETE', headers: { authorization: auth } });
    expect(again.status).toBe(404);
    const calls = emu.calls({ service: 'registry' });
    expect(calls.map((c) => [c.operation, c.status])).toEqual([
      ['InitiateLayerUpload', 202],
      ['CancelLayerUpload', 204],
      ['CancelLayerUpload', 404],
    ]);
    expect(JSON.stringify(calls)).not.toContain(auth.slice(6));
  });

  it('401 Not Authorized with WWW-Authenticate Basic for no, wrong-user, unknown or expired credentials', async () => {
    const good = await basicAuth('AKIDRUNNER');
    const password = Buffer.from(good.slice(6), 'base64').toString('utf8').slice(4);
    const cases = [
      undefined,
      `Basic ${Buffer.from(`root:${password}`).toString('base64')}`,
      `Basic ${Buffer.from('AWS:not-a-token').toString('base64')}`,
      'Bearer abc',
    ];
    for (const authorization of cases) {
      const res = await registry('/v2/team/app/blobs/uploads/', {
        method: 'POST',
        headers: authorization ? { authorization } : {},
      });
      expect(res.status).toBe(401);
      expect(await res.text()).toBe('Not Authorized\n');
      expect(res.headers.get('www-authenticate')).toMatch(
        /^Basic realm="https:\/\/123456789012\.dkr\.ecr\.ap-northeast-1\.amazonaws\.com\/"/,
      );
    }
    emu.advanceClock(12 * 3600 + 1); // tokens are valid 12 hours
    const expired = await registry('/v2/team/app/blobs/uploads/', {
      method: 'POST',
      headers: { authorization: good },
    });
    expect(expired.status).toBe(401);
  });

  it('403 DENIED naming the identity that requested the token and ecr:InitiateLayerUpload', async () => {
    const auth = await basicAuth('AKIDNODE');
    const res = await registry('/v2/team/app/blobs/uploads/', {
      method: 'POST',
      headers: { authorization: auth },
    });
    expect(res.status).toBe(403);
    const body = (await res.json()) as { errors: Array<{ code: string; message: string }> };
    expect(body.errors[0]?.code).toBe('DENIED');
    expect(body.errors[0]?.message).toContain(
      `User: ${NODE_ROLE} is not authorized to perform: ecr:InitiateLayerUpload on resource: arn:aws:ecr:${REGION}:${ACCOUNT}:repository/team/app`,
    );
  });

  it('404 NAME_UNKNOWN for a missing repository', async () => {
    const auth = await basicAuth('AKIDRUNNER');
    const res = await registry('/v2/team/missing/blobs/uploads/', {
      method: 'POST',
      headers: { authorization: auth },
    });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { errors: Array<{ code: string; message: string }> };
    expect(body.errors[0]).toMatchObject({
      code: 'NAME_UNKNOWN',
      message: `The repository with name 'team/missing' does not exist in the registry with id '${ACCOUNT}'`,
    });
  });

  it('GET /v2/ answers 401 without credentials and 200 with them', async () => {
    expect((await registry('/v2/')).status).toBe(401);
    expect(
      (await registry('/v2/', { headers: { authorization: await basicAuth('AKIDRUNNER') } })).status,
    ).toBe(200);
  });
});

describe('registry manifests and tag immutability', () => {
  const manifest = (n: number) =>
    JSON.stringify({ schemaVersion: 2, config: { digest: `sha256:${String(n).padStart(64, '0')}` } });

  it('PUT of an existing tag in an IMMUTABLE repository answers 400 TAG_INVALID ... immutable', async () => {
    const auth = await basicAuth('AKIDRUNNER');
    const res = await registry('/v2/team/frozen/manifests/1.0.0', {
      method: 'PUT',
      headers: { authorization: auth },
      body: manifest(1),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: Array<{ code: string; message: string }> };
    expect(body.errors[0]?.code).toBe('TAG_INVALID');
    expect(body.errors[0]?.message).toMatch(
      /already exists in the 'team\/frozen' repository and cannot be overwritten because the repository is immutable/,
    );
    const fresh = await registry('/v2/team/frozen/manifests/1.0.1', {
      method: 'PUT',
      headers: { authorization: auth },
      body: manifest(2),
    });
    expect(fresh.status).toBe(201);
    expect(fresh.headers.get('docker-content-digest')).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('a MUTABLE repository moves a tag; an exclusion filter keeps `latest` mutable', async () => {
    const auth = await basicAuth('AKIDRUNNER');
    for (const n of [1, 2]) {
      const res = await registry('/v2/team/app/manifests/latest', {
        method: 'PUT',
        headers: { authorization: auth },
        body: manifest(n),
      });
      expect(res.status).toBe(201);
    }
    const latest = await registry('/v2/team/mostly-frozen/manifests/latest', {
      method: 'PUT',
      headers: { authorization: auth },
      body: manifest(3),
    });
    expect(latest.status).toBe(201);
    const pinned = await registry('/v2/team/mostly-frozen/manifests/1.0.0', {
      method: 'PUT',
      headers: { authorization: auth },
      body: manifest(3),
    });
    expect(pinned.status).toBe(400);
  });

  it('HEAD of a manifest: 200 for an existing tag, 404 MANIFEST_UNKNOWN otherwise', async () => {
    const auth = await basicAuth('AKIDRUNNER');
    expect(
      (
        await registry('/v2/team/frozen/manifests/1.0.0', {
          method: 'HEAD',
          headers: { authorization: auth },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await registry('/v2/team/frozen/manifests/9.9.9', {
          method: 'HEAD',
          headers: { authorization: auth },
        })
      ).status,
    ).toBe(404);
  });
});
