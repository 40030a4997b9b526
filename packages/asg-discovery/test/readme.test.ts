import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startEmulator } from '@eks-kit/aws-emulator';
import { createClients, renderChanges } from '@eks-kit/core';
import { expect, it, vi } from 'vitest';
import {
  checkAutoscalerSetup,
  discoverNodeGroups,
  ensureAutoDiscoveryTags,
  ensureClusterAutoscalerRole,
} from '../src/index.js';

it('the README emulator example runs as written', async () => {
  const issuer = 'https://oidc.eks.ap-northeast-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF';
  const emu = await startEmulator({
    port: 0,
    host: '127.0.0.1',
    speed: 1000,
    seed: {
      region: 'ap-northeast-1',
      eks: { clusters: [{ name: 'eks-kit-demo', oidcIssuer: issuer }] },
      iam: { oidcProviders: [issuer] },
      ec2: { launchTemplates: [{ name: 'workers', instanceType: 't3.large' }] },
      autoscaling: {
        groups: [
          {
            name: 'eks-workers-2a',
            minSize: 1,
            maxSize: 8,
            desiredCapacity: 2,
            launchTemplate: { name: 'workers' },
            tags: { 'eks:cluster-name': 'eks-kit-demo', 'k8s.io/cluster-autoscaler/enabled': '1' },
          },
        ],
      },
    },
  });
  const clients = await createClients({
    region: 'ap-northeast-1',
    endpoint: emu.url,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
  try {
    const plan = await ensureAutoDiscoveryTags(
      clients,
      { cluster: 'eks-kit-demo', stack: 'demo' },
      { dryRun: true },
    );
    const text = renderChanges(plan.changes);
    expect(text).toMatch(/~ autoscaling group eks-workers-2a/);
    expect(text).toMatch(/fix k8s\.io\/cluster-autoscaler\/enabled: "1" -> "true"/);
    expect(text).toMatch(/adopt: exists without eks-kit:stack \(made by hand\); add eks-kit:stack=demo/);
    expect(text).toMatch(/add k8s\.io\/cluster-autoscaler\/eks-kit-demo=owned$/m);
    await expect(
      ensureAutoDiscoveryTags(clients, { cluster: 'eks-kit-demo', stack: 'demo' }),
    ).rejects.toThrow(/without the tag eks-kit:stack/);
    await ensureAutoDiscoveryTags(clients, { cluster: 'eks-kit-demo', stack: 'demo' }, { adopt: true });
    const role = await ensureClusterAutoscalerRole(clients, {
      cluster: 'eks-kit-demo',
      identity: 'irsa',
      stack: 'demo',
    });
    expect(role.serviceAccountAnnotations).toEqual({
      'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/eks-kit-demo-cluster-autoscaler',
    });
    const groups = await discoverNodeGroups(clients, { cluster: 'eks-kit-demo' });
    expect(groups.map((g) => [g.name, `${g.minSize}-${g.maxSize}`, g.instanceTypes.join(',')])).toEqual([
      ['eks-workers-2a', '1-8', 't3.large'],
    ]);
    const findings = await checkAutoscalerSetup(clients, { cluster: 'eks-kit-demo', identity: 'irsa' });
    expect(findings.filter((f) => f.status === 'fail')).toEqual([]);
  } finally {
    clients.destroy();
    await emu.stop();
  }
});

/** The README's ```ts blocks, verbatim but for the package import (this package's source) and the log file. */
function readmeBlocks(): string[] {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
}

it('every README code block runs as written (package import pointed at src, ca.log at a fixture)', async () => {
  const blocks = readmeBlocks();
  expect(blocks.length).toBe(3);
  const src = fileURLToPath(new URL('../src/index.ts', import.meta.url));
  const log = fileURLToPath(new URL('./fixtures/scale-up-down.klog.log', import.meta.url));
  const printed: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    printed.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  });
  try {
    for (const [i, block] of blocks.entries()) {
      const code = block
        .replaceAll("from '@eks-kit/asg-discovery'", `from ${JSON.stringify(src)}`)
        .replaceAll("'ca.log'", JSON.stringify(log));
      const file = fileURLToPath(new URL(`./.readme-block-${i}.ts`, import.meta.url));
      writeFileSync(file, `${code}\nexport {};\n`);
      try {
        await import(/* @vite-ignore */ `${pathToFileURL(file).href}?t=${Date.now()}`);
      } finally {
        rmSync(file, { force: true });
      }
    }
  } finally {
    spy.mockRestore();
  }
  expect(printed).toContain('eks-workers-2a 1-8 t3.large');
  expect(printed).toContain('eks-workers-2a-3cc5f1a2 4->5 (max 8) finished in 120.79s');
  expect(printed).toContain('2 malformed line(s) skipped');
});
