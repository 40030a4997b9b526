import type { World } from '@eks-kit/aws-emulator';
import type { Finding } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import {
  CHECK_AUTOSCALER_SETUP_ACTIONS,
  checkAutoscalerSetup,
  clusterAutoscalerPolicy,
  ensureAutoDiscoveryTags,
  ensureClusterAutoscalerRole,
} from '../src/index.js';
import { ACCOUNT, ISSUER, mutations, REGION, useWorld } from './helpers.js';

const tagged = {
  'eks:cluster-name': 'prod',
  'k8s.io/cluster-autoscaler/enabled': 'true',
  'k8s.io/cluster-autoscaler/prod': 'owned',
};
const host = ISSUER.replace('https://', '');
const irsaTrust = (sa: string) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${host}` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          [`${host}:aud`]: 'sts.amazonaws.com',
          [`${host}:sub`]: `system:serviceaccount:kube-system:${sa}`,
        },
      },
    },
  ],
});

/** The seed's faults, one per group or role. */
const world: World = {
  region: REGION,
  eks: { clusters: [{ name: 'prod', oidcIssuer: ISSUER }, { name: 'bare' }] },
  iam: {
    oidcProviders: [ISSUER],
    roles: [
      // The service account of the old stable chart, not `<release>-aws-cluster-autoscaler`; and a policy without writes.
      {
        name: 'prod-cluster-autoscaler',
        assumeRolePolicyDocument: irsaTrust('cluster-autoscaler'),
        inlinePolicies: {
          'cluster-autoscaler': {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 'autoscaling:DescribeAutoScalingGroups', Resource: '*' }],
          },
        },
      },
    ],
  },
  autoscaling: {
    groups: [
      { name: 'ok-workers', minSize: 1, maxSize: 5, desiredCapacity: 2, tags: tagged },
      { name: 'untagged', minSize: 1, maxSize: 5, desiredCapacity: 1, tags: { 'eks:cluster-name': 'prod' } },
      {
        name: 'kops-style',
        minSize: 1,
        maxSize: 5,
        desiredCapacity: 1,
        tags: { ...tagged, 'k8s.io/cluster-autoscaler/enabled': '1' },
      },
      { name: 'at-max', minSize: 1, maxSize: 3, desiredCapacity: 3, tags: tagged },
      { name: 'zero-no-template', minSize: 0, maxSize: 3, desiredCapacity: 0, tags: tagged },
      {
        name: 'zero-with-template',
        minSize: 0,
        maxSize: 3,
        tags: { ...tagged, 'k8s.io/cluster-autoscaler/node-template/label/role': 'gpu' },
      },
      // An EKS managed node group at 0: the autoscaler gets labels and taints from eks:DescribeNodegroup.
      {
        name: 'managed-zero',
        minSize: 0,
        maxSize: 3,
        tags: { ...tagged, 'eks:nodegroup-name': 'batch' },
      },
      // Tagged for the cluster but outside EKS's tags: still checked.
      {
        name: 'manual',
        minSize: 1,
        maxSize: 2,
        tags: { 'k8s.io/cluster-autoscaler/prod': 'shared', 'k8s.io/cluster-autoscaler/enabled': 'true' },
      },
    ],
  },
};

const env = useWorld(world);

const bad = (findings: Finding[]) =>
  findings.filter((f) => f.status !== 'ok').map((f) => [f.status, f.check, f.resource]);

describe('checkAutoscalerSetup finds each seeded fault', () => {
  it('groups: untagged, wrongly tagged (kops enabled=1, shared), at max, min 0 without node-template tags', async () => {
    const findings = await checkAutoscalerSetup(env.clients, { cluster: 'prod' });
    expect(bad(findings)).toEqual([
      ['warn', 'autoscaler.headroom', 'autoscaling group at-max'],
      ['fail', 'autoscaler.tags', 'autoscaling group kops-style'],
      ['fail', 'autoscaler.tags', 'autoscaling group manual'],
      ['fail', 'autoscaler.tags', 'autoscaling group untagged'],
      ['warn', 'autoscaler.scale-from-zero', 'autoscaling group zero-no-template'],
    ]);
    const kops = findings.find((f) => f.resource === 'autoscaling group kops-style')!;
    expect(kops.message).toMatch(
      /IAM tag condition refuses SetDesiredCapacity: k8s\.io\/cluster-autoscaler\/enabled=1/,
    );
    expect(findings.find((f) => f.resource === 'autoscaling group untagged')?.message).toMatch(
      /missing k8s\.io\/cluster-autoscaler\/enabled and k8s\.io\/cluster-autoscaler\/prod/,
    );
    expect(
      findings.find((f) => f.check === 'autoscaler.scale-from-zero' && f.resource.endsWith('managed-zero')),
    ).toMatchObject({ status: 'ok', message: expect.stringMatching(/eks:DescribeNodegroup/) });
    expect(
      findings.filter((f) => f.check === 'autoscaler.tags' && f.status === 'ok').map((f) => f.resource),
    ).toEqual([
      'autoscaling group at-max',
      'autoscaling group managed-zero',
      'autoscaling group ok-workers',
      'autoscaling group zero-no-template',
      'autoscaling group zero-with-template',
    ]);
    expect(mutations(env.emu)).toEqual([]);
  });

  it('IRSA role: policy drift, trust drift and the service account mismatch', async () => {
    const findings = await checkAutoscalerSetup(env.clients, { cluster: 'prod', identity: 'irsa' });
    const role = bad(findings).filter(
      ([, check]) => !String(check).startsWith('autoscaler.') || check === 'autoscaler.service-account',
    );
    expect(role).toEqual([
      ['fail', 'iam.trust', 'iam role prod-cluster-autoscaler'],
      ['fail', 'iam.policy', 'iam role prod-cluster-autoscaler'],
      ['fail', 'autoscaler.service-account', 'iam role prod-cluster-autoscaler'],
    ]);
    const sa = findings.find((f) => f.check === 'autoscaler.service-account')!;
    expect(sa.message).toMatch(
      /trusts system:serviceaccount:kube-system:cluster-autoscaler but the chart's service account is system:serviceaccount:kube-system:cluster-autoscaler-aws-cluster-autoscaler/,
    );
    expect(findings.find((f) => f.check === 'autoscaler.oidc-provider')?.status).toBe('ok');
  });

  it('a managed policy attached by hand to the role (AdministratorAccess) fails, naming it', async () => {
    const iam = await env.clients.iam();
    const { AttachRolePolicyCommand } = await import('@aws-sdk/client-iam');
    await iam.send(
      new AttachRolePolicyCommand({
        RoleName: 'prod-cluster-autoscaler',
        PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      }),
    );
    env.emu.resetCalls();
    const findings = await checkAutoscalerSetup(env.clients, { cluster: 'prod', identity: 'irsa' });
    const extra = findings.filter((f) => f.check === 'iam.attachments' && f.status === 'fail');
    expect(extra.map((f) => f.message)).toEqual([
      'extra managed policy arn:aws:iam::aws:policy/AdministratorAccess attached (not in the stack)',
    ]);
    expect(mutations(env.emu)).toEqual([]);
  });

  it('a missing role and a missing IAM OIDC provider', async () => {
    const findings = await checkAutoscalerSetup(env.clients, {
      cluster: 'bare',
      identity: 'irsa',
      select: { names: ['ok-workers'] },
    });
    const failures = findings.filter((f) => f.status === 'fail');
    expect(failures.map((f) => f.check)).toEqual(['autoscaler.tags', 'autoscaler.oidc-provider', 'iam.role']);
    expect(failures[1]?.hint).toMatch(/associate-iam-oidc-provider/);
  });

  it('IRSA for a cluster EKS does not know: a finding, and the role is still checked', async () => {
    const findings = await checkAutoscalerSetup(env.clients, {
      cluster: 'gone',
      identity: 'irsa',
      select: { names: ['ok-workers'] },
    });
    const oidc = findings.find((f) => f.check === 'autoscaler.oidc-provider');
    expect(oidc).toMatchObject({ status: 'fail', resource: 'eks cluster gone' });
    expect(oidc?.message).toMatch(/EKS cluster gone does not exist/);
    expect(findings.find((f) => f.check === 'iam.role')?.status).toBe('fail');
    expect(mutations(env.emu)).toEqual([]);
  });

  it('a missing Pod Identity association', async () => {
    const findings = await checkAutoscalerSetup(env.clients, {
      cluster: 'prod',
      identity: 'pod-identity',
      select: { names: ['ok-workers'] },
    });
    expect(findings.find((f) => f.check === 'autoscaler.service-account')).toMatchObject({
      status: 'fail',
      message:
        'no Pod Identity association for service account kube-system/cluster-autoscaler-aws-cluster-autoscaler',
    });
  });

  it('all ok once ensure* has run', async () => {
    await ensureAutoDiscoveryTags(env.clients, {
      cluster: 'prod',
      nodeTemplates: { 'zero-no-template': { labels: { role: 'batch' } } },
    });
    await ensureAutoDiscoveryTags(env.clients, { cluster: 'prod', select: { names: ['manual'] } });
    await ensureClusterAutoscalerRole(env.clients, { cluster: 'prod', identity: 'irsa' });
    env.emu.resetCalls();
    const findings = await checkAutoscalerSetup(env.clients, { cluster: 'prod', identity: 'irsa' });
    expect(bad(findings)).toEqual([['warn', 'autoscaler.headroom', 'autoscaling group at-max']]);
    expect(mutations(env.emu)).toEqual([]);
  });

  it('calls only the read actions it declares', async () => {
    await checkAutoscalerSetup(env.clients, { cluster: 'prod', identity: 'irsa' });
    await checkAutoscalerSetup(env.clients, { cluster: 'prod', identity: 'pod-identity' });
    const used = new Set(env.emu.calls().map((c) => `${c.service}:${c.operation}`));
    for (const action of used) expect(CHECK_AUTOSCALER_SETUP_ACTIONS).toContain(action);
    expect(mutations(env.emu)).toEqual([]);
  });

  it('names that do not exist are a finding, not a crash', async () => {
    const findings = await checkAutoscalerSetup(env.clients, {
      cluster: 'prod',
      select: { names: ['gone'] },
    });
    expect(findings[0]).toMatchObject({ check: 'autoscaler.node-groups', status: 'fail' });
    expect(clusterAutoscalerPolicy({ cluster: 'prod' }).Statement).toHaveLength(2);
  });
});
