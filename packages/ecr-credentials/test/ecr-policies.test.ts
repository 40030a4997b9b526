import { asList, type PolicyDocument, validatePolicy } from '@eks-kit/iam-policies';
import { describe, expect, it } from 'vitest';
import {
  cacheRepositoryName,
  ECR_PULL_ACTIONS,
  ECR_PUSH_ACTIONS,
  ecrBuilderPolicy,
  ecrCachePolicy,
  ecrPullPolicy,
  ecrPushPolicy,
  parseRepositoryRef,
  validateRepositoryName,
} from '../src/index.js';

const APP = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app';
const APP_ARN = 'arn:aws:ecr:eu-west-1:123456789012:repository/team/app';

function statements(doc: PolicyDocument) {
  return doc.Statement.map((s) => ({ actions: asList(s.Action), resources: asList(s.Resource) }));
}

describe('ECR policies are least privilege', () => {
  it('push: the push actions of docs/AWS-FACTS.md#ecr-push-and-pull-permissions on the repository ARN, GetAuthorizationToken alone on *', () => {
    const doc = ecrPushPolicy([APP]);
    expect(statements(doc)).toEqual([
      { actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
      { actions: [...ECR_PUSH_ACTIONS], resources: [APP_ARN] },
    ]);
    for (const a of [
      'ecr:BatchCheckLayerAvailability',
      'ecr:InitiateLayerUpload',
      'ecr:UploadLayerPart',
      'ecr:CompleteLayerUpload',
      'ecr:PutImage',
      'ecr:BatchGetImage',
    ])
      expect(ECR_PUSH_ACTIONS).toContain(a);
  });

  it('no statement other than GetAuthorizationToken uses *, and no action is a wildcard', () => {
    for (const doc of [ecrPushPolicy([APP]), ecrPullPolicy([APP]), ecrCachePolicy([`${APP}/cache`])]) {
      for (const s of doc.Statement) {
        if (asList(s.Resource).includes('*')) expect(asList(s.Action)).toEqual(['ecr:GetAuthorizationToken']);
        for (const a of asList(s.Action)) expect(a).not.toContain('*');
      }
    }
  });

  it('passes iam-policies validation (action names, wildcards, size) as managed policies', async () => {
    await validatePolicy(ecrPushPolicy([APP]), { kind: 'identity', managed: true });
    await validatePolicy(ecrPullPolicy([APP]), { kind: 'identity', managed: true });
    await validatePolicy(ecrCachePolicy([`${APP}/cache`]), { kind: 'identity', managed: true });
  });

  it('pull: BatchGetImage and GetDownloadUrlForLayer; cache: push and pull (kaniko --cache-repo)', () => {
    expect(asList(ecrPullPolicy([APP_ARN]).Statement[1]?.Action)).toEqual([...ECR_PULL_ACTIONS]);
    const cache = ecrCachePolicy([`${APP}/cache`]).Statement[1];
    expect(cache?.Resource).toBe(`${APP_ARN}/cache`);
    for (const a of [...ECR_PUSH_ACTIONS, ...ECR_PULL_ACTIONS]) expect(cache?.Action).toContain(a);
  });

  it('uses the partition of the region (China)', () => {
    expect(
      ecrPushPolicy(['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app']).Statement[1]?.Resource,
    ).toBe('arn:aws-cn:ecr:cn-north-1:123456789012:repository/app');
  });

  it('combines push, pull and cache in one document, deduplicated and sorted', () => {
    const doc = ecrBuilderPolicy({
      push: [APP, APP_ARN],
      cache: [`${APP}/cache`],
      pull: ['arn:aws:ecr:eu-west-1:123456789012:repository/base/node'],
    });
    expect(doc.Statement.map((s) => s.Sid)).toEqual([
      'EcrGetAuthorizationToken',
      'EcrPush',
      'EcrPull',
      'EcrCache',
    ]);
    expect(doc.Statement[1]?.Resource).toBe(APP_ARN);
  });

  it('refuses an empty list, ECR Public, and a bad name naming the field', () => {
    expect(() => ecrPushPolicy([])).toThrow(/repositories/);
    expect(() => ecrPushPolicy(['public.ecr.aws/abc/app'])).toThrow(/private ECR repository/);
    expect(() => ecrPushPolicy(['123456789012.dkr.ecr.eu-west-1.amazonaws.com/Team/App'])).toThrow(
      /repositories\[0\]/,
    );
    expect(() => ecrBuilderPolicy({})).toThrow(/at least one repository/);
  });
});

describe('repository names and references', () => {
  it('follows the CreateRepository grammar, 2-256 characters', () => {
    expect(validateRepositoryName('team/app-1.x_y')).toBe('team/app-1.x_y');
    for (const bad of ['a', 'Team', 'team//app', '-app', 'app-', 'a'.repeat(257), 'team/app/'])
      expect(() => validateRepositoryName(bad)).toThrow(/repository/);
    expect(cacheRepositoryName('team/app')).toBe('team/app/cache');
  });

  it('parses an image reference with a tag or digest, and an ARN', () => {
    expect(parseRepositoryRef(`${APP}:1.0`)).toEqual({
      accountId: '123456789012',
      region: 'eu-west-1',
      name: 'team/app',
    });
    expect(parseRepositoryRef(`${APP}@sha256:${'a'.repeat(64)}`).name).toBe('team/app');
    expect(parseRepositoryRef(APP_ARN).name).toBe('team/app');
    expect(() => parseRepositoryRef('arn:aws:iam::123456789012:role/x')).toThrow(/ECR repository ARN/);
  });
});
