import { describe, expect, it } from 'vitest';
import {
  type ClusterAutoscalerValuesInput,
  clusterAutoscalerRelease,
  clusterAutoscalerValues,
  existingServiceAccountAnnotations,
} from '../src/index.js';
import { ROLE_ARN, refusedField } from './helpers.js';

const base: ClusterAutoscalerValuesInput = {
  cluster: 'eks-kit-demo',
  region: 'ap-northeast-1',
  kubernetesVersion: '1.35',
  identity: { type: 'irsa', roleArn: ROLE_ARN },
};

describe('clusterAutoscalerValues: common values', () => {
  it('sets cloudProvider, awsRegion, auto-discovery tags and the image tag of the minor', () => {
    const values = clusterAutoscalerValues(base);
    expect(values.cloudProvider).toBe('aws');
    expect(values.awsRegion).toBe('ap-northeast-1');
    // docs/AWS-FACTS.md#autoscaler-discovery-tags: discovery by the tags k8s.io/cluster-autoscaler/enabled and k8s.io/cluster-autoscaler/<cluster>
    expect(values.autoDiscovery).toEqual({
      clusterName: 'eks-kit-demo',
      tags: ['k8s.io/cluster-autoscaler/enabled', 'k8s.io/cluster-autoscaler/eks-kit-demo'],
    });
    expect(values.image.tag).toMatch(/^v1\.35\./);
    expect(values.rbac.create).toBe(true);
    expect(values.resources).toEqual({
      requests: { cpu: '100m', memory: '600Mi' },
      limits: { cpu: '100m', memory: '600Mi' },
    });
  });

  it('is deterministic: same input, same output', () => {
    expect(JSON.stringify(clusterAutoscalerValues(base))).toBe(JSON.stringify(clusterAutoscalerValues(base)));
  });

  it.each([
    ['cluster', { cluster: 'bad name' }],
    ['region', { region: 'tokyo' }],
    ['kubernetesVersion', { kubernetesVersion: 'latest' }],
    ['kubernetesVersion', { kubernetesVersion: '1.40' }],
    ['image.tag', { image: { tag: 'v1.30.4' } }],
    ['image.repository', { image: { repository: 'Registry.Example/CA:latest' } }],
    ['resources.requests.cpu', { resources: { requests: { cpu: 'lots' } } }],
    ['resources.requests.gpu', { resources: { requests: { gpu: '1' } } }],
    ['serviceAccount.name', { serviceAccount: { name: 'Not_Valid' } }],
    ['extraArgs.expander', { extraArgs: { expander: 'cheapest' as never } }],
    ['fullnameOverride', { fullnameOverride: 'UPPER' }],
  ])('refuses bad %s', (field, patch) => {
    expect(refusedField(() => clusterAutoscalerValues({ ...base, ...(patch as object) }))).toBe(field);
  });

  it('uses a pinned image tag for a minor the map does not know', () => {
    const values = clusterAutoscalerValues({ ...base, kubernetesVersion: '1.36', image: { tag: 'v1.36.1' } });
    expect(values.image).toEqual({ tag: 'v1.36.1' });
  });

  it('sets a mirror repository when asked', () => {
    const repository = '123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/mirror/cluster-autoscaler';
    expect(clusterAutoscalerValues({ ...base, image: { repository } }).image).toEqual({
      repository,
      tag: clusterAutoscalerValues(base).image.tag,
    });
  });

  it('leaves resources to the chart with resources: null', () => {
    expect(clusterAutoscalerValues({ ...base, resources: null }).resources).toBeUndefined();
  });

  it('writes expander priorities only with the priority expander', () => {
    const values = clusterAutoscalerValues({
      ...base,
      extraArgs: { expander: ['priority', 'least-waste'] },
      expanderPriorities: { '10': ['.*spot.*'], '50': ['.*on-demand.*'] },
    });
    expect(values.expanderPriorities).toEqual({ '10': ['.*spot.*'], '50': ['.*on-demand.*'] });
    expect(
      refusedField(() => clusterAutoscalerValues({ ...base, expanderPriorities: { '10': ['x'] } })),
    ).toBe('expanderPriorities');
    expect(
      refusedField(() =>
        clusterAutoscalerValues({
          ...base,
          extraArgs: { expander: 'priority' },
          expanderPriorities: { high: ['x'] },
        }),
      ),
    ).toBe('expanderPriorities.high');
  });
});

