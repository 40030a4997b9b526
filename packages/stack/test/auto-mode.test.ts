import { readFileSync } from 'node:fs';
import type { Emulator, World } from '@eks-kit/aws-emulator';
import { startTestEmulator } from '@eks-kit/aws-emulator/testing';
import { type AwsClients, EksKitError } from '@eks-kit/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AUTO_MODE_CHECK,
  applyStack,
  autoModeToRefuse,
  checkStack,
  parseStack,
  planStack,
  stackChecks,
} from '../src/index.js';
import { stackClients } from './support/emulator.js';

// EKS Auto Mode (DescribeCluster computeConfig.enabled): EKS scales the nodes, no Cluster Autoscaler.
const root = new URL('../../../examples/seed/', import.meta.url);
const stackText = readFileSync(new URL('eks-kit.yaml', root), 'utf8');
const stack = parseStack(stackText);
const installAnyway = parseStack(
  stackText.replace(/^autoscaler:\n/m, 'autoscaler:\n  onAutoMode: install\n'),
);
const world = JSON.parse(readFileSync(new URL('world.json', root), 'utf8')) as World;
const autoWorld: World = {
  ...world,
  eks: {
    ...world.eks,
    clusters: (world.eks?.clusters ?? []).map((c) => ({
      ...c,
      autoMode: { nodePools: ['general-purpose', 'system'] },
    })),
  },
};

let emu: Emulator;
let clients: AwsClients;
beforeAll(async () => {
  emu = (await startTestEmulator({ seed: autoWorld })).emulator;
});
afterAll(async () => {
  clients?.destroy();
  await emu.stop();
});
beforeEach(async () => {
  emu.seed(autoWorld);
  emu.resetCalls();
  clients?.destroy();
  clients = await stackClients(emu);
});

const autoscalerResources = (resources: string[]) =>
  resources.filter((r) => /cluster-autoscaler|autoscaling|workers/.test(r));

describe('a stack with an autoscaler on an EKS Auto Mode cluster', () => {
  it('the stack file says refuse by default, install when told', () => {
    expect(stack.autoscaler?.onAutoMode).toBe('refuse');
    expect(installAnyway.autoscaler?.onAutoMode).toBe('install');
  });

  it('plan: no autoscaler tags or role, one blocking finding that says why and what eks-kit still manages', async () => {
    const plan = await planStack(clients, stack);
    expect(autoscalerResources(plan.changes.map((c) => c.resource))).toEqual([]);
    const autoMode = plan.findings.filter((f) => f.check === AUTO_MODE_CHECK);
    expect(autoMode).toHaveLength(1);
    expect(autoMode[0]).toMatchObject({ status: 'fail', resource: 'cluster seed' });
    expect(autoMode[0]?.message).toMatch(/EKS Auto Mode \(node pools general-purpose, system\)/);
    expect(autoMode[0]?.message).toMatch(/Cluster Autoscaler is not used there/);
    expect(autoMode[0]?.message).toMatch(/still manages .*certificate.*repositor.*GitLab build role/);
    expect(autoMode[0]?.hint).toMatch(/onAutoMode: install/);
    // The other steps are still planned.
    expect(plan.changes.some((c) => /seed-gitlab-runner-build/.test(c.resource))).toBe(true);
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('apply: refused before any change (ApplyBlocked)', async () => {
    const error = await applyStack(clients, stack, { yes: true, wait: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EksKitError);
    expect((error as EksKitError).code).toBe('ApplyBlocked');
    expect((error as EksKitError).message).toMatch(/EKS Auto Mode/);
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('check: the autoscaler checks are replaced by one warn finding', async () => {
    const findings = await checkStack(clients, stack);
    const autoscaler = findings.filter(
      (f) => f.check.startsWith('autoscaler.') || f.check.startsWith('drift.autoscaler.'),
    );
    expect(autoscaler).toEqual([
      expect.objectContaining({ check: AUTO_MODE_CHECK, status: 'warn', resource: 'cluster seed' }),
    ]);
    // The same check ids are still run (the Lambda's per-check metrics keep their names).
    expect(stackChecks(stack).map((c) => c.id)).toEqual(
      expect.arrayContaining(['drift.autoscaler.tags', 'drift.autoscaler.role', 'autoscaler.setup']),
    );
    expect(emu.calls({ service: 'autoscaling' })).toEqual([]);
  });

  it('told to install anyway (onAutoMode: install), plans the autoscaler as on any cluster', async () => {
    const plan = await planStack(clients, installAnyway);
    expect(plan.findings.filter((f) => f.check === AUTO_MODE_CHECK)).toEqual([]);
    expect(plan.changes.some((c) => c.resource === 'iam role seed-cluster-autoscaler')).toBe(true);
  });
});

describe('a stack with an autoscaler on a cluster not in Auto Mode', () => {
  it('plans and checks the autoscaler as before', async () => {
    emu.seed(world);
    const plan = await planStack(clients, stack);
    expect(plan.findings.filter((f) => f.check === AUTO_MODE_CHECK)).toEqual([]);
    expect(plan.changes.some((c) => c.resource === 'iam role seed-cluster-autoscaler')).toBe(true);
  });
});

describe('a stack whose cluster does not exist', () => {
  it('is not refused for Auto Mode: the steps report the missing cluster or groups themselves', async () => {
    const missing = parseStack(stackText.replace(/^(\s+name:) seed$/m, '$1 nowhere'));
    expect(missing.cluster.name).toBe('nowhere');
    await expect(autoModeToRefuse(clients, missing)).resolves.toBeUndefined();
    // The seed's own cluster is in Auto Mode here: the same call refuses it.
    await expect(autoModeToRefuse(clients, stack)).resolves.toMatchObject({ autoMode: true });
  });
});
