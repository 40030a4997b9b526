import { InvalidInputError } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import {
  CLUSTER_AUTOSCALER_VERSIONS,
  clusterAutoscalerChartVersion,
  clusterAutoscalerImageTag,
  clusterAutoscalerVersionFor,
  kubernetesMinor,
} from '../src/index.js';
import { refusedField } from './helpers.js';

describe('kubernetesMinor', () => {
  it.each([
    ['1.35', '1.35'],
    ['1.35.2', '1.35'],
    ['v1.35.2', '1.35'],
    ['v1.35.2-eks-113cf36', '1.35'],
    ['1.30', '1.30'],
  ])('reads %s as minor %s', (input, minor) => {
    expect(kubernetesMinor(input)).toBe(minor);
  });

  it('refuses a number: YAML reads an unquoted 1.30 as 1.3', () => {
    expect(() => kubernetesMinor(1.3)).toThrow(
      /kubernetesVersion: expected a Kubernetes version as a string/,
    );
  });

  it.each(['1', 'latest', '2.0', '1.35.x', ''])('refuses %j', (input) => {
    expect(refusedField(() => kubernetesMinor(input))).toBe('kubernetesVersion');
  });
});

describe('version map (autoscaler minor = Kubernetes minor, docs/AWS-FACTS.md#autoscaler-helm-chart)', () => {
  it('gives every known minor an image of the same minor and a 9.x chart', () => {
    for (const row of CLUSTER_AUTOSCALER_VERSIONS) {
      expect(row.imageTag.startsWith(`v${row.kubernetesMinor}.`)).toBe(true);
      expect(row.chartVersion).toMatch(/^9\.\d+\.\d+$/);
    }
  });

  it('pins chart versions that grow with the Kubernetes minor', () => {
    const charts = CLUSTER_AUTOSCALER_VERSIONS.map((row) => Number(row.chartVersion.split('.')[1]));
    expect([...charts].sort((a, b) => b - a)).toEqual(charts);
  });

  it('maps 1.35 to chart 9.59.x and image v1.35.x (docs/AWS-FACTS.md#autoscaler-helm-chart)', () => {
    const v = clusterAutoscalerVersionFor('1.35.0');
    expect(v.kubernetesMinor).toBe('1.35');
    expect(v.chartVersion).toMatch(/^9\.59\./);
    expect(v.imageTag).toMatch(/^v1\.35\./);
  });

  it('maps 1.34 to chart 9.51.0+ and 1.33 to 9.47.0+ (upstream README table)', () => {
    expect(Number(clusterAutoscalerChartVersion('1.34').split('.')[1])).toBeGreaterThanOrEqual(51);
    expect(Number(clusterAutoscalerChartVersion('1.33').split('.')[1])).toBeGreaterThanOrEqual(47);
    expect(Number(clusterAutoscalerChartVersion('1.33').split('.')[1])).toBeLessThan(51);
  });

  it('knows the oldest minor of the map and refuses the one just below it', () => {
    const oldest = CLUSTER_AUTOSCALER_VERSIONS.at(-1)!;
    expect(clusterAutoscalerImageTag(oldest.kubernetesMinor)).toBe(oldest.imageTag);
    const [major, minor] = oldest.kubernetesMinor.split('.').map(Number);
    expect(refusedField(() => clusterAutoscalerImageTag(`${major}.${minor! - 1}`))).toBe('kubernetesVersion');
  });

  it('refuses an unknown newer minor, saying what to pin', () => {
    expect(() => clusterAutoscalerVersionFor('1.36')).toThrow(InvalidInputError);
    try {
      clusterAutoscalerChartVersion('1.36');
    } catch (error) {
      expect((error as InvalidInputError).field).toBe('kubernetesVersion');
      expect((error as InvalidInputError).hint).toMatch(/pin chartVersion/);
    }
    expect(() => clusterAutoscalerImageTag('1.36')).toThrow(/image\.tag pinned/);
  });

  it('accepts an unknown minor when chart version and image tag are pinned', () => {
    expect(clusterAutoscalerVersionFor('1.36', { chartVersion: '9.59.0', imageTag: 'v1.36.1' })).toEqual({
      kubernetesMinor: '1.36',
      chartVersion: '9.59.0',
      imageTag: 'v1.36.1',
    });
  });

  it('still refuses an unknown minor when only one of the two is pinned', () => {
    expect(refusedField(() => clusterAutoscalerVersionFor('1.36', { imageTag: 'v1.36.1' }))).toBe(
      'kubernetesVersion',
    );
    expect(refusedField(() => clusterAutoscalerVersionFor('1.36', { chartVersion: '9.59.0' }))).toBe(
      'kubernetesVersion',
    );
  });

  it('lets a pin win over the map for a known minor', () => {
    expect(
      clusterAutoscalerVersionFor('1.35', { chartVersion: '9.58.0', imageTag: 'v1.35.0' }),
    ).toMatchObject({
      chartVersion: '9.58.0',
      imageTag: 'v1.35.0',
    });
  });

  it('refuses a pinned image of another minor unless skew is allowed', () => {
    expect(refusedField(() => clusterAutoscalerImageTag('1.35', 'v1.34.4'))).toBe('image.tag');
    expect(clusterAutoscalerImageTag('1.35', 'v1.34.4', { allowVersionSkew: true })).toBe('v1.34.4');
  });

  it('refuses a chart version range or a malformed tag', () => {
    expect(refusedField(() => clusterAutoscalerChartVersion('1.35', '^9.59.0'))).toBe('chartVersion');
    expect(refusedField(() => clusterAutoscalerChartVersion('1.35', '9.59'))).toBe('chartVersion');
    expect(refusedField(() => clusterAutoscalerImageTag('1.35', 'v1.35.2 latest'))).toBe('image.tag');
  });
});
