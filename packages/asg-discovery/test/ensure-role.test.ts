import { GetRoleCommand, GetRolePolicyCommand } from '@aws-sdk/client-iam';
import type { World } from '@eks-kit/aws-emulator';
import { EksKitError } from '@eks-kit/core';
import { decodePolicyDocument, policiesEqual } from '@eks-kit/iam-policies';
import { describe, expect, it } from 'vitest';
import {
  type AutoscalerIdentity,
  clusterAutoscalerPolicy,
  ensureClusterAutoscalerRole,
  findPodIdentityAssociation,
} from '../src/index.js';
import { ACCOUNT, ISSUER, mutations, REGION, useWorld } from './helpers.js';

const nodeRole = `arn:aws:iam::${ACCOUNT}:role/prod-node`;
const kiamServer = `arn:aws:iam::${ACCOUNT}:role/kiam-server`;
const trustEc2 = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
const world: World = {
  region: REGION,
  eks: { clusters: [{ name: 'prod', version: '1.33', oidcIssuer: ISSUER }, { name: 'no-oidc-provider' }] },
  iam: {
    oidcProviders: [ISSUER],
    roles: [
      { name: 'prod-node', assumeRolePolicyDocument: trustEc2 },
      { name: 'kiam-server', assumeRolePolicyDocument: trustEc2 },
    ],
  },
};

const env = useWorld(world);

async function trustOf(name: string) {
  const iam = await env.clients.iam();
  const out = await iam.send(new GetRoleCommand({ RoleName: name }));
  return decodePolicyDocument(out.Role?.AssumeRolePolicyDocument ?? '{}');
}

const modes: Array<[string, AutoscalerIdentity]> = [
  ['irsa', 'irsa'],
  ['pod-identity', 'pod-identity'],
  ['kube2iam', { kube2iam: { nodeRoleArns: [nodeRole] } }],
  ['kiam', { kiam: { serverRoleArn: kiamServer } }],
];

