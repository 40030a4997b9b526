/**
 * Issue 23 (2): every rendered variant checked against upstream's own definitions, kept in
 * test/upstream/ (see SOURCES.json there; refreshed by scripts/refresh-upstream-data.mjs, never
 * by the tests): the value keys the pinned cluster-autoscaler and metrics-server charts read, and
 * SchemaStore's helmfile schema, validated with ajv.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  CLUSTER_AUTOSCALER_VERSIONS,
  type ClusterAutoscalerReleaseInput,
  clusterAddonsHelmfile,
  clusterAutoscalerRelease,
  METRICS_SERVER_CHART_VERSION,
  metricsServerRelease,
  type PodIdentity,
  valuesYaml,
} from '../src/index.js';
import { ROLE_ARN } from './helpers.js';
import {
  autoscalerChart,
  metricsServerChart,
  readUpstream,
  schemaErrors,
  schemaValidator,
  unknownHelmfileKeys,
  unreadValueKeys,
} from './upstream.js';

const IDENTITIES: Record<string, PodIdentity> = {
  irsa: { type: 'irsa', roleArn: ROLE_ARN },
  'pod-identity': { type: 'pod-identity' },
  kube2iam: { type: 'kube2iam', roleArn: ROLE_ARN },
  kiam: { type: 'kiam', roleArn: ROLE_ARN },
};

/** Every value key eks-kit can write: all checked flags, unchecked ones, priorities, overrides. */
function fullInput(minor: string, identity: PodIdentity): ClusterAutoscalerReleaseInput {
  return {
    cluster: 'eks-kit-demo',
    region: 'ap-northeast-1',
    kubernetesVersion: minor,
    identity,
    serviceAccount: { name: 'cluster-autoscaler', annotations: { 'example.com/team': 'platform' } },
    image: { repository: 'registry.k8s.io/autoscaling/cluster-autoscaler' },
    fullnameOverride: 'cluster-autoscaler',
    resources: { requests: { cpu: '100m', memory: '600Mi' }, limits: { memory: '600Mi' } },
    expanderPriorities: { 10: ['.*spot.*'], 50: ['.*on-demand.*'] },
    extraArgs: {
      expander: ['priority', 'least-waste'],
      'balance-similar-node-groups': true,
      'balancing-ignore-label': ['topology.ebs.csi.aws.com/zone'],
      'max-nodes-total': 1000000,
      'max-graceful-termination-sec': 600,
      'scale-down-unneeded-time': '5m',
      'scale-down-utilization-threshold': 0.5,
      v: 4,
    },
    uncheckedExtraArgs: { 'max-empty-bulk-delete': 20 },
  };
}

function minimalInput(minor: string, identity: PodIdentity): ClusterAutoscalerReleaseInput {
  return { cluster: 'eks-kit-demo', region: 'eu-west-1', kubernetesVersion: minor, identity };
}

const rows = CLUSTER_AUTOSCALER_VERSIONS.map((row) => [row.kubernetesMinor, row.chartVersion] as const);
const identities = Object.keys(IDENTITIES);

describe('cluster-autoscaler values: every key is one the pinned chart reads', () => {
  describe.each(rows)('Kubernetes %s (chart %s)', (minor, chartVersion) => {
    const chart = autoscalerChart(chartVersion);

    it('has the data of that chart tag', () => {
      expect(chart.tag).toBe(`cluster-autoscaler-chart-${chartVersion}`);
      expect(chart.chart.version).toBe(chartVersion);
    });

    it.each(identities)('identity %s, minimal and full values', (mode) => {
      for (const input of [minimalInput(minor, IDENTITIES[mode]!), fullInput(minor, IDENTITIES[mode]!)]) {
        const release = clusterAutoscalerRelease(input);
        expect(release.chartVersion).toBe(chartVersion);
        // What Helm reads: the rendered values file parsed back.
        const values = parse(valuesYaml(release.release.values[0]));
        expect(unreadValueKeys(values, chart)).toEqual([]);
      }
    });

    it('an existing service account (create: false) renders only keys the chart reads', () => {
      const release = clusterAutoscalerRelease({
        ...minimalInput(minor, IDENTITIES['irsa']!),
        serviceAccount: { create: false, name: 'my-ca' },
      });
      expect(unreadValueKeys(parse(valuesYaml(release.release.values[0])), chart)).toEqual([]);
    });
  });

  it('fails on a value key the chart does not read', () => {
    const chart = autoscalerChart(CLUSTER_AUTOSCALER_VERSIONS[0]!.chartVersion);
    const values = {
      awsRegion: 'eu-west-1',
      awsRegionn: 'eu-west-1',
      rbac: { serviceAccount: { roleArn: ROLE_ARN, name: 'x' } },
      extraArgs: { 'any-flag': '1' },
    };
    expect(unreadValueKeys(values, chart)).toEqual(['awsRegionn', 'rbac.serviceAccount.roleArn']);
  });
});