describe('clusterAutoscalerValues: identity modes (docs/AWS-FACTS.md#iam-trust-for-pods)', () => {
  it('irsa: annotates the chart-created service account with eks.amazonaws.com/role-arn', () => {
    const values = clusterAutoscalerValues(base);
    expect(values.rbac.serviceAccount).toEqual({
      create: true,
      annotations: { 'eks.amazonaws.com/role-arn': ROLE_ARN },
    });
    expect(values.podAnnotations).toBeUndefined();
  });

  it('irsa with an existing service account: no annotation in the values (the chart ignores it); the caller is told to annotate the account', () => {
    const input = { ...base, serviceAccount: { create: false, name: 'ca' } };
    const values = clusterAutoscalerValues(input);
    expect(values.rbac.serviceAccount).toEqual({ create: false, name: 'ca' });
    expect(existingServiceAccountAnnotations(input)).toEqual({ 'eks.amazonaws.com/role-arn': ROLE_ARN });
    const release = clusterAutoscalerRelease(input);
    expect(release.serviceAccountName).toBe('ca');
    expect(release.existingServiceAccountAnnotations).toEqual({ 'eks.amazonaws.com/role-arn': ROLE_ARN });
    expect(release.notes).toEqual([
      `annotate the existing service account kube-system/ca with eks.amazonaws.com/role-arn=${ROLE_ARN}: the chart does not annotate an account it does not create (serviceAccount.create: false)`,
    ]);
    expect(clusterAutoscalerRelease(base).notes).toEqual([]);
    expect(existingServiceAccountAnnotations(base)).toEqual({});
  });

  it('irsa with an existing service account needs its name (else the pod runs as the namespace default account)', () => {
    expect(refusedField(() => clusterAutoscalerValues({ ...base, serviceAccount: { create: false } }))).toBe(
      'serviceAccount.name',
    );
  });

  it('an existing service account takes no annotations through the values (the chart would drop them)', () => {
    expect(
      refusedField(() =>
        clusterAutoscalerValues({
          ...base,
          identity: { type: 'pod-identity' },
          serviceAccount: { create: false, name: 'ca', annotations: { a: 'b' } },
        }),
      ),
    ).toBe('serviceAccount.annotations');
  });

  it('irsa: refuses a bad role ARN, naming identity.roleArn', () => {
    for (const roleArn of ['not-an-arn', 'arn:aws:iam::123456789012:user/bob', 'arn:aws:s3:::bucket']) {
      expect(
        refusedField(() => clusterAutoscalerValues({ ...base, identity: { type: 'irsa', roleArn } })),
      ).toBe('identity.roleArn');
    }
  });

  it('irsa: keeps extra service account annotations but not a second role ARN', () => {
    const values = clusterAutoscalerValues({
      ...base,
      serviceAccount: { annotations: { 'eks.amazonaws.com/sts-regional-endpoints': 'true' } },
    });
    expect(values.rbac.serviceAccount.annotations).toEqual({
      'eks.amazonaws.com/role-arn': ROLE_ARN,
      'eks.amazonaws.com/sts-regional-endpoints': 'true',
    });
    expect(
      refusedField(() =>
        clusterAutoscalerValues({
          ...base,
          serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': 'x' } },
        }),
      ),
    ).toBe('serviceAccount.annotations.eks.amazonaws.com/role-arn');
  });

  it('pod-identity: no annotation at all (the association binds the role)', () => {
    const values = clusterAutoscalerValues({ ...base, identity: { type: 'pod-identity' } });
    expect(values.rbac.serviceAccount).toEqual({ create: true });
    expect(values.podAnnotations).toBeUndefined();
  });

  it('pod-identity: works with an existing service account', () => {
    const values = clusterAutoscalerValues({
      ...base,
      identity: { type: 'pod-identity' },
      serviceAccount: { create: false, name: 'cluster-autoscaler' },
    });
    expect(values.rbac.serviceAccount).toEqual({ create: false, name: 'cluster-autoscaler' });
  });

  it.each(['kube2iam', 'kiam'] as const)('%s: annotates the pod with iam.amazonaws.com/role', (type) => {
    const values = clusterAutoscalerValues({ ...base, identity: { type, roleArn: ROLE_ARN } });
    expect(values.podAnnotations).toEqual({ 'iam.amazonaws.com/role': ROLE_ARN });
    expect(values.rbac.serviceAccount).toEqual({ create: true });
  });

  it('refuses an unknown identity type, naming identity.type', () => {
    expect(
      refusedField(() =>
        clusterAutoscalerValues({ ...base, identity: { type: 'instance-profile' } as never }),
      ),
    ).toBe('identity.type');
    expect(refusedField(() => clusterAutoscalerValues({ ...base, identity: undefined as never }))).toBe(
      'identity',
    );
  });
});

describe('clusterAutoscalerRelease', () => {
  it('returns the service account name the IRSA trust must name, from the same values', () => {
    const ca = clusterAutoscalerRelease(base);
    expect(ca.serviceAccountName).toBe('cluster-autoscaler-aws-cluster-autoscaler');
    expect(ca.namespace).toBe('kube-system');
    expect(ca.release.chart).toBe('autoscaler/cluster-autoscaler');
    expect(ca.repository.url).toBe('https://kubernetes.github.io/autoscaler');
    expect(ca.release.version).toBe(ca.chartVersion);
  });

  it('follows the release name, fullnameOverride and a fixed service account name', () => {
    expect(clusterAutoscalerRelease({ ...base, release: 'ca' }).serviceAccountName).toBe(
      'ca-aws-cluster-autoscaler',
    );
    expect(clusterAutoscalerRelease({ ...base, fullnameOverride: 'autoscaler' }).serviceAccountName).toBe(
      'autoscaler',
    );
    expect(clusterAutoscalerRelease({ ...base, serviceAccount: { name: 'ca-sa' } }).serviceAccountName).toBe(
      'ca-sa',
    );
  });

  it('refuses an unknown minor without a pinned chart, and takes one pinned', () => {
    const unknown = { ...base, kubernetesVersion: '1.36', image: { tag: 'v1.36.1' } };
    expect(refusedField(() => clusterAutoscalerRelease(unknown))).toBe('kubernetesVersion');
    expect(clusterAutoscalerRelease({ ...unknown, chartVersion: '9.59.0' }).release.version).toBe('9.59.0');
  });
});
