import { describe, expect, it } from 'vitest';
import { CHECKED_EXTRA_ARGS, clusterAutoscalerExtraArgs, validateGoDuration } from '../src/index.js';
import { refusedField } from './helpers.js';

describe('validateGoDuration (Go time.ParseDuration grammar)', () => {
  it.each(['10m', '1h30m', '90s', '0', '0s', '1.5h', '.5h', '300ms', '2h45m30.5s', '10us', '10µs'])(
    'accepts %s',
    (value) => {
      expect(validateGoDuration(value, 'f')).toBe(value);
    },
  );

  it.each(['10', '10 m', '10min', '1d', '-5m', 'm', '', '1h 30m', '10M', '1.5.5s'])('refuses %j', (value) => {
    expect(refusedField(() => validateGoDuration(value, 'extraArgs.scan-interval'))).toBe(
      'extraArgs.scan-interval',
    );
  });

  it('refuses a bare number with a hint to add a unit', () => {
    expect(() => validateGoDuration(600, 'x')).toThrow(/Go duration/);
  });
});

describe('clusterAutoscalerExtraArgs', () => {
  it('passes checked flags through with sorted keys', () => {
    const args = clusterAutoscalerExtraArgs({
      'skip-nodes-with-system-pods': false,
      expander: 'least-waste',
      'balance-similar-node-groups': true,
      'skip-nodes-with-local-storage': false,
      'scale-down-unneeded-time': '5m',
      'scale-down-delay-after-add': '2m',
      'scale-down-utilization-threshold': 0.6,
      'max-node-provision-time': '15m0s',
      'scan-interval': '10s',
      'logging-format': 'json',
      v: 2,
    });
    expect(Object.keys(args)).toEqual([...Object.keys(args)].sort());
    expect(args).toEqual({
      'balance-similar-node-groups': true,
      expander: 'least-waste',
      'logging-format': 'json',
      'max-node-provision-time': '15m0s',
      'scale-down-delay-after-add': '2m',
      'scale-down-unneeded-time': '5m',
      'scale-down-utilization-threshold': '0.6',
      'scan-interval': '10s',
      'skip-nodes-with-local-storage': false,
      'skip-nodes-with-system-pods': false,
      v: '2',
    });
  });

  it.each([
    ['logtostderr', true],
    ['stderrthreshold', 'info'],
  ])(
    'refuses %s with logging-format json, which does not honour klog flags (kubernetes#92177)',
    (key, value) => {
      expect(refusedField(() => clusterAutoscalerExtraArgs({ 'logging-format': 'json', [key]: value }))).toBe(
        `extraArgs.${key}`,
      );
      expect(clusterAutoscalerExtraArgs({ 'logging-format': 'text', [key]: value })).toMatchObject({
        [key]: value,
      });
    },
  );

  it('accepts an expander chain as a list or a comma list', () => {
    expect(clusterAutoscalerExtraArgs({ expander: ['priority', 'least-waste'] })).toEqual({
      expander: 'priority,least-waste',
    });
    expect(clusterAutoscalerExtraArgs({ expander: 'priority,random' })).toEqual({
      expander: 'priority,random',
    });
  });

  it.each([
    ['expander', 'cheapest'],
    ['expander', 'priority,,random'],
    ['expander', 'random,random'],
    ['expander', []],
    ['logging-format', 'yaml'],
    ['stderrthreshold', 'debug'],
  ])('refuses enum %s = %j naming extraArgs.%s', (key, value) => {
    expect(refusedField(() => clusterAutoscalerExtraArgs({ [key]: value }))).toBe(`extraArgs.${key}`);
  });

  it.each([
    ['scale-down-unneeded-time', '10 minutes'],
    ['scale-down-delay-after-add', 600],
    ['max-node-provision-time', '15'],
    ['scan-interval', '1d'],
  ])('refuses duration %s = %j', (key, value) => {
    expect(refusedField(() => clusterAutoscalerExtraArgs({ [key]: value }))).toBe(`extraArgs.${key}`);
  });

  it.each([
    ['scale-down-utilization-threshold', 1.5],
    ['scale-down-utilization-threshold', -0.1],
    ['scale-down-utilization-threshold', 'half'],
    ['v', 11],
    ['v', 2.5],
    ['max-nodes-total', -1],
    ['balance-similar-node-groups', 'yes'],
  ])('refuses %s = %j', (key, value) => {
    expect(refusedField(() => clusterAutoscalerExtraArgs({ [key]: value }))).toBe(`extraArgs.${key}`);
  });

  it('reads numbers and booleans written as strings (a stack file may quote them)', () => {
    expect(
      clusterAutoscalerExtraArgs({
        'scale-down-utilization-threshold': '0.5',
        'balance-similar-node-groups': 'true',
      }),
    ).toEqual({ 'balance-similar-node-groups': true, 'scale-down-utilization-threshold': '0.5' });
  });

  it('refuses an unknown or misspelt flag, naming it', () => {
    expect(refusedField(() => clusterAutoscalerExtraArgs({ 'scale-down-unneded-time': '5m' }))).toBe(
      'extraArgs.scale-down-unneded-time',
    );
  });

  it('refuses flags the chart sets itself', () => {
    expect(() => clusterAutoscalerExtraArgs({ 'cloud-provider': 'aws' })).toThrow(
      /extraArgs\.cloud-provider/,
    );
    expect(
      refusedField(() => clusterAutoscalerExtraArgs({}, { 'node-group-auto-discovery': 'asg:tag=x' })),
    ).toBe('uncheckedExtraArgs.node-group-auto-discovery');
  });

  it('requires grpc-expander-url with the grpc expander', () => {
    expect(refusedField(() => clusterAutoscalerExtraArgs({ expander: 'grpc' }))).toBe(
      'extraArgs.grpc-expander-url',
    );
    expect(
      clusterAutoscalerExtraArgs({ expander: 'grpc', 'grpc-expander-url': 'expander.kube-system.svc:7000' }),
    ).toEqual({
      expander: 'grpc',
      'grpc-expander-url': 'expander.kube-system.svc:7000',
    });
  });

  it('renders repeated balancing-ignore-label flags with distinct keys (the chart drops from the first _)', () => {
    expect(
      clusterAutoscalerExtraArgs({
        'balancing-ignore-label': ['topology.ebs.csi.aws.com/zone', 'eks.amazonaws.com/nodegroup'],
      }),
    ).toEqual({
      'balancing-ignore-label_1': 'topology.ebs.csi.aws.com/zone',
      'balancing-ignore-label_2': 'eks.amazonaws.com/nodegroup',
    });
  });

  it('passes unchecked flags through but not over checked ones', () => {
    expect(clusterAutoscalerExtraArgs({ v: 4 }, { 'max-empty-bulk-delete': 20 })).toEqual({
      'max-empty-bulk-delete': '20',
      v: '4',
    });
    expect(refusedField(() => clusterAutoscalerExtraArgs({}, { v: 4 }))).toBe('uncheckedExtraArgs.v');
    expect(refusedField(() => clusterAutoscalerExtraArgs({}, { 'foo-bar': 'a\nb' }))).toBe(
      'uncheckedExtraArgs.foo-bar',
    );
  });

  it('lists the checked flags', () => {
    expect(CHECKED_EXTRA_ARGS).toContain('scale-down-unneeded-time');
    expect(CHECKED_EXTRA_ARGS).toContain('expander');
  });
});