describe('metrics-server values: every key is one the pinned chart reads', () => {
  const chart = metricsServerChart(METRICS_SERVER_CHART_VERSION);

  it('has the data of the pinned chart tag', () => {
    expect(chart.tag).toBe(`metrics-server-helm-chart-${METRICS_SERVER_CHART_VERSION}`);
  });

  it.each([
    ['defaults', {}],
    [
      'every option',
      {
        args: ['--kubelet-insecure-tls', '--metric-resolution=15s'],
        apiService: { create: false },
        replicas: 2,
        resources: { requests: { cpu: '100m', memory: '200Mi' } },
        image: { repository: 'registry.k8s.io/metrics-server/metrics-server', tag: 'v0.8.1' },
      },
    ],
  ])('%s', (_name, input) => {
    const release = metricsServerRelease(input);
    expect(unreadValueKeys(parse(valuesYaml(release.release.values?.[0] ?? {})), chart)).toEqual([]);
  });
});

describe('helmfile.yaml validates against the helmfile schema published by SchemaStore', () => {
  const schema = readUpstream<Parameters<typeof unknownHelmfileKeys>[1]>('helmfile.schema.json');
  const validate = schemaValidator(schema);

  describe.each(rows)('Kubernetes %s', (minor) => {
    it.each(identities)('identity %s, with and without metrics-server', (mode) => {
      for (const metricsServer of [undefined, false, { args: ['--kubelet-insecure-tls'] }] as const) {
        const { file } = clusterAddonsHelmfile({
          autoscaler: fullInput(minor, IDENTITIES[mode]!),
          ...(metricsServer !== undefined ? { metricsServer } : {}),
          helmDefaults: { wait: true, timeout: 600, createNamespace: false },
        });
        const doc = parse(file.content);
        expect(schemaErrors(validate, doc)).toEqual([]);
        expect(unknownHelmfileKeys(doc, schema)).toEqual([]);
      }
    });
  });

  it('fails on a wrong type or a key the schema does not define (the checks can fail)', () => {
    const { file } = clusterAddonsHelmfile({ autoscaler: minimalInput('1.35', IDENTITIES['irsa']!) });
    const doc = parse(file.content) as { releases: Record<string, unknown>[] };
    doc.releases[0]!['chartt'] = 'autoscaler/cluster-autoscaler';
    expect(unknownHelmfileKeys(doc, schema)).toEqual(['releases[0].chartt']);
    doc.releases[0]!['wait'] = 'yes';
    expect(schemaErrors(validate, doc)).toEqual(['/releases/0/wait must be boolean']);
  });
});

describe('the version map cites the chart tag each row was checked against', () => {
  const source = readFileSync(new URL('../src/builders/version-map.ts', import.meta.url), 'utf8');

  it.each(rows)('Kubernetes %s -> chart %s', (minor, chartVersion) => {
    const line = source.split('\n').find((l) => l.includes(`kubernetesMinor: '${minor}'`));
    expect(line).toContain(`checked against cluster-autoscaler-chart-${chartVersion}`);
    const chart = autoscalerChart(chartVersion);
    expect(line).toContain(chart.commit.slice(0, 10));
  });
});
