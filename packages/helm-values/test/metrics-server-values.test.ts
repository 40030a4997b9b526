import { describe, expect, it } from 'vitest';
import { METRICS_SERVER_CHART_VERSION, metricsServerRelease, metricsServerValues } from '../src/index.js';
import { refusedField } from './helpers.js';

describe('metricsServerValues', () => {
  it('creates the APIService by default', () => {
    expect(metricsServerValues()).toEqual({ apiService: { create: true } });
  });

  it('passes args, apiService, replicas and resources', () => {
    expect(
      metricsServerValues({
        args: ['--kubelet-insecure-tls', '--metric-resolution=30s'],
        apiService: { create: false },
        replicas: 2,
        resources: { requests: { cpu: '100m', memory: '200Mi' } },
      }),
    ).toEqual({
      apiService: { create: false },
      args: ['--kubelet-insecure-tls', '--metric-resolution=30s'],
      replicas: 2,
      resources: { requests: { cpu: '100m', memory: '200Mi' } },
    });
  });

  it.each([
    ['args[0]', { args: ['kubelet-insecure-tls'] }],
    ['args[1]', { args: ['--a=1', '--a=2'] }],
    ['args[0]', { args: ['--x=1\n--y'] }],
    ['args', { args: '--kubelet-insecure-tls' }],
    ['apiService.create', { apiService: { create: 'yes' } }],
    ['replicas', { replicas: 0 }],
    ['image.tag', { image: { tag: 'v0.8.1 latest' } }],
  ])('refuses bad %s', (field, input) => {
    expect(refusedField(() => metricsServerValues(input as never))).toBe(field);
  });
});

describe('metricsServerRelease', () => {
  it('pins the chart from the current repository (docs/AWS-FACTS.md#metrics-server-chart: chart 3.13.x)', () => {
    const { repository, release } = metricsServerRelease();
    expect(repository).toEqual({
      name: 'metrics-server',
      url: 'https://kubernetes-sigs.github.io/metrics-server/',
    });
    expect(release).toMatchObject({
      name: 'metrics-server',
      namespace: 'kube-system',
      chart: 'metrics-server/metrics-server',
    });
    expect(METRICS_SERVER_CHART_VERSION).toMatch(/^3\.13\.\d+$/);
    expect(release.version).toBe(METRICS_SERVER_CHART_VERSION);
  });

  it('takes a pinned chart version and refuses a range', () => {
    expect(metricsServerRelease({ chartVersion: '3.13.0' }).release.version).toBe('3.13.0');
    expect(refusedField(() => metricsServerRelease({ chartVersion: '3.x' }))).toBe('chartVersion');
  });
});
