import { describe, expect, it } from 'vitest';
import {
  type ClusterAutoscalerValuesInput,
  clusterAutoscalerExtraArgs,
  clusterAutoscalerValues,
  helmfile,
} from '../src/index.js';
import { ROLE_ARN, refusedField } from './helpers.js';

/** A map whose only own key is `__proto__` (what JSON.parse and YAML readers produce). */
const proto = (value: unknown): Record<string, never> => JSON.parse(`{"__proto__":${JSON.stringify(value)}}`);

const base: ClusterAutoscalerValuesInput = {
  cluster: 'eks-kit-demo',
  region: 'ap-northeast-1',
  kubernetesVersion: '1.35',
  identity: { type: 'irsa', roleArn: ROLE_ARN },
};
const release = {
  name: 'r',
  namespace: 'kube-system',
  chart: 'autoscaler/cluster-autoscaler',
  version: '9.59.0',
};
const repositories = [{ name: 'autoscaler', url: 'https://kubernetes.github.io/autoscaler' }];

describe('helm values: a __proto__ key is refused naming the field, never dropped', () => {
  const cases: [string, () => unknown, string][] = [
    ['extraArgs', () => clusterAutoscalerExtraArgs(proto('5m')), 'extraArgs.__proto__'],
    [
      'uncheckedExtraArgs',
      () => clusterAutoscalerExtraArgs(undefined, proto('1')),
      'uncheckedExtraArgs.__proto__',
    ],
    [
      'serviceAccount.annotations',
      () => clusterAutoscalerValues({ ...base, serviceAccount: { annotations: proto('x') } } as never),
      'serviceAccount.annotations.__proto__',
    ],
    [
      'expanderPriorities',
      () =>
        clusterAutoscalerValues({
          ...base,
          extraArgs: { expander: 'priority' },
          expanderPriorities: proto(['.*']),
        } as never),
      'expanderPriorities.__proto__',
    ],
    [
      'helmfile environments',
      () => helmfile({ repositories, environments: proto({ values: [] }), releases: [release] } as never),
      'environments.__proto__',
    ],
    [
      'release labels',
      () => helmfile({ repositories, releases: [{ ...release, labels: proto('x') }] } as never),
      'releases[0].labels.__proto__',
    ],
    [
      'release values',
      () => helmfile({ repositories, releases: [{ ...release, values: [{ a: proto(1) }] }] } as never),
      'releases[0].values[0].a.__proto__',
    ],
  ];
  it.each(cases)('%s', (_, run, field) => {
    expect(refusedField(run)).toBe(field);
  });
});
