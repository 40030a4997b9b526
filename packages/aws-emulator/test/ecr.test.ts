import {
  CreateRepositoryCommand,
  DeleteLifecyclePolicyCommand,
  DeleteRepositoryCommand,
  DeleteRepositoryPolicyCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  GetLifecyclePolicyCommand,
  GetRepositoryPolicyCommand,
  ListTagsForResourceCommand,
  PutImageScanningConfigurationCommand,
  PutImageTagMutabilityCommand,
  PutLifecyclePolicyCommand,
  paginateDescribeRepositories,
  SetRepositoryPolicyCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.js';
import { clientConfig, failure, startTestEmulator } from './helpers.js';

const ACCOUNT = '123456789012';
const REGION = 'ap-northeast-1';
let emu: Emulator;
let ecr: ECRClient;

const lifecycle = (rules: unknown[]) => JSON.stringify({ rules });
const untagged14 = {
  rulePriority: 1,
  description: 'expire untagged images after 14 days',
  selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 },
  action: { type: 'expire' },
};
const any100 = (rulePriority: number) => ({
  rulePriority,
  selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 100 },
  action: { type: 'expire' },
});

beforeAll(async () => {
  emu = await startTestEmulator({
    seed: { accountId: ACCOUNT, region: REGION, ecr: { repositories: [{ name: 'seeded/app' }] } },
  });
  ecr = new ECRClient(clientConfig(emu, { region: REGION }));
});
afterAll(async () => {
  ecr.destroy();
  await emu.stop();
});
beforeEach(() => emu.reset());

