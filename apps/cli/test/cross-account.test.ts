import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Emulator, World } from '@eks-kit/aws-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, ROOT, runCli, runProgram, startWorldEmulator } from './helpers.js';

const STACK = join(ROOT, 'examples/cross-account/eks-kit.yaml');
const world = JSON.parse(readFileSync(join(ROOT, 'examples/cross-account/world.json'), 'utf8')) as World;
const ROLE = 'arn:aws:iam::222222222222:role/eks-kit-dns';

let emu: Emulator;
beforeAll(async () => {
  emu = await startWorldEmulator(world);
});
afterAll(() => emu.stop());

const env = () => cliEnv({ AWS_ACCESS_KEY_ID: 'AKIDWORKLOAD' });
const cli = (...args: string[]) => runCli([...args, '-f', STACK, '--endpoint-url', emu.url], { env: env() });

describe('eks-kit with the zone in another account (examples/cross-account)', () => {
  it('cert dns-policy prints the role policy and the trust of this account, without the external id', async () => {
    const run = await cli('cert', 'dns-policy');
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as {
      roleArn: string;
      certificates: string[];
      permissionPolicy: { Statement: Array<{ Action: unknown }> };
      trustPolicy: { Statement: Array<{ Principal: { AWS: string }; Condition?: unknown }> };
    };
    expect(out.roleArn).toBe(ROLE);
    expect(out.certificates).toEqual(['*.apps.example.com']);
    expect(out.permissionPolicy.Statement.flatMap((s) => [s.Action].flat())).toEqual(
      expect.arrayContaining(['route53:ChangeResourceRecordSets', 'route53:ListHostedZonesByName']),
    );
    expect(out.trustPolicy.Statement[0]?.Principal.AWS).toBe('arn:aws:iam::111111111111:root');
    expect(JSON.stringify(out.trustPolicy)).toContain('sts:ExternalId');
    expect(run.stdout).not.toContain('shop-eks-kit-dns');
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('apply validates in the DNS account; plan then has no change; cert status reads through the role', async () => {
    const apply = await cli('apply', '--yes');
    expect(apply.code).toBe(0);
    expect(emu.calls({ service: 'route53', operation: 'ChangeResourceRecordSets' })).toMatchObject([
      { account: '222222222222' },
    ]);
    emu.resetCalls();
    const plan = await cli('plan');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('No changes.');
    expect(emu.calls({ mutating: true })).toEqual([]);
    const status = await cli('cert', 'status');
    expect(status.stdout).toMatch(/\*\.apps\.example\.com: ISSUED/);
    expect(`${apply.stdout}${apply.stderr}${plan.stdout}${status.stdout}`).not.toContain('shop-eks-kit-dns');
  });

  it('cert status of a pending certificate in an undelegated sub-zone says why and prints the NS records to add', async () => {
    const undelegated = structuredClone(world);
    (undelegated.route53?.hostedZones?.[0] as { records?: unknown[] }).records = [];
    emu.seed(undelegated);
    expect((await cli('cert', 'request')).code).toBe(0);
    const status = await cli('cert', 'status');
    expect(status.code).toBe(2);
    expect(status.stdout).toContain('delegation: apps.example.com is not delegated');
    expect(status.stdout).toContain(
      "add at the parent zone example.com (Z0EXAMPLECOMPARENT01, the stack's account): apps.example.com. NS ns-385.awsdns-01.org.",
    );
    expect(status.stdout).toMatch(/\*\.apps\.example\.com: PENDING_VALIDATION/);
  });

  it('the command of examples/README.md runs as written, in a shell with no other AWS variable (found trying eks-kit as a new user)', async () => {
    emu.seed(world);
    const readme = readFileSync(join(ROOT, 'examples/README.md'), 'utf8');
    const line = readme
      .split('\n')
      .find((l) => l.includes('examples/cross-account/eks-kit.yaml') && l.includes('apply'));
    if (!line) throw new Error('examples/README.md has no apply command for examples/cross-account');
    const command = line.replace('http://127.0.0.1:<port>', emu.url);
    // Nothing from this machine: only the variables the line itself sets (and no profile or metadata).
    const shellEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries(cliEnv()))
      if (k !== 'AWS_ACCESS_KEY_ID' && k !== 'AWS_SECRET_ACCESS_KEY') shellEnv[k] = v;
    const run = await runProgram('sh', ['-c', command], { env: shellEnv });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/certificate \*\.apps\.example\.com: ISSUED/);
  });
});
