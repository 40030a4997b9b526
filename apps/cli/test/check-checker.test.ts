import type { Emulator, World } from '@eks-kit/aws-emulator';
import { EXIT_CODES } from '@eks-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, SEED_STACK, seedWorld, startWorldEmulator } from './helpers.js';

// `eks-kit check --checker`: the deployed checks Lambda of the seed stack (role eks-kit-checks-seed,
// state parameter /eks-kit/seed/checks-state written by its handler).
const lastRunAt = (hoursAgo: number) => new Date(Date.now() - hoursAgo * 3_600_000).toISOString();

function deployed(hoursAgo: number, deny: string[] = []): World {
  const world = seedWorld();
  const roles = [...((world.iam?.roles as unknown[]) ?? [])];
  roles.push({
    name: 'eks-kit-checks-seed',
    assumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    },
    inlinePolicies: {
      'eks-kit-checks-read': {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: '*', Resource: '*' },
          ...(deny.length > 0 ? [{ Effect: 'Deny', Action: deny, Resource: '*' }] : []),
        ],
      },
    },
  });
  const ssm = (world.ssm as { parameters?: unknown[] } | undefined)?.parameters ?? [];
  return {
    ...world,
    iam: { ...world.iam, roles: roles as never },
    ssm: {
      parameters: [
        ...ssm,
        {
          name: '/eks-kit/seed/checks-state',
          value: JSON.stringify({ v: 1, lastRunAt: lastRunAt(hoursAgo), targets: {} }),
        },
      ],
    },
  };
}

let emu: Emulator;
beforeAll(async () => {
  emu = await startWorldEmulator(deployed(2));
});
afterAll(async () => {
  await emu.stop();
});

const cli = (...args: string[]) => runCli([...args, '-f', SEED_STACK, '--endpoint-url', emu.url]);

describe('eks-kit check --checker', () => {
  it('a checker that ran 2 h ago with its reads allowed: exit 0, two ok findings', async () => {
    emu.seed(deployed(2));
    const run = await cli('check', '--checker', '--json');
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as { findings: Array<{ check: string; status: string }> };
    expect(doc.findings.map((f) => [f.check, f.status])).toEqual([
      ['checker.last-run', 'ok'],
      ['checker.permissions', 'ok'],
    ]);
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('over an organisation (a state machine <function>-run): its last execution failed: exit 2, named with how to read it', async () => {
    const world = deployed(2);
    const machine = (status: string) => ({
      ...world,
      stepfunctions: {
        stateMachines: [
          {
            name: 'eks-kit-checks-seed-run',
            executions: [
              { name: 'older', status: 'SUCCEEDED', startedSecondsAgo: 90_000, stoppedSecondsAgo: 89_000 },
              { name: 'daily-1206', status, startedSecondsAgo: 7_200, stoppedSecondsAgo: 3_600 },
            ],
          },
        ],
      },
    });
    emu.seed(machine('FAILED'));
    emu.resetCalls();
    const failed = await cli('check', '--checker', '--json');
    expect(failed.code).toBe(EXIT_CODES.failingFindings);
    const doc = JSON.parse(failed.stdout) as {
      findings: Array<{ check: string; status: string; message: string; hint?: string }>;
    };
    expect(doc.findings.map((f) => [f.check, f.status])).toEqual([
      ['checker.last-run', 'ok'],
      ['checker.last-execution', 'fail'],
      ['checker.permissions', 'ok'],
    ]);
    const execution = doc.findings[1];
    expect(execution?.message).toMatch(/last run over the organisation \(daily-1206\) ended FAILED/);
    expect(execution?.hint).toMatch(
      /aws stepfunctions get-execution-history --execution-arn arn:aws:states:ap-northeast-1:\d{12}:execution:eks-kit-checks-seed-run:daily-1206/,
    );
    expect(emu.calls({ service: 'states', operation: 'ListExecutions' })).toHaveLength(1);

    emu.seed(machine('SUCCEEDED'));
    const ok = await cli('check', '--checker', '--json');
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.stdout) as typeof doc).findings[1]).toMatchObject({
      check: 'checker.last-execution',
      status: 'ok',
    });
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('a stale run and a role denied a read: exit 2, both named', async () => {
    emu.seed(deployed(40, ['acm:DescribeCertificate']));
    const run = await cli('check', '--checker');
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/checker\.last-run/);
    expect(run.stdout).toMatch(/last completed a run 40 h ago/);
    expect(run.stdout).toMatch(/acm:DescribeCertificate .*explicitDeny/);
  });

  it('--checker-schedule sets how old the last run may be; a schedule it cannot size is refused before AWS', async () => {
    emu.seed(deployed(5));
    expect((await cli('check', '--checker', '--checker-schedule', 'rate(1 hour)')).code).toBe(2);
    emu.resetCalls();
    const bad = await cli('check', '--checker', '--checker-schedule', 'sometimes');
    expect(bad.code).toBe(EXIT_CODES.invalidInput);
    // Found trying eks-kit as a new user: it said "schedule: ..." and offered --heartbeat-hours, a flag
    // of the deploy script that eks-kit check does not have.
    expect(bad.stderr).toMatch(
      /^Error: --checker-schedule: expected rate\(N minutes\|hours\|days\) or a daily cron\(\.\.\.\), got "sometimes"$/m,
    );
    expect(bad.stderr).not.toContain('heartbeat');
    expect(emu.calls()).toEqual([]);
  });
});