describe('ECR CreateRepository / DescribeRepositories / DeleteRepository', () => {
  it('creates a repository with its settings and describes it', async () => {
    const { repository } = await ecr.send(
      new CreateRepositoryCommand({
        repositoryName: 'team/app',
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfiguration: { encryptionType: 'KMS' },
        tags: [{ Key: 'eks-kit:stack', Value: 'prod' }],
      }),
    );
    expect(repository).toMatchObject({
      repositoryArn: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/team/app`,
      registryId: ACCOUNT,
      repositoryUri: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/team/app`,
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: { encryptionType: 'KMS' },
    });
    expect(repository?.createdAt).toBeInstanceOf(Date);
    const described = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['team/app'] }));
    expect(described.repositories?.[0]?.repositoryName).toBe('team/app');
    const tags = await ecr.send(new ListTagsForResourceCommand({ resourceArn: repository?.repositoryArn }));
    expect(tags.tags).toEqual([{ Key: 'eks-kit:stack', Value: 'prod' }]);
    expect(emu.calls({ service: 'ecr', mutating: true }).map((c) => c.operation)).toEqual([
      'CreateRepository',
    ]);
  });

  it('defaults to MUTABLE, scanOnPush false, AES256', async () => {
    const { repository } = await ecr.send(new CreateRepositoryCommand({ repositoryName: 'plain' }));
    expect(repository).toMatchObject({
      imageTagMutability: 'MUTABLE',
      imageScanningConfiguration: { scanOnPush: false },
      encryptionConfiguration: { encryptionType: 'AES256' },
    });
  });

  it('refuses a second create with RepositoryAlreadyExistsException', async () => {
    const err = await failure(ecr.send(new CreateRepositoryCommand({ repositoryName: 'seeded/app' })));
    expect(err.name).toBe('RepositoryAlreadyExistsException');
  });

  it('refuses names outside the grammar and 2-256 characters (docs/AWS-FACTS.md#ecr-repositories)', async () => {
    for (const name of ['Upper', 'a', 'bad//name', '-lead', 'x'.repeat(257)]) {
      const err = await failure(ecr.send(new CreateRepositoryCommand({ repositoryName: name })));
      expect(err.name).toBe('InvalidParameterException');
    }
  });

  it('refuses an unknown mutability, an unknown encryption, and a KMS key with AES256', async () => {
    const a = await failure(
      ecr.send(
        new CreateRepositoryCommand({ repositoryName: 'x1', imageTagMutability: 'SOMETIMES' as never }),
      ),
    );
    const b = await failure(
      ecr.send(
        new CreateRepositoryCommand({
          repositoryName: 'x2',
          encryptionConfiguration: { encryptionType: 'ROT13' as never },
        }),
      ),
    );
    const c = await failure(
      ecr.send(
        new CreateRepositoryCommand({
          repositoryName: 'x3',
          encryptionConfiguration: { encryptionType: 'AES256', kmsKey: 'k' },
        }),
      ),
    );
    expect([a.name, b.name, c.name]).toEqual([
      'InvalidParameterException',
      'InvalidParameterException',
      'InvalidParameterException',
    ]);
  });

  it('accepts the *_WITH_EXCLUSION mutabilities with filters only', async () => {
    const { repository } = await ecr.send(
      new CreateRepositoryCommand({
        repositoryName: 'excl',
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'latest*' }],
      }),
    );
    expect(repository?.imageTagMutability).toBe('IMMUTABLE_WITH_EXCLUSION');
    const err = await failure(
      ecr.send(
        new CreateRepositoryCommand({
          repositoryName: 'excl2',
          imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
        }),
      ),
    );
    expect(err.name).toBe('InvalidParameterException');
  });

  it('allows 50 tags and refuses 51 with TooManyTagsException', async () => {
    const tags = (n: number) => Array.from({ length: n }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'fifty', tags: tags(50) }));
    const err = await failure(
      ecr.send(new CreateRepositoryCommand({ repositoryName: 'fifty-one', tags: tags(51) })),
    );
    expect(err.name).toBe('TooManyTagsException');
  });

  it('answers RepositoryNotFoundException for a missing name', async () => {
    const err = await failure(ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['nope'] })));
    expect(err.name).toBe('RepositoryNotFoundException');
    expect(err.message).toBe(
      `The repository with name 'nope' does not exist in the registry with id '${ACCOUNT}'`,
    );
  });

  it('fails a read of several names as a whole when one is missing, naming it (docs/AWS-FACTS.md#ecr-describing-repositories)', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'several/one' }));
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'several/two' }));
    const both = await ecr.send(
      new DescribeRepositoriesCommand({ repositoryNames: ['several/one', 'several/two'] }),
    );
    expect(both.repositories?.map((r) => r.repositoryName)).toEqual(['several/one', 'several/two']);
    const err = await failure(
      ecr.send(
        new DescribeRepositoriesCommand({ repositoryNames: ['several/one', 'several/gone', 'several/two'] }),
      ),
    );
    expect(err.name).toBe('RepositoryNotFoundException');
    expect(err.message).toBe(
      `The repository with name 'several/gone' does not exist in the registry with id '${ACCOUNT}'`,
    );
  });

  it('pages DescribeRepositories with nextToken (the SDK paginator walks every page)', async () => {
    for (let i = 0; i < 5; i++) await ecr.send(new CreateRepositoryCommand({ repositoryName: `page/r${i}` }));
    const names: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeRepositories({ client: ecr, pageSize: 2 }, {})) {
      pages++;
      for (const r of page.repositories ?? []) names.push(r.repositoryName ?? '');
    }
    expect(pages).toBe(3);
    expect(names).toEqual(['page/r0', 'page/r1', 'page/r2', 'page/r3', 'page/r4', 'seeded/app']);
  });

  it('deletes a repository; then it is not found', async () => {
    await ecr.send(new DeleteRepositoryCommand({ repositoryName: 'seeded/app' }));
    const err = await failure(ecr.send(new DeleteRepositoryCommand({ repositoryName: 'seeded/app' })));
    expect(err.name).toBe('RepositoryNotFoundException');
  });

  it('keeps repositories per region', async () => {
    const other = new ECRClient(clientConfig(emu, { region: 'eu-west-1' }));
    const err = await failure(
      other.send(new DescribeRepositoriesCommand({ repositoryNames: ['seeded/app'] })),
    );
    expect(err.name).toBe('RepositoryNotFoundException');
    other.destroy();
  });
});

