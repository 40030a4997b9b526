import type { Emulator } from '@eks-kit/aws-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, SEED_STACK, startSeedEmulator } from './helpers.js';

// The domain commands after the seed stack is applied once.
let emu: Emulator;
beforeAll(async () => {
  emu = await startSeedEmulator();
  const apply = await runCli(['apply', '-f', SEED_STACK, '--yes', '--endpoint-url', emu.url]);
  if (apply.code !== 0) throw new Error(`apply failed: ${apply.stderr}`);
}, 60_000);
afterAll(async () => {
  await emu.stop();
});

const cli = (...args: string[]) => runCli([...args, '-f', SEED_STACK, '--endpoint-url', emu.url]);

describe('autoscaler commands', () => {
  it('policy restricts writes by the tag condition, or by ARN with --minimal', async () => {
    const policy = JSON.parse((await cli('autoscaler', 'policy')).stdout) as {
      Statement: Array<{ Condition?: unknown; Resource: unknown }>;
    };
    expect(JSON.stringify(policy.Statement)).toContain('aws:ResourceTag/k8s.io/cluster-autoscaler/seed');
    const minimal = await cli('autoscaler', 'policy', '--minimal');
    expect(minimal.stdout).toContain(':autoScalingGroupName/seed-workers-a');
  });

  it('trust reads the issuer from EKS and names the chart service account', async () => {
    const trust = await cli('autoscaler', 'trust');
    expect(trust.code).toBe(0);
    expect(trust.stdout).toContain(
      'system:serviceaccount:kube-system:cluster-autoscaler-aws-cluster-autoscaler',
    );
  });

  it('verify reports the applied set-up as ok', async () => {
    const verify = await cli('autoscaler', 'verify', '--json');
    expect(verify.code).toBe(0);
    const { findings } = JSON.parse(verify.stdout) as { findings: Array<{ status: string }> };
    expect(findings.filter((f) => f.status === 'fail')).toEqual([]);
  });

  it('fit: the seed case, 1500m fits a 2-vCPU node and 2000m does not', async () => {
    const fits = await cli('autoscaler', 'fit', '--cpu', '1500m', '--instance-type', 't3.large');
    expect(fits.code).toBe(0);
    expect(fits.stdout).toMatch(/^fits\s+t3\.large/);
    const tooBig = await cli('autoscaler', 'fit', '--cpu', '2000m', '--instance-type', 't3.large');
    expect(tooBig.code).toBe(1);
    expect(tooBig.stdout).toMatch(/no fit\s+t3\.large.*Insufficient cpu/);
  });

  it('tags lists the discovery and node-template tags; values are the rendered Helm values', async () => {
    expect((await cli('autoscaler', 'tags')).stdout).toContain(
      'k8s.io/cluster-autoscaler/node-template/label/workload=batch',
    );
    expect((await cli('autoscaler', 'values', '--account-id', '123456789012')).stdout).toContain(
      'awsRegion: ap-northeast-1',
    );
  });
});

describe('cert commands', () => {
  it('status, records and wait see the issued certificate; request changes nothing', async () => {
    expect((await cli('cert', 'status')).stdout).toMatch(/\*\.foo\.example\.com: ISSUED/);
    expect((await cli('cert', 'records')).stdout).toMatch(
      /\.foo\.example\.com\. CNAME .*acm-validations\.aws\./,
    );
    expect((await cli('cert', 'wait', '--timeout', '1')).code).toBe(0);
    emu.resetCalls();
    const request = await cli('cert', 'request');
    expect(request.stdout).toContain('No changes.');
    expect(emu.calls({ mutating: true })).toEqual([]);
  });
});

describe('ecr and helm commands', () => {
  it("check-push reproduces kaniko's check against the registry API", async () => {
    const push = await cli('ecr', 'check-push');
    expect(push.code).toBe(0);
    expect(push.stdout).toMatch(/ok\s+ecr\.push-access/);
  });

  it('repo --dry-run has nothing to change; docker-config and ci-job name the registry host', async () => {
    expect((await cli('ecr', 'repo', '--dry-run')).stdout).toContain('No changes.');
    const config = JSON.parse((await cli('ecr', 'docker-config')).stdout) as {
      credHelpers: Record<string, string>;
    };
    expect(config.credHelpers).toEqual({ '123456789012.dkr.ecr.ap-northeast-1.amazonaws.com': 'ecr-login' });
    expect((await cli('ecr', 'ci-job')).stdout).toContain('/kaniko/executor');
  });

  it('helm values and helmfile', async () => {
    expect((await cli('helm', 'values', '--chart', 'metrics-server')).stdout).toContain('apiService:');
    expect((await cli('helm', 'helmfile')).stdout).toContain('chart: metrics-server/metrics-server');
  });
});
