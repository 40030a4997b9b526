import {
  DescribeRepositoriesCommand,
  GetLifecyclePolicyCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-ecr';
import type { Emulator } from '@eks-kit/aws-emulator';
import { type AwsClients, type EksKitError, InvalidInputError, renderChanges } from '@eks-kit/core';
import { policyDocument, statement } from '@eks-kit/iam-policies';
import { describe, expect, it } from 'vitest';
import {
  type EnsureRepositoryInput,
  ensureRepository,
  expireUntaggedAfterDays,
  kanikoCacheRepository,
  keepLastTaggedImages,
} from '../src/index.js';
import { ACCOUNT, REGION, useEcrEmulator, world } from './helpers.js';

let emu: Emulator;
let clients: AwsClients;
useEcrEmulator(world(), (e, c) => {
  emu = e;
  clients = c;
});

const pullPolicy = policyDocument(
  [
    statement({
      sid: 'CiPull',
      principals: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
    }),
  ],
  { kind: 'resource' },
);
const spec: EnsureRepositoryInput = {
  name: 'team/app',
  tagMutability: 'IMMUTABLE',
  scanOnPush: true,
  encryption: 'KMS',
  lifecyclePolicy: [expireUntaggedAfterDays(14), keepLastTaggedImages(50)],
  tags: { team: 'platform' },
  policy: pullPolicy,
  stack: 'prod',
};

describe('ensureRepository', () => {
  it('dry run reports the creation and calls nothing that mutates', async () => {
    const result = await ensureRepository(clients, spec, { dryRun: true });
    expect(result.created).toBe(true);
    expect(result.uri).toBe(`${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/team/app`);
    expect(result.arn).toBe(`arn:aws:ecr:${REGION}:${ACCOUNT}:repository/team/app`);
    expect(result.changes.map((c) => c.action)).toEqual(['create', 'update', 'update']);
    expect(renderChanges(result.changes)).toContain('+ ecr repository team/app');
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('creates once, then a second run makes no mutating call', async () => {
    const first = await ensureRepository(clients, spec);
    expect(first.created).toBe(true);
    expect(first.uri).toBe(`${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/team/app`);
    expect(emu.calls({ mutating: true }).map((c) => c.operation)).toEqual([
      'CreateRepository',
      'PutLifecyclePolicy',
      'SetRepositoryPolicy',
    ]);
    const ecr = await clients.ecr();
    const { repositories } = await ecr.send(
      new DescribeRepositoriesCommand({ repositoryNames: ['team/app'] }),
    );
    expect(repositories?.[0]).toMatchObject({
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: { encryptionType: 'KMS' },
    });
    const tags = await ecr.send(new ListTagsForResourceCommand({ resourceArn: first.arn }));
    expect(tags.tags).toEqual([
      { Key: 'eks-kit:stack', Value: 'prod' },
      { Key: 'team', Value: 'platform' },
    ]);

    emu.resetCalls();
    const second = await ensureRepository(clients, spec);
    expect(second.changes).toEqual([]);
    expect(second.created).toBe(false);
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('converges drift: mutability, scanning, lifecycle, policy and tags, each with its own change', async () => {
    await ensureRepository(clients, spec);
    emu.resetCalls();
    const drifted = await ensureRepository(clients, {
      ...spec,
      tagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      tagMutabilityExclusions: ['latest'],
      scanOnPush: false,
      lifecyclePolicy: [expireUntaggedAfterDays(7)],
      policy: null,
      tags: { team: 'builds' },
    });
    expect(drifted.changes.map((c) => c.summary)).toEqual([
      'tag mutability: IMMUTABLE -> IMMUTABLE_WITH_EXCLUSION (except latest)',
      'scan on push: true -> false',
      'lifecycle policy: replace (expire untagged images 7 days after push)',
      'repository policy: remove',
      'tags: ~team=platform -> builds',
    ]);
    expect(emu.calls({ mutating: true }).map((c) => c.operation)).toEqual([
      'PutImageTagMutability',
      'PutImageScanningConfiguration',
      'PutLifecyclePolicy',
      'DeleteRepositoryPolicy',
      'TagResource',
    ]);
    const ecr = await clients.ecr();
    const lp = await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'team/app' }));
    expect(JSON.parse(lp.lifecyclePolicyText ?? '{}').rules).toHaveLength(1);
  });

  it('leaves settings it is not given alone (an existing repository made by hand)', async () => {
    await ensureRepository(clients, { name: 'handmade', tagMutability: 'IMMUTABLE', scanOnPush: true });
    emu.resetCalls();
    const result = await ensureRepository(clients, { name: 'handmade' });
    expect(result.changes).toEqual([]);
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('refuses to change encryption of an existing repository, before any change', async () => {
    await ensureRepository(clients, { name: 'enc', encryption: 'AES256' });
    emu.resetCalls();
    await expect(
      ensureRepository(clients, { name: 'enc', encryption: 'KMS', scanOnPush: true }),
    ).rejects.toThrow(/cannot change a repository's encryption/);
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('refuses a hand-made repository unless asked to adopt it, and never takes one from another stack', async () => {
    await ensureRepository(clients, { name: 'handmade' });
    emu.resetCalls();
    const refused = await ensureRepository(clients, {
      name: 'handmade',
      stack: 'prod',
      scanOnPush: true,
    }).catch((e: unknown) => e);
    expect((refused as EksKitError).code).toBe('NotOwnedByStack');
    expect((refused as EksKitError).hint).toMatch(/--adopt/);
    expect(emu.calls({ mutating: true })).toEqual([]);
    const plan = await ensureRepository(clients, { name: 'handmade', stack: 'prod' }, { dryRun: true });
    expect(plan.changes.map((c) => c.summary)).toEqual([
      expect.stringMatching(
        /^adopt: exists without eks-kit:stack .*add eks-kit:stack=prod.*needs apply --adopt/,
      ),
    ]);
    const adopted = await ensureRepository(clients, { name: 'handmade', stack: 'prod' }, { adopt: true });
    expect(adopted.changes).toHaveLength(1);
    expect(emu.calls({ mutating: true }).map((c) => c.operation)).toEqual(['TagResource']);
    emu.resetCalls();
    expect((await ensureRepository(clients, { name: 'handmade', stack: 'prod' })).changes).toEqual([]);
    for (const options of [{}, { adopt: true }, { dryRun: true }]) {
      await expect(
        ensureRepository(clients, { name: 'handmade', stack: 'staging', scanOnPush: true }, options),
      ).rejects.toThrow(/belongs to stack prod \(tag eks-kit:stack=prod\), not staging/);
    }
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('ensures the kaniko cache repository (<repo>/cache, mutable, entries expire)', async () => {
    const result = await ensureRepository(clients, kanikoCacheRepository('team/app', { stack: 'prod' }));
    expect(result.uri).toBe(`${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/team/app/cache`);
    const ecr = await clients.ecr();
    const lp = await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'team/app/cache' }));
    expect(JSON.parse(lp.lifecyclePolicyText ?? '{}').rules[0].selection).toEqual({
      tagStatus: 'any',
      countType: 'sinceImagePushed',
      countUnit: 'days',
      countNumber: 14,
    });
    emu.resetCalls();
    await ensureRepository(clients, kanikoCacheRepository('team/app', { stack: 'prod' }));
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('refuses bad input naming the field, before any AWS call', async () => {
    const cases: [EnsureRepositoryInput, RegExp][] = [
      [{ name: 'Team/App' }, /^name:/],
      [{ name: 'ok', tagMutability: 'SOMETIMES' as never }, /^tagMutability:/],
      [{ name: 'ok', tagMutability: 'IMMUTABLE_WITH_EXCLUSION' }, /^tagMutabilityExclusions:/],
      [{ name: 'ok', encryption: 'ROT13' as never }, /^encryption:/],
      [
        {
          name: 'ok',
          lifecyclePolicy: [
            { ...keepLastTaggedImages(1), rulePriority: 1 },
            { ...keepLastTaggedImages(2), rulePriority: 1 },
          ],
        },
        /^lifecyclePolicy/,
      ],
      [{ name: 'ok', tags: { 'aws:reserved': 'x' } }, /^tags/],
    ];
    for (const [input, field] of cases) {
      const error = await ensureRepository(clients, input).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as Error).message).toMatch(field);
    }
    expect(emu.calls()).toEqual([]);
  });
});
