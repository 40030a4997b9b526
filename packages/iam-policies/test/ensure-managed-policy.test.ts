import { ListPolicyVersionsCommand } from '@aws-sdk/client-iam';
import type { Emulator } from '@eks-kit/aws-emulator';
import type { AwsClients, EksKitError, InvalidInputError } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import {
  ensureManagedPolicy,
  ensureRole,
  type PolicyDocument,
  policyDocument,
  servicePrincipalTrustPolicy,
  statement,
} from '../src/index.js';
import { ACCOUNT, FAST_RETRY, useIamEmulator } from './support/emulator.js';

const repo = (name: string): string => `arn:aws:ecr:ap-northeast-1:${ACCOUNT}:repository/${name}`;
const pushTo = (...repos: string[]): PolicyDocument =>
  policyDocument(
    [statement({ actions: ['ecr:PutImage', 'ecr:InitiateLayerUpload'], resources: repos.map(repo) })],
    { kind: 'identity' },
  );

let emu: Emulator;
let clients: AwsClients;
useIamEmulator((e, c) => {
  emu = e;
  clients = c;
});
const mutating = (): string[] => emu.calls({ service: 'iam', mutating: true }).map((c) => c.operation);

describe('ensureManagedPolicy against the emulator', () => {
  const spec = {
    name: 'eks-kit-ecr-push',
    path: '/eks-kit/',
    document: pushTo('app'),
    description: 'push',
    tags: { team: 'ci' },
    stack: 'prod',
  };

  it('creates once, then makes no mutating call', async () => {
    const plan = await ensureManagedPolicy(clients, spec, { dryRun: true });
    expect(mutating()).toEqual([]);
    const first = await ensureManagedPolicy(clients, spec);
    expect(first).toMatchObject({
      created: true,
      arn: `arn:aws:iam::${ACCOUNT}:policy/eks-kit/eks-kit-ecr-push`,
      defaultVersionId: 'v1',
    });
    expect(plan.arn).toBe(first.arn);
    expect(plan.changes).toEqual(first.changes);
    emu.resetCalls();
    const second = await ensureManagedPolicy(clients, spec);
    expect(second.changes).toEqual([]);
    expect(mutating()).toEqual([]);
  });

  it('adds a version only on semantic change, deleting the oldest non-default one when five exist (IAM keeps 5)', async () => {
    await ensureManagedPolicy(clients, spec);
    for (let i = 1; i <= 4; i++)
      await ensureManagedPolicy(clients, { ...spec, document: pushTo('app', `r${i}`) });
    const iam = await clients.iam();
    const versions = async (): Promise<string[]> =>
      (
        (
          await iam.send(
            new ListPolicyVersionsCommand({
              PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/eks-kit/eks-kit-ecr-push`,
            }),
          )
        ).Versions ?? []
      )
        .map((v) => `${v.VersionId}${v.IsDefaultVersion ? '*' : ''}`)
        .sort();
    expect(await versions()).toEqual(['v1', 'v2', 'v3', 'v4', 'v5*']);

    // same document in another order: no new version
    emu.resetCalls();
    const same = policyDocument(
      [
        statement({
          actions: ['ecr:InitiateLayerUpload', 'ecr:PutImage'],
          resources: [repo('r4'), repo('app')],
        }),
      ],
      { kind: 'identity' },
    );
    expect((await ensureManagedPolicy(clients, { ...spec, document: same })).changes).toEqual([]);
    expect(mutating()).toEqual([]);

    const dry = await ensureManagedPolicy(clients, { ...spec, document: pushTo('other') }, { dryRun: true });
    expect(dry.changes.map((c) => c.action)).toEqual(['delete', 'update']);
    expect(mutating()).toEqual([]);

    const sixth = await ensureManagedPolicy(clients, { ...spec, document: pushTo('other') });
    expect(sixth.changes.map((c) => c.summary)).toEqual([
      'delete version v1 (IAM keeps 5 versions)',
      'new default version: 1 statement added, 1 statement removed',
    ]);
    expect(mutating()).toEqual(['DeletePolicyVersion', 'CreatePolicyVersion']);
    expect(sixth.defaultVersionId).toBe('v6');
    expect(await versions()).toEqual(['v2', 'v3', 'v4', 'v5', 'v6*']);
  });

  it('two concurrent runs at five versions both converge (a version deleted or a slot taken meanwhile is retried)', async () => {
    await ensureManagedPolicy(clients, spec);
    for (let i = 1; i <= 4; i++)
      await ensureManagedPolicy(clients, { ...spec, document: pushTo('app', `r${i}`) });
    const target = { ...spec, document: pushTo('concurrent') };
    const [a, b] = await Promise.all([
      ensureManagedPolicy(clients, target),
      ensureManagedPolicy(clients, target),
    ]);
    expect([a.arn, b.arn]).toEqual([target.name, target.name].map(() => a.arn));
    const iam = await clients.iam();
    const { Versions = [] } = await iam.send(new ListPolicyVersionsCommand({ PolicyArn: a.arn }));
    expect(Versions.length).toBeLessThanOrEqual(5);
    emu.resetCalls();
    expect((await ensureManagedPolicy(clients, target)).changes).toEqual([]);
    expect(mutating()).toEqual([]);
  });

  it('adds missing tags to an existing policy', async () => {
    await ensureManagedPolicy(clients, spec);
    const tagged = await ensureManagedPolicy(clients, { ...spec, tags: { team: 'ci', owner: 'sre' } });
    expect(tagged.changes.map((c) => c.summary)).toEqual(['tags: owner=sre']);
  });

  it('refuses a policy made without the stack tag before any write, and adopts it when asked', async () => {
    await ensureManagedPolicy(clients, { ...spec, stack: undefined });
    emu.resetCalls();
    const changed = {
      ...spec,
      document: { ...spec.document, Statement: [...spec.document.Statement].reverse() },
    };
    const error = await ensureManagedPolicy(clients, changed).catch((e: unknown) => e);
    expect((error as EksKitError).code).toBe('NotOwnedByStack');
    expect((error as EksKitError).hint).toMatch(/adopt/);
    expect(mutating()).toEqual([]);
    const plan = await ensureManagedPolicy(clients, spec, { dryRun: true });
    expect(plan.changes.map((c) => c.summary)).toEqual([
      expect.stringMatching(/^adopt: .*add eks-kit:stack=prod.*needs apply --adopt/),
    ]);
    expect(mutating()).toEqual([]);
    const adopted = await ensureManagedPolicy(clients, spec, { adopt: true });
    expect(adopted.changes[0]?.summary).toMatch(/^adopt: /);
    expect(mutating()).toEqual(['TagPolicy']);
    emu.resetCalls();
    expect((await ensureManagedPolicy(clients, spec)).changes).toEqual([]);
    expect(mutating()).toEqual([]);
  });

  it('never changes a policy another stack owns, even with adopt', async () => {
    await ensureManagedPolicy(clients, { ...spec, stack: 'other' });
    emu.resetCalls();
    for (const options of [{}, { adopt: true }, { dryRun: true }]) {
      const error = await ensureManagedPolicy(clients, spec, options).catch((e: unknown) => e);
      expect((error as EksKitError).code).toBe('OwnedByAnotherStack');
      expect((error as EksKitError).message).toContain(
        'belongs to stack other (tag eks-kit:stack=other), not prod',
      );
    }
    expect(mutating()).toEqual([]);
  });

  it('can be attached by ensureRole', async () => {
    const { arn } = await ensureManagedPolicy(clients, spec);
    const role = await ensureRole(
      clients,
      {
        name: 'builder',
        trust: servicePrincipalTrustPolicy('codebuild.amazonaws.com'),
        managedPolicyArns: [arn],
      },
      FAST_RETRY,
    );
    expect(role.changes.map((c) => c.summary)).toContain(`attach ${arn}`);
  });

  it('refuses bad input before any AWS call', async () => {
    const wildcardWrite = policyDocument([statement({ actions: 'ecr:PutImage', resources: '*' })], {
      kind: 'identity',
    });
    for (const [override, field] of [
      [{ name: 'bad name' }, 'name'],
      [{ path: 'x' }, 'path'],
      [{ document: wildcardWrite }, 'document.Statement[0].Action'],
    ] as const) {
      const error = await ensureManagedPolicy(clients, { ...spec, ...override }).catch((e: unknown) => e);
      expect((error as InvalidInputError).field).toBe(field);
    }
    expect(emu.calls()).toEqual([]);
  });
});
