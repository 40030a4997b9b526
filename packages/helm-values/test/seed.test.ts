import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  type ClusterAddonsInput,
  clusterAddonsHelmfile,
  clusterAutoscalerRelease,
  metricsServerRelease,
  valuesYaml,
} from '../src/index.js';
import { ROLE_ARN } from './helpers.js';

/** The seed's hand-made set-up: autoscaler (IRSA) and metrics-server on eks-kit-demo in Tokyo. */
const seed: ClusterAddonsInput = {
  autoscaler: {
    cluster: 'eks-kit-demo',
    region: 'ap-northeast-1',
    kubernetesVersion: '1.35',
    identity: { type: 'irsa', roleArn: ROLE_ARN },
    extraArgs: {
      expander: 'least-waste',
      'balance-similar-node-groups': true,
      'skip-nodes-with-system-pods': false,
      'skip-nodes-with-local-storage': false,
      'scale-down-unneeded-time': '10m',
    },
  },
  metricsServer: {},
};

/** The version in the header changes with every release; snapshots keep a placeholder. */
function withoutVersion(text: string): string {
  return text.replace(/eks-kit \d+\.\d+\.\d+\S*/g, 'eks-kit <version>');
}

describe("the seed's set-up (eks-kit-demo, ap-northeast-1, autoscaler with IRSA + metrics-server)", () => {
  it('renders the helmfile shown in __snapshots__/seed.helmfile.yaml', async () => {
    const { file } = clusterAddonsHelmfile(seed);
    expect(file.fileName).toBe('helmfile.yaml');
    await expect(withoutVersion(file.content)).toMatchFileSnapshot('./__snapshots__/seed.helmfile.yaml');
  });

  it('renders the autoscaler values shown in __snapshots__/seed.cluster-autoscaler.values.yaml', async () => {
    const { release } = clusterAutoscalerRelease(seed.autoscaler);
    await expect(withoutVersion(valuesYaml(release.values[0]))).toMatchFileSnapshot(
      './__snapshots__/seed.cluster-autoscaler.values.yaml',
    );
  });

  it('parses back equal to the releases it was built from', () => {
    const { file } = clusterAddonsHelmfile(seed);
    const ca = clusterAutoscalerRelease(seed.autoscaler);
    const ms = metricsServerRelease({});
    expect(parse(file.content)).toEqual({
      repositories: [ca.repository, ms.repository],
      releases: [ca.release, ms.release],
    });
  });

  it('names the service account the IRSA trust must allow', () => {
    expect(clusterAddonsHelmfile(seed).serviceAccountName).toBe('cluster-autoscaler-aws-cluster-autoscaler');
  });

  it('uses the current repositories, not the archived stable/ one', () => {
    const { content } = clusterAddonsHelmfile(seed).file;
    expect(content).toContain('url: https://kubernetes.github.io/autoscaler');
    expect(content).toContain('url: https://kubernetes-sigs.github.io/metrics-server/');
    expect(content).not.toMatch(/stable\/|charts\.helm\.sh/);
  });

  it('leaves metrics-server out when asked', () => {
    const { content } = clusterAddonsHelmfile({ ...seed, metricsServer: false }).file;
    expect(parse(content).releases).toHaveLength(1);
  });

  it('names the section of a refused field', () => {
    expect(() =>
      clusterAddonsHelmfile({ ...seed, autoscaler: { ...seed.autoscaler, region: 'tokyo' } }),
    ).toThrow(/^autoscaler\.region: expected an AWS region/);
    expect(() => clusterAddonsHelmfile({ ...seed, metricsServer: { args: ['oops'] } })).toThrow(
      /^metricsServer\.args\[0\]:/,
    );
  });
});
