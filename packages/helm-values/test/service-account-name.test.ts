import { describe, expect, it } from 'vitest';
import { clusterAutoscalerFullname, clusterAutoscalerServiceAccountName } from '../src/index.js';

// Rules of cluster-autoscaler/charts/cluster-autoscaler/templates/_helpers.tpl (kubernetes/autoscaler).
describe('clusterAutoscalerServiceAccountName', () => {
  it('defaults to <release>-aws-cluster-autoscaler with release cluster-autoscaler', () => {
    expect(clusterAutoscalerServiceAccountName()).toBe('cluster-autoscaler-aws-cluster-autoscaler');
  });

  it('prefixes any other release name', () => {
    expect(clusterAutoscalerServiceAccountName('ca')).toBe('ca-aws-cluster-autoscaler');
  });

  it('uses the name alone when the release equals it (the chart compares with ne)', () => {
    expect(clusterAutoscalerServiceAccountName('aws-cluster-autoscaler')).toBe('aws-cluster-autoscaler');
  });

  it('still prefixes a release that only contains the name (no contains check in the chart)', () => {
    expect(clusterAutoscalerServiceAccountName('my-aws-cluster-autoscaler')).toBe(
      'my-aws-cluster-autoscaler-aws-cluster-autoscaler',
    );
  });

  it('uses fullnameOverride as is', () => {
    expect(clusterAutoscalerServiceAccountName('ca', 'cluster-autoscaler')).toBe('cluster-autoscaler');
  });

  it('applies nameOverride, and the equality rule to it', () => {
    expect(clusterAutoscalerFullname('ca', undefined, 'autoscaler')).toBe('ca-autoscaler');
    expect(clusterAutoscalerFullname('autoscaler', undefined, 'autoscaler')).toBe('autoscaler');
  });

  it('lets rbac.serviceAccount.name win', () => {
    expect(clusterAutoscalerServiceAccountName('ca', 'x', { serviceAccountName: 'autoscaler' })).toBe(
      'autoscaler',
    );
  });

  it('falls back to default when the chart creates no service account and none is named', () => {
    expect(clusterAutoscalerServiceAccountName('ca', undefined, { createServiceAccount: false })).toBe(
      'default',
    );
  });

  it('truncates to 63 characters and drops one trailing dash (trunc 63 | trimSuffix "-")', () => {
    const release = 'a'.repeat(39); // 39 + 1 + 22 = 62: fits
    expect(clusterAutoscalerServiceAccountName(release)).toBe(`${release}-aws-cluster-autoscaler`);
    const long = 'b'.repeat(53); // Helm's longest release: 53 + 1 + 22 = 76, cut at 63
    const name = clusterAutoscalerServiceAccountName(long);
    expect(name).toBe(`${long}-aws-clust`);
    expect(name.length).toBeLessThanOrEqual(63);
  });

  it('drops the dash when the cut lands right after one', () => {
    // 50 + '-aws-cluster-' (13 chars) = 63: the 63rd character is '-', trimmed.
    const release = 'e'.repeat(50);
    expect(clusterAutoscalerServiceAccountName(release)).toBe(`${release}-aws-cluster`);
  });

  it('refuses a release name Helm would refuse', () => {
    expect(() => clusterAutoscalerServiceAccountName('Cluster_Autoscaler')).toThrow(
      /release: expected a Helm release name/,
    );
    expect(() => clusterAutoscalerServiceAccountName('x'.repeat(54))).toThrow(/release/);
  });
});