describe('ECR lifecycle policies', () => {
  it('puts, gets and deletes a lifecycle policy; then LifecyclePolicyNotFoundException', async () => {
    const text = lifecycle([untagged14]);
    await ecr.send(
      new PutLifecyclePolicyCommand({ repositoryName: 'seeded/app', lifecyclePolicyText: text }),
    );
    const got = await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'seeded/app' }));
    expect(got.lifecyclePolicyText).toBe(text);
    await ecr.send(new DeleteLifecyclePolicyCommand({ repositoryName: 'seeded/app' }));
    const err = await failure(ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'seeded/app' })));
    expect(err.name).toBe('LifecyclePolicyNotFoundException');
  });

  it('refuses a tagStatus any rule that is not the highest priority (ECR User Guide)', async () => {
    const err = await failure(
      ecr.send(
        new PutLifecyclePolicyCommand({
          repositoryName: 'seeded/app',
          lifecyclePolicyText: lifecycle([any100(1), { ...untagged14, rulePriority: 2 }]),
        }),
      ),
    );
    expect(err.name).toBe('InvalidParameterException');
    expect(err.message).toMatch(/tagStatus any must have the highest rulePriority/);
    await ecr.send(
      new PutLifecyclePolicyCommand({
        repositoryName: 'seeded/app',
        lifecyclePolicyText: lifecycle([untagged14, any100(2)]),
      }),
    );
  });

  it('refuses duplicate priorities and a tagged rule without a tag list', async () => {
    const dup = await failure(
      ecr.send(
        new PutLifecyclePolicyCommand({
          repositoryName: 'seeded/app',
          lifecyclePolicyText: lifecycle([untagged14, untagged14]),
        }),
      ),
    );
    const tagged = await failure(
      ecr.send(
        new PutLifecyclePolicyCommand({
          repositoryName: 'seeded/app',
          lifecyclePolicyText: lifecycle([
            {
              ...untagged14,
              selection: { tagStatus: 'tagged', countType: 'imageCountMoreThan', countNumber: 5 },
            },
          ]),
        }),
      ),
    );
    expect([dup.name, tagged.name]).toEqual(['InvalidParameterException', 'InvalidParameterException']);
  });
});

describe('ECR scanning, mutability, repository policy and tags', () => {
  it('changes scan on push and tag mutability', async () => {
    await ecr.send(
      new PutImageScanningConfigurationCommand({
        repositoryName: 'seeded/app',
        imageScanningConfiguration: { scanOnPush: true },
      }),
    );
    await ecr.send(
      new PutImageTagMutabilityCommand({ repositoryName: 'seeded/app', imageTagMutability: 'IMMUTABLE' }),
    );
    const { repositories } = await ecr.send(
      new DescribeRepositoriesCommand({ repositoryNames: ['seeded/app'] }),
    );
    expect(repositories?.[0]).toMatchObject({
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
    });
  });

  it('sets, gets and deletes a repository policy; refuses one without a principal', async () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Pull',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
          Action: ['ecr:BatchGetImage'],
        },
      ],
    });
    await ecr.send(new SetRepositoryPolicyCommand({ repositoryName: 'seeded/app', policyText: policy }));
    expect(
      (await ecr.send(new GetRepositoryPolicyCommand({ repositoryName: 'seeded/app' }))).policyText,
    ).toBe(policy);
    await ecr.send(new DeleteRepositoryPolicyCommand({ repositoryName: 'seeded/app' }));
    const missing = await failure(ecr.send(new GetRepositoryPolicyCommand({ repositoryName: 'seeded/app' })));
    expect(missing.name).toBe('RepositoryPolicyNotFoundException');
    const bad = await failure(
      ecr.send(
        new SetRepositoryPolicyCommand({
          repositoryName: 'seeded/app',
          policyText: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 'ecr:*' }],
          }),
        }),
      ),
    );
    expect(bad.name).toBe('InvalidParameterException');
  });

  it('tags and untags by ARN', async () => {
    const arn = `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/seeded/app`;
    await ecr.send(
      new TagResourceCommand({
        resourceArn: arn,
        tags: [
          { Key: 'b', Value: '2' },
          { Key: 'a', Value: '1' },
        ],
      }),
    );
    await ecr.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['b'] }));
    expect((await ecr.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual([
      { Key: 'a', Value: '1' },
    ]);
    const err = await failure(ecr.send(new ListTagsForResourceCommand({ resourceArn: `${arn}-missing` })));
    expect(err.name).toBe('RepositoryNotFoundException');
  });
});

