import { InvalidInputError } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import {
  autoDiscoveryTags,
  clusterOwnedTagKey,
  hasNodeTemplateTags,
  nodeTemplateTags,
  tagsToMap,
} from '../src/index.js';

describe('autoDiscoveryTags', () => {
  it('writes exactly true and owned, ASG-only (the IAM tag condition compares values, docs/AWS-FACTS.md#autoscaler-iam-policy)', () => {
    expect(autoDiscoveryTags('prod')).toEqual([
      { key: 'k8s.io/cluster-autoscaler/enabled', value: 'true', propagateAtLaunch: false },
      { key: 'k8s.io/cluster-autoscaler/prod', value: 'owned', propagateAtLaunch: false },
    ]);
  });

  it('refuses a bad cluster name, naming the field', () => {
    expect(() => autoDiscoveryTags('bad name')).toThrow(InvalidInputError);
    expect(() => autoDiscoveryTags('bad name')).toThrow(/^cluster:/);
  });

  it('names the owned key', () => {
    expect(clusterOwnedTagKey('a-b')).toBe('k8s.io/cluster-autoscaler/a-b');
  });
});

describe('nodeTemplateTags', () => {
  it('builds label, taint, resource and option tags sorted by key', () => {
    const tags = nodeTemplateTags({
      labels: { 'node.kubernetes.io/lifecycle': 'spot', role: 'gpu' },
      taints: { dedicated: 'gpu:NoSchedule', batch: { value: 'true', effect: 'NoExecute' } },
      resources: { 'nvidia.com/gpu': 1, 'ephemeral-storage': '100Gi' },
      autoscalingOptions: { scaledownutilizationthreshold: 0.4, scaledownunneededtime: '5m' },
    });
    expect(tagsToMap(tags)).toEqual({
      'k8s.io/cluster-autoscaler/node-template/autoscaling-options/scaledownunneededtime': '5m',
      'k8s.io/cluster-autoscaler/node-template/autoscaling-options/scaledownutilizationthreshold': '0.4',
      'k8s.io/cluster-autoscaler/node-template/label/node.kubernetes.io/lifecycle': 'spot',
      'k8s.io/cluster-autoscaler/node-template/label/role': 'gpu',
      'k8s.io/cluster-autoscaler/node-template/resources/ephemeral-storage': '100Gi',
      'k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu': '1',
      'k8s.io/cluster-autoscaler/node-template/taint/batch': 'true:NoExecute',
      'k8s.io/cluster-autoscaler/node-template/taint/dedicated': 'gpu:NoSchedule',
    });
    expect(tags.map((t) => t.key)).toEqual([...tags.map((t) => t.key)].sort());
    expect(tags.every((t) => t.propagateAtLaunch === false)).toBe(true);
    expect(hasNodeTemplateTags(tagsToMap(tags))).toBe(true);
  });

  it('refuses a taint without its effect (the eksctl bug, docs/AWS-FACTS.md#autoscaler-scale-from-zero)', () => {
    expect(() => nodeTemplateTags({ taints: { dedicated: 'gpu' } })).toThrow(
      /nodeTemplate\.taints\.dedicated/,
    );
  });

  it('refuses an unknown taint effect', () => {
    expect(() => nodeTemplateTags({ taints: { dedicated: 'gpu:NoRun' } })).toThrow(
      /nodeTemplate\.taints\.dedicated\.effect/,
    );
  });

  it('refuses bad labels, quantities and options', () => {
    expect(() => nodeTemplateTags({ labels: { 'bad key!': 'x' } })).toThrow(InvalidInputError);
    expect(() => nodeTemplateTags({ labels: { role: 'a b' } })).toThrow(/labels\.role/);
    expect(() => nodeTemplateTags({ resources: { 'nvidia.com/gpu': 'lots' } })).toThrow(/resources/);
    expect(() => nodeTemplateTags({ autoscalingOptions: { scaledownutilizationthreshold: 2 } })).toThrow(
      /scaledownutilizationthreshold/,
    );
    expect(() =>
      nodeTemplateTags({ autoscalingOptions: { nope: 1 } as unknown as Record<string, never> }),
    ).toThrow(/autoscalingOptions\.nope/);
  });

  it('is deterministic', () => {
    const a = nodeTemplateTags({ labels: { b: '1', a: '2' } });
    const b = nodeTemplateTags({ labels: { a: '2', b: '1' } });
    expect(a).toEqual(b);
  });
});

describe('node templates: own keys only, __proto__ refused naming the field', () => {
  const proto = (value: unknown) => JSON.parse(`{"__proto__":${JSON.stringify(value)}}`);
  const cases: [string, Record<string, unknown>, string][] = [
    ['labels', { labels: proto('gpu') }, 'nodeTemplate.labels.__proto__'],
    ['taints', { taints: proto('gpu:NoSchedule') }, 'nodeTemplate.taints.__proto__'],
    ['resources', { resources: proto(1) }, 'nodeTemplate.resources.__proto__'],
    ['autoscalingOptions', { autoscalingOptions: proto('10m') }, 'nodeTemplate.autoscalingOptions.__proto__'],
  ];
  it.each(cases)('%s', (_, template, field) => {
    let caught: unknown;
    try {
      nodeTemplateTags(template as never);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidInputError);
    expect((caught as InvalidInputError).field).toBe(field);
  });
  it('tagsToMap keeps a __proto__ tag key from AWS as an own key', () => {
    const map = tagsToMap([{ key: '__proto__', value: 'x' }]);
    expect(Object.keys(map)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(map)).toBe(Object.prototype);
  });
});