describe('ensureClusterAutoscalerRole converges for each identity mode', () => {
  for (const [label, identity] of modes) {
    it(`${label}: dry run mutates nothing, apply converges, second run makes no mutating call`, async () => {
      const dry = await ensureClusterAutoscalerRole(
        env.clients,
        { cluster: 'prod', identity, stack: 'prod' },
        { dryRun: true },
      );
      expect(mutations(env.emu)).toEqual([]);
      expect(dry.changes.length).toBeGreaterThan(0);
      const applied = await ensureClusterAutoscalerRole(env.clients, {
        cluster: 'prod',
        identity,
        stack: 'prod',
      });
      expect(applied.changes.map((c) => [c.action, c.resource])).toEqual(
        dry.changes.map((c) => [c.action, c.resource]),
      );
      expect(applied.roleArn).toBe(`arn:aws:iam::${ACCOUNT}:role/prod-cluster-autoscaler`);
      expect(applied.serviceAccount).toBe('cluster-autoscaler-aws-cluster-autoscaler');
      const iam = await env.clients.iam();
      const inline = await iam.send(
        new GetRolePolicyCommand({ RoleName: 'prod-cluster-autoscaler', PolicyName: 'cluster-autoscaler' }),
      );
      expect(policiesEqual(inline.PolicyDocument ?? '', clusterAutoscalerPolicy({ cluster: 'prod' }))).toBe(
        true,
      );
      env.emu.resetCalls();
      const again = await ensureClusterAutoscalerRole(env.clients, {
        cluster: 'prod',
        identity,
        stack: 'prod',
      });
      expect(again.changes).toEqual([]);
      expect(mutations(env.emu)).toEqual([]);
    });
  }

  it('irsa: trusts the cluster OIDC provider for the chart service account, annotation for the chart', async () => {
    const r = await ensureClusterAutoscalerRole(env.clients, {
      cluster: 'prod',
      identity: 'irsa',
      release: 'ca',
    });
    const host = ISSUER.replace('https://', '');
    const trust = await trustOf('prod-cluster-autoscaler');
    expect(trust.Statement[0]).toMatchObject({
      Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${host}` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          [`${host}:aud`]: 'sts.amazonaws.com',
          [`${host}:sub`]: 'system:serviceaccount:kube-system:ca-aws-cluster-autoscaler',
        },
      },
    });
    expect(r.serviceAccountAnnotations).toEqual({ 'eks.amazonaws.com/role-arn': r.roleArn });
    expect(r.podAnnotations).toEqual({});
  });

  it('pod-identity: creates the association, and repoints it when it names another role', async () => {
    const r = await ensureClusterAutoscalerRole(env.clients, { cluster: 'prod', identity: 'pod-identity' });
    expect(r.changes.map((c) => c.resource)).toContain(
      'eks pod identity association prod/kube-system/cluster-autoscaler-aws-cluster-autoscaler',
    );
    const a = await findPodIdentityAssociation(env.clients, {
      cluster: 'prod',
      namespace: 'kube-system',
      serviceAccount: r.serviceAccount,
    });
    expect(a?.roleArn).toBe(r.roleArn);
    const other = await ensureClusterAutoscalerRole(env.clients, {
      cluster: 'prod',
      identity: 'pod-identity',
      roleName: 'ca-other',
    });
    expect(other.changes.find((c) => c.resource.startsWith('eks pod identity'))?.action).toBe('update');
    expect(mutations(env.emu)).toContain('eks:UpdatePodIdentityAssociation');
  });

  it('switching identity updates the trust policy in place', async () => {
    await ensureClusterAutoscalerRole(env.clients, { cluster: 'prod', identity: 'irsa' });
    env.emu.resetCalls();
    const r = await ensureClusterAutoscalerRole(env.clients, {
      cluster: 'prod',
      identity: { kube2iam: { nodeRoleArns: [nodeRole] } },
    });
    expect(r.changes.some((c) => c.action === 'update' && /trust/i.test(c.summary))).toBe(true);
    expect(r.podAnnotations).toEqual({ 'iam.amazonaws.com/role': r.roleArn });
    expect(mutations(env.emu)).toEqual(['iam:UpdateAssumeRolePolicy']);
  });

  it('irsa without the IAM OIDC provider: a clear error, nothing created', async () => {
    const err = await ensureClusterAutoscalerRole(env.clients, {
      cluster: 'no-oidc-provider',
      identity: 'irsa',
    }).catch((e) => e);
    expect(err).toBeInstanceOf(EksKitError);
    expect(err.code).toBe('OidcProviderMissing');
    expect(err.hint).toMatch(/associate-iam-oidc-provider --cluster no-oidc-provider/);
    expect(mutations(env.emu)).toEqual([]);
  });

  it('irsa without the IAM OIDC provider, dry run: the whole plan, marked blocked, plus a fail finding', async () => {
    const plan = await ensureClusterAutoscalerRole(
      env.clients,
      { cluster: 'no-oidc-provider', identity: 'irsa' },
      { dryRun: true },
    );
    expect(plan.findings).toHaveLength(1);
    const [f] = plan.findings;
    expect(f?.check).toBe('autoscaler.oidc-provider');
    expect(f?.status).toBe('fail');
    expect(f?.resource).toMatch(/^arn:aws:iam::123456789012:oidc-provider\//);
    expect(f?.hint).toMatch(/associate-iam-oidc-provider --cluster no-oidc-provider/);
    expect(plan.changes.length).toBeGreaterThan(0);
    for (const c of plan.changes) {
      expect([c.action, c.resource]).toEqual(['create', 'iam role no-oidc-provider-cluster-autoscaler']);
      expect(c.summary).toMatch(/blocked: create the IAM OIDC provider arn:aws:iam::/);
    }
    expect(plan.serviceAccountAnnotations).toEqual({ 'eks.amazonaws.com/role-arn': plan.roleArn });
    expect(mutations(env.emu)).toEqual([]);
  });

  it('with every prerequisite in place the result has no findings', async () => {
    const plan = await ensureClusterAutoscalerRole(
      env.clients,
      { cluster: 'prod', identity: 'irsa' },
      { dryRun: true },
    );
    expect(plan.findings).toEqual([]);
    expect(plan.changes.every((c) => !/blocked/.test(c.summary))).toBe(true);
  });

  it('refuses bad input before any AWS call', async () => {
    await expect(
      ensureClusterAutoscalerRole(env.clients, { cluster: 'prod', identity: 'kiam' as never }),
    ).rejects.toThrow(/^identity:/);
    await expect(
      ensureClusterAutoscalerRole(env.clients, {
        cluster: 'prod',
        identity: { kube2iam: { nodeRoleArns: ['prod-node'] } },
      }),
    ).rejects.toThrow(/identity\.kube2iam\.nodeRoleArns\[0\]/);
    await expect(
      ensureClusterAutoscalerRole(env.clients, {
        cluster: 'prod',
        identity: 'irsa',
        namespace: 'Kube_System',
      }),
    ).rejects.toThrow(/^namespace:/);
    await expect(
      ensureClusterAutoscalerRole(env.clients, {
        cluster: 'prod',
        identity: 'irsa',
        roleName: 'x'.repeat(65),
      }),
    ).rejects.toThrow(/^roleName:/);
    expect(env.emu.calls()).toEqual([]);
  });
});