describe('ECR GetAuthorizationToken (docs/AWS-FACTS.md#ecr-getauthorizationtoken)', () => {
  it('returns base64 of AWS:<password>, expiring 12 emulated hours later, with the proxy endpoint', async () => {
    const before = emu.now();
    const { authorizationData } = await ecr.send(new GetAuthorizationTokenCommand({}));
    const data = authorizationData?.[0];
    const decoded = Buffer.from(data?.authorizationToken ?? '', 'base64').toString('utf8');
    expect(decoded.startsWith('AWS:')).toBe(true);
    expect(decoded.length).toBeGreaterThan(40);
    expect(data?.proxyEndpoint).toBe(`https://${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`);
    const ttl = (data?.expiresAt?.getTime() ?? 0) - before;
    expect(ttl).toBeGreaterThanOrEqual(12 * 3600 * 1000 - 1000); // epoch seconds on the wire
    expect(ttl).toBeLessThanOrEqual(12 * 3600 * 1000 + 60_000);
    const [call] = emu.calls({ operation: 'GetAuthorizationToken' });
    expect(JSON.stringify(call)).not.toContain(decoded.slice(4));
    expect(call?.mutating).toBe(false);
  });

  it('answers AccessDeniedException for a caller denied ecr:GetAuthorizationToken', async () => {
    emu.seed({
      accountId: ACCOUNT,
      region: REGION,
      identities: {
        AKIDNODE: { arn: `arn:aws:iam::${ACCOUNT}:user/ci`, deny: ['ecr:GetAuthorizationToken'] },
      },
    });
    const denied = new ECRClient(clientConfig(emu, { region: REGION, accessKeyId: 'AKIDNODE' }));
    const err = await failure(denied.send(new GetAuthorizationTokenCommand({})));
    expect(err.name).toBe('AccessDeniedException');
    denied.destroy();
    emu.seed({ accountId: ACCOUNT, region: REGION, ecr: { repositories: [{ name: 'seeded/app' }] } });
  });
});

describe('ECR world seed (every key the README documents)', () => {
  it('reads name, region, mutability with exclusion filters, scanOnPush, KMS encryption, tags, lifecycle and repository policies, imageTags', async () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'ecr:BatchGetImage' }],
    };
    emu.seed({
      accountId: ACCOUNT,
      region: REGION,
      ecr: {
        repositories: [
          {
            name: 'full/app',
            imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
            imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'dev-*' }],
            scanOnPush: true,
            encryptionType: 'KMS',
            kmsKey: 'arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
            tags: { team: 'platform' },
            lifecyclePolicy: { rules: [untagged14] },
            policy,
            imageTags: ['1.0.0'],
          },
          { name: 'elsewhere/app', region: 'eu-west-1' },
        ],
      },
    });
    try {
      const [repo] =
        (await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['full/app'] }))).repositories ??
        [];
      expect(repo).toMatchObject({
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'dev-*' }],
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfiguration: {
          encryptionType: 'KMS',
          kmsKey: 'arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        },
      });
      const tags = await ecr.send(new ListTagsForResourceCommand({ resourceArn: repo?.repositoryArn }));
      expect(tags.tags).toEqual([{ Key: 'team', Value: 'platform' }]);
      const lc = await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'full/app' }));
      expect(JSON.parse(lc.lifecyclePolicyText ?? '{}')).toEqual({ rules: [untagged14] });
      const rp = await ecr.send(new GetRepositoryPolicyCommand({ repositoryName: 'full/app' }));
      expect(JSON.parse(rp.policyText ?? '{}')).toEqual(policy);
      const { authorizationData } = await ecr.send(new GetAuthorizationTokenCommand({}));
      const head = await fetch(`${emu.url}/v2/full/app/manifests/1.0.0`, {
        method: 'HEAD',
        headers: { authorization: `Basic ${authorizationData?.[0]?.authorizationToken}` },
      });
      expect(head.status).toBe(200);
      const here = await failure(
        ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['elsewhere/app'] })),
      );
      expect(here.name).toBe('RepositoryNotFoundException');
      const eu = new ECRClient(clientConfig(emu, { region: 'eu-west-1' }));
      const there = await eu.send(new DescribeRepositoriesCommand({ repositoryNames: ['elsewhere/app'] }));
      eu.destroy();
      expect(there.repositories?.[0]?.repositoryArn).toBe(
        `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/elsewhere/app`,
      );
    } finally {
      emu.seed({ accountId: ACCOUNT, region: REGION, ecr: { repositories: [{ name: 'seeded/app' }] } });
    }
  });
});
