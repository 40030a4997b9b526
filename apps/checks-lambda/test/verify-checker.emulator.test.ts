/**
 * `verifyDeployedChecker` against the emulator: the last completed run (kept by the handler in the
 * state parameter) and the role's read actions, simulated with IAM SimulatePrincipalPolicy.
 */
import { PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import type { Emulator, World } from '@eks-kit/aws-emulator';
import { startTestEmulator } from '@eks-kit/aws-emulator/testing';
import { type AwsClients, createClients } from '@eks-kit/core';
import { verifyDeployedChecker } from '@eks-kit/stack';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkerNames, checksExecutionPolicy, READ_POLICY_NAME } from '../src/index.js';
import { fixtureStack } from './fixtures/stack-files.js';
import { ACCOUNT, fixtureWorld, REGION } from './fixtures/world.js';

const stack = fixtureStack();
const names = checkerNames(stack.name);
const NOW = new Date('2026-12-06T12:00:00.000Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString();

function deployedWorld(lastRunAt: string | undefined): World {
  const world = fixtureWorld();
  world.iam?.roles?.push({
    name: names.roleName,
    assumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    },
    inlinePolicies: { [READ_POLICY_NAME]: checksExecutionPolicy(stack, { accountId: ACCOUNT }) },
  } as never);
  (world.ssm as { parameters: Array<{ name: string; value: string }> }).parameters.push({
    name: names.stateParameter,
    value: lastRunAt ? JSON.stringify({ v: 1, lastRunAt, targets: {} }) : '{}',
  });
  return world;
}

let emu: Emulator;
let clients: AwsClients;
beforeAll(async () => {
  const env = await startTestEmulator({ seed: deployedWorld(hoursAgo(3)), region: REGION });
  emu = env.emulator;
  clients = await createClients(env.clientConfig());
});
afterAll(async () => {
  clients?.destroy();
  await emu?.stop();
});
beforeEach(() => {
  emu.seed(deployedWorld(hoursAgo(3)));
  emu.resetCalls();
});

const verify = (extra: Parameters<typeof verifyDeployedChecker>[2] = {}) =>
  verifyDeployedChecker(clients, stack, { accountId: ACCOUNT, now: NOW, ...extra });

describe('verifyDeployedChecker', () => {
  it('a checker that ran 3 h ago with its deployed role: both ok, by reads only', async () => {
    const findings = await verify();
    expect(findings.map((f) => [f.check, f.status])).toEqual([
      ['checker.last-run', 'ok'],
      ['checker.permissions', 'ok'],
    ]);
    expect(findings[1]?.message).toMatch(/allows every read the checks need \(\d+ simulated\)/);
    expect(emu.calls({ service: 'iam', operation: 'SimulatePrincipalPolicy' }).length).toBeGreaterThan(0);
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('a run older than the schedule period + 2 h fails, naming the schedule to look at', async () => {
    emu.seed(deployedWorld(hoursAgo(30)));
    const [lastRun] = await verify();
    expect(lastRun).toMatchObject({ check: 'checker.last-run', status: 'fail' });
    expect(lastRun?.message).toMatch(/last completed a run 30 h ago .* more than 26 h/);
    expect(lastRun?.hint).toContain(`aws scheduler get-schedule --name ${names.scheduleName}`);
    // An hourly schedule allows 3 h.
    emu.seed(deployedWorld(hoursAgo(4)));
    expect((await verify({ schedule: 'rate(1 hour)' }))[0]?.status).toBe('fail');
    expect((await verify({ schedule: 'rate(1 day)' }))[0]?.status).toBe('ok');
  });

  it('a checker that never completed a run, or is not deployed, fails', async () => {
    emu.seed(deployedWorld(undefined));
    expect((await verify())[0]?.message).toMatch(/has not completed a run yet/);
    emu.seed(fixtureWorld());
    const findings = await verify();
    expect(findings.map((f) => [f.check, f.status])).toEqual([
      ['checker.last-run', 'fail'],
      ['checker.permissions', 'fail'],
    ]);
    expect(findings[0]?.message).toMatch(/is not deployed here/);
  });

  /** The deployed read policy without `lost` actions. */
  async function narrowPolicy(lost: readonly string[]): Promise<void> {
    const policy = checksExecutionPolicy(stack, { accountId: ACCOUNT });
    const narrowed = {
      ...policy,
      Statement: policy.Statement.map((s) => ({
        ...s,
        Action: (Array.isArray(s.Action) ? s.Action : [s.Action]).filter(
          (a) => a !== undefined && !lost.includes(a),
        ),
      })).filter((s) => s.Action.length > 0),
    };
    const iam = await clients.iam();
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: names.roleName,
        PolicyName: READ_POLICY_NAME,
        PolicyDocument: JSON.stringify(narrowed),
      }),
    );
  }

  it('a checker deployed before issue 21 (no iam:GetAccountAuthorizationDetails) is a warning: its orphan scan falls back', async () => {
    await narrowPolicy(['iam:GetAccountAuthorizationDetails']);
    const [, permissions] = await verify();
    expect(permissions).toMatchObject({ check: 'checker.permissions', status: 'warn' });
    expect(permissions?.message).toContain('iam:GetAccountAuthorizationDetails (implicitDeny)');
    expect(permissions?.hint).toContain('deploy the checker again');
    // Neither fallback read (a checker deployed before both): still a warning naming both.
    await narrowPolicy(['iam:GetAccountAuthorizationDetails', 'tag:GetResources']);
    const [, older] = await verify();
    expect(older).toMatchObject({ check: 'checker.permissions', status: 'warn' });
    expect(older?.message).toContain('tag:GetResources (implicitDeny)');
    // Missing it and a read without fallback: a failure naming both.
    await narrowPolicy(['iam:GetAccountAuthorizationDetails', 'acm:DescribeCertificate']);
    const [, both] = await verify();
    expect(both).toMatchObject({ check: 'checker.permissions', status: 'fail' });
    expect(both?.message).toMatch(/cannot make 2 read\(s\)/);
  });

  it('a role whose read policy was narrowed fails, naming each action it lost', async () => {
    await narrowPolicy(['acm:DescribeCertificate']);
    const [, permissions] = await verify();
    expect(permissions).toMatchObject({ check: 'checker.permissions', status: 'fail' });
    expect(permissions?.message).toMatch(
      /acm:DescribeCertificate on arn:aws:acm:ap-northeast-1:123456789012:certificate\/\* \(implicitDeny\)/,
    );
    expect(permissions?.message).not.toMatch(/iam:GetRole/);
  });

  it('reads the last run the handler wrote (PutParameter), not a guess', async () => {
    const ssm = await clients.ssm();
    await ssm.send(
      new PutParameterCommand({
        Name: names.stateParameter,
        Value: JSON.stringify({ v: 1, lastRunAt: hoursAgo(0.5), targets: {} }),
        Type: 'String',
        Overwrite: true,
      }),
    );
    expect((await verify())[0]?.message).toMatch(/^last completed run 30 min ago/);
  });
});
