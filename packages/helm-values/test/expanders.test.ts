import { InvalidInputError } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import {
  CLUSTER_AUTOSCALER_VERSIONS,
  type ClusterAutoscalerValuesInput,
  clusterAutoscalerExtraArgs,
  clusterAutoscalerValues,
  EXPANDERS,
} from '../src/index.js';
import { ROLE_ARN } from './helpers.js';

// Issue 17: `price` is not implemented by the AWS cloud provider (the autoscaler exits at start);
// `least-nodes` exists from cluster-autoscaler 1.30.3 / 1.31.0 (expander.go per release tag).
const refusal = (fn: () => unknown): InvalidInputError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

const base: ClusterAutoscalerValuesInput = {
  cluster: 'eks-kit-demo',
  region: 'ap-northeast-1',
  kubernetesVersion: '1.35',
  identity: { type: 'irsa', roleArn: ROLE_ARN },
};

describe('expanders against today’s upstream', () => {
  it('refuses price for AWS, with the reason', () => {
    const error = refusal(() => clusterAutoscalerExtraArgs({ expander: 'priority,price' }));
    expect(error.field).toBe('extraArgs.expander');
    expect(error.message).toContain('an expander the AWS cloud provider supports, not price');
    expect(error.hint).toContain('does not implement pricing');
    expect(error.hint).toContain('exits at start');
    expect(EXPANDERS).not.toContain('price');
  });

  it('accepts least-nodes, alone or in a chain, for every minor of the version map', () => {
    expect(clusterAutoscalerExtraArgs({ expander: 'least-nodes' })).toEqual({ expander: 'least-nodes' });
    for (const row of CLUSTER_AUTOSCALER_VERSIONS) {
      const values = clusterAutoscalerValues({
        ...base,
        kubernetesVersion: row.kubernetesMinor,
        extraArgs: { expander: ['priority', 'least-nodes'] },
        expanderPriorities: { 10: ['.*'] },
      });
      expect(values.extraArgs?.expander).toBe('priority,least-nodes');
    }
  });

  it('refuses least-nodes for an autoscaler image that does not have it yet (before 1.30.3)', () => {
    const error = refusal(() =>
      clusterAutoscalerValues({
        ...base,
        kubernetesVersion: '1.30',
        image: { tag: 'v1.30.2' },
        extraArgs: { expander: 'least-nodes' },
      }),
    );
    expect(error.field).toBe('extraArgs.expander');
    expect(error.hint).toContain('1.30.3');
    expect(
      clusterAutoscalerValues({
        ...base,
        kubernetesVersion: '1.30',
        image: { tag: 'v1.30.3' },
        extraArgs: { expander: 'least-nodes' },
      }).extraArgs?.expander,
    ).toBe('least-nodes');
  });
});
