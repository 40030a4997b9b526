/** Issue 9 (what a new user hit): unknown Kubernetes minors, stack files without cluster.region. */
import { readFileSync } from 'node:fs';
import type { World } from '@eks-kit/aws-emulator';
import { startTestEmulator } from '@eks-kit/aws-emulator/testing';
import { type EksKitError, finding, InvalidInputError } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { applyStack, inStackTerms, parseStack, planStack, renderStack } from '../src/index.js';
import { stackClients } from './support/emulator.js';

const withVersion = (version: string, pins = ''): string => `name: demo
cluster:
  name: demo
  region: eu-west-1
  kubernetesVersion: "${version}"
autoscaler:
  workerGroups:
    prefix: demo-workers-
${pins}`;

function errorOf(run: () => unknown): InvalidInputError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return error as InvalidInputError;
  }
  throw new Error('expected an InvalidInputError');
}

describe('a Kubernetes minor outside the version map (issue 9 item 2)', () => {
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

describe('cluster.region from a default (issue 9 item 4)', () => {
  const noRegion = withVersion('1.35').replace('  region: eu-west-1\n', '');

  it('a file without cluster.region takes defaultRegion', () => {
    expect(parseStack(noRegion, 'eks-kit.yaml', { defaultRegion: 'ap-northeast-1' }).cluster.region).toBe(
      'ap-northeast-1',
    );
  });

  it("the file's own region wins over defaultRegion", () => {
    expect(
      parseStack(withVersion('1.35'), 'eks-kit.yaml', { defaultRegion: 'ap-northeast-1' }).cluster.region,
    ).toBe('eu-west-1');
  });

  it('without a default, a missing cluster.region is refused naming the key', () => {
    expect(errorOf(() => parseStack(noRegion, 'eks-kit.yaml')).field).toBe('cluster.region');
  });

  it('a bad defaultRegion is refused like a bad cluster.region', () => {
    expect(errorOf(() => parseStack(noRegion, 'eks-kit.yaml', { defaultRegion: 'eu-west' })).field).toBe(
      'cluster.region',
    );
  });
});

describe('worker group selection in stack terms (issue 9 item 5)', () => {
  it('a prefix that matches no group: the plan error names autoscaler.workerGroups and prefix, not namePrefix', async () => {
    const root = new URL('../../../examples/seed/', import.meta.url);
    const world = JSON.parse(readFileSync(new URL('world.json', root), 'utf8')) as World;
    const seed = readFileSync(new URL('eks-kit.yaml', root), 'utf8');
    const stack = parseStack(
      seed.replace(/workerGroups:\n(\s+)names:[^\n]*(\n\s+- [^\n]*)*/, 'workerGroups:\n$1prefix: nosuch-'),
    );
    expect(stack.autoscaler?.workerGroups.prefix).toBe('nosuch-');
    const emu = (await startTestEmulator({ seed: world })).emulator;
    const clients = await stackClients(emu);
    try {
      // issue 14: the plan shows the refusal as a blocking finding (and goes on with the other steps)
      const plan = await planStack(clients, stack);
      const e = plan.findings.find((f) => f.check === 'autoscaler.tags.blocked');
      expect(e?.status).toBe('fail');
      if (!e) throw new Error('no blocker finding');
      expect(e.message).toContain('autoscaler.workerGroups (prefix nosuch-)');
      expect(e.hint).toContain('autoscaler.workerGroups');
      expect(plan.changes.some((c) => c.resource.startsWith('iam role'))).toBe(true);
      const refused = await applyStack(clients, stack, { yes: true, wait: false }).then(
        () => undefined,
        (x: unknown) => x,
      );
      expect((refused as EksKitError).code).toBe('ApplyBlocked');
      expect(emu.calls({ mutating: true })).toEqual([]);
      expect(`${e.message} ${e.hint}`).not.toContain('namePrefix');
    } finally {
      clients.destroy();
      await emu.stop();
    }
  });

  it('the "no worker group" finding of a check names autoscaler.workerGroups', () => {
    const [f] = inStackTerms([
      finding(
        'autoscaler.node-groups',
        'cluster seed',
        'fail',
        'no worker Auto Scaling group found for the cluster',
        {
          hint: 'select the groups by names or namePrefix, or tag them with ensureAutoDiscoveryTags',
        },
      ),
    ]);
    expect(f?.hint).toContain('autoscaler.workerGroups');
    expect(f?.hint).not.toContain('namePrefix');
  });
});
