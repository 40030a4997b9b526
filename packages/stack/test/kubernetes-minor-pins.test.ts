/** Kubernetes minors outside the version map: refused at file:line unless chartVersion and imageTag pin them. */
import { describe, expect, it } from 'vitest';
import { parseStack, renderStack } from '../src/index.js';
import { errorOf, withVersion } from './support/stack-text.js';

describe('a Kubernetes minor outside the version map', () => {
  it('without pins: names cluster.kubernetesVersion at file:line, and the hint names the stack keys to set', () => {
    const e = errorOf(() => parseStack(withVersion('1.99'), 'eks-kit.yaml'));
    expect(e.field).toBe('cluster.kubernetesVersion');
    expect(e.message).toMatch(/^eks-kit\.yaml:5: cluster\.kubernetesVersion/);
    expect(e.hint).toContain('autoscaler.chartVersion');
    expect(e.hint).toContain('autoscaler.imageTag (v1.99.x)');
    expect(e.hint).not.toContain('image.tag');
    expect(e.message).toContain('or autoscaler.chartVersion and autoscaler.imageTag set');
    expect(e.message).not.toMatch(/or (chartVersion|image\.tag) pinned/);
  });

  it('with chartVersion only: still refused, and the hint names autoscaler.imageTag', () => {
    const e = errorOf(() => parseStack(withVersion('1.99', '  chartVersion: 9.59.0\n'), 'eks-kit.yaml'));
    expect(e.field).toBe('cluster.kubernetesVersion');
    expect(e.hint).toContain('autoscaler.imageTag');
  });

  it('with chartVersion and imageTag: parses and renders the pinned chart and image tag', () => {
    const stack = parseStack(withVersion('1.99', '  chartVersion: 9.59.0\n  imageTag: v1.99.1\n'));
    expect(stack.autoscaler?.imageTag).toBe('v1.99.1');
    const files = renderStack(stack, { accountId: '123456789012' });
    const values = files.find((f) => f.path === 'values/cluster-autoscaler.yaml')?.content ?? '';
    expect(values).toMatch(/tag: v1\.99\.1/);
    const helmfile = files.find((f) => f.path === 'helmfile.yaml')?.content ?? '';
    expect(helmfile).toContain('9.59.0');
  });

  it('an imageTag of another minor than the cluster is refused as autoscaler.imageTag with its line', () => {
    const e = errorOf(() =>
      parseStack(withVersion('1.99', '  chartVersion: 9.59.0\n  imageTag: v1.35.2\n'), 'eks-kit.yaml'),
    );
    expect(e.field).toBe('autoscaler.imageTag');
    expect(e.message).toMatch(/^eks-kit\.yaml:10: autoscaler\.imageTag/);
  });
});
