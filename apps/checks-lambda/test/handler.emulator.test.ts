/**
 * The handler invoked locally against the emulator, as EventBridge Scheduler would invoke it: an
 * account converged by `apply`, then drifted by hand (an untagged group, a deleted validation CNAME,
 * a widened inline policy).
 */
import type { Emulator } from '@eks-kit/aws-emulator';
import { startTestEmulator } from '@eks-kit/aws-emulator/testing';
import { type AwsClients, createClients, InvalidInputError } from '@eks-kit/core';
import { asList } from '@eks-kit/iam-policies';
import type { Stack } from '@eks-kit/stack';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type ChecksResult,
  checksExecutionPolicy,
  createChecksHandler,
  stackCheckTasks,
} from '../src/index.js';
import { captureOutput, emfLines } from './fixtures/capture-output.js';
import { convergeStack } from './fixtures/converge.js';
import { deleteValidationRecords, untagGroup, widenInlinePolicy } from './fixtures/drift.js';
import { AUTOSCALER_ROLE, expectDriftFound } from './fixtures/expect-drift.js';
import { fixtureStack } from './fixtures/stack-files.js';
import {
  ACCOUNT,
  ALERT_TOPIC,
  CHECKS_ROLE,
  fixtureWorld,
  REGION,
  STACK_PARAMETER,
} from './fixtures/world.js';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY1',
};
const context = { getRemainingTimeInMillis: () => 300_000, awsRequestId: 'test' };
let emu: Emulator;
let admin: AwsClients;
let stack: Stack;
let deletedRecords: string[];

function handlerEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    EKS_KIT_STACK_PARAMETER: STACK_PARAMETER,
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL: emu.url,
    ...extra,
  };
}

function invoke(extra: Record<string, string> = {}, deps: Parameters<typeof createChecksHandler>[0] = {}) {
  const handler = createChecksHandler({
    env: handlerEnv(extra),
    clientOptions: { credentials, maxAttempts: 3 },
    ...deps,
  });
  return captureOutput(() => handler({ 'detail-type': 'Scheduled Event' }, context));
}

const fails = (result: ChecksResult) => result.findings.filter((f) => f.status === 'fail');

beforeAll(async () => {
  emu = (await startTestEmulator({ seed: fixtureWorld() })).emulator;
  admin = await createClients({ region: REGION, endpoint: emu.url, credentials, maxAttempts: 3 });
  stack = fixtureStack();
  const applied = await convergeStack(admin, stack);
  expect(applied).toEqual([
    'autoscaler.tags',
    'autoscaler.role',
    'gitlab.role',
    'repositories',
    'certificates',
  ]);
  await untagGroup(admin, 'lt-workers-a', 'lambda-test');
  deletedRecords = await deleteValidationRecords(admin, 'apps.example.com');
  await widenInlinePolicy(admin, AUTOSCALER_ROLE, 'cluster-autoscaler', 'autoscaling:UpdateAutoScalingGroup');
});
afterAll(async () => {
  admin?.destroy();
  await emu?.stop();
});
beforeEach(() => {
  emu.resetCalls();
});

describe('the checks handler on a drifted account', () => {
  it('finds the untagged group, the deleted validation CNAME and the changed inline policy', async () => {
    const { result } = await invoke();
    expect(deletedRecords).toHaveLength(1);
    expectDriftFound(result.findings, deletedRecords[0] as string);
  });

  it('returns and logs a summary with counts per status and per check', async () => {
    const { result, lines } = await invoke();
    expect(result.stack).toBe('lambda-test');
    expect(result.status).toBe('fail');
    expect(result.checkErrors).toBe(0);
    expect(result.counts.fail).toBe(fails(result).length);
    expect(result.counts.ok + result.counts.warn + result.counts.fail).toBe(result.findings.length);
    expect(result.targets).toHaveLength(1);
    expect(result.targets[0]?.checks.map((c) => [c.name, c.outcome])).toEqual([
      ['drift.autoscaler.tags', 'completed'],
      ['drift.autoscaler.role', 'completed'],
      ['drift.gitlab.role', 'completed'],
      ['drift.repositories', 'completed'],
      ['drift.certificates', 'completed'],
      ['ownership.grants', 'completed'],
      ['autoscaler.setup', 'completed'],
      ['certificates', 'completed'],
      ['stack.orphans', 'completed'], // issue 16
    ]);
    const summaryLine = lines.find((l) => typeof l.summary === 'object');
    expect(summaryLine).toMatchObject({
      level: 'ERROR',
      service: 'eks-kit-checks',
      stack: 'lambda-test',
      message: `eks-kit checks: fail (${result.counts.fail} fail, ${result.counts.warn} warn, ${result.counts.ok} ok)`,
      summary: { counts: result.counts, status: 'fail' },
    });
    // Each finding is one JSON log line, at the level of its status.
    const findingLines = lines.filter((l) => typeof l.finding === 'object');
    expect(findingLines).toHaveLength(result.findings.length);
    for (const line of findingLines) {
      const f = line.finding as { status: string };
      expect(line.level).toBe({ ok: 'INFO', warn: 'WARN', fail: 'ERROR' }[f.status]);
    }
  });

  it('writes EMF metrics: failures, warnings, days to the nearest expiry, and each check duration', async () => {
    const { result, lines } = await invoke();
    const emf = emfLines(lines);
    const totals = emf.find((l) => 'Failures' in l);
    expect(totals).toMatchObject({
      service: 'eks-kit-checks',
      stack: 'lambda-test',
      Failures: result.counts.fail,
      Warnings: result.counts.warn,
      CheckErrors: 0,
      DaysToNearestCertificateExpiry: result.nearestCertificateExpiryDays,
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'EksKit/Checks',
            Dimensions: [['service', 'stack']],
            Metrics: expect.arrayContaining([
              { Name: 'Failures', Unit: 'Count' },
              { Name: 'Warnings', Unit: 'Count' },
              { Name: 'DaysToNearestCertificateExpiry', Unit: 'None' },
            ]),
          },
        ],
      },
    });
    // A certificate issued today lives 198 days since ACM's 2026-02-18 change (issue 17), not 395.
    expect(result.nearestCertificateExpiryDays).toBeGreaterThan(190);
    expect(result.nearestCertificateExpiryDays).toBeLessThanOrEqual(198);
    const durations = emf.filter((l) => 'CheckDuration' in l);
    expect(durations.map((l) => l.check)).toEqual(result.targets[0]?.checks.map((c) => c.name));
    for (const line of durations) {
      expect(typeof line.CheckDuration).toBe('number');
      expect(line._aws).toMatchObject({
        CloudWatchMetrics: [
          {
            Dimensions: [['service', 'stack', 'check']],
            Metrics: [{ Name: 'CheckDuration', Unit: 'Milliseconds' }],
          },
        ],
      });
    }
  });

  it('publishes the failures to the SNS topic, without credentials', async () => {
    const before = (emu.state.sns as { published: unknown[] }).published.length;
    const { result, text } = await invoke({ EKS_KIT_SNS_TOPIC_ARN: ALERT_TOPIC });
    const published = (
      emu.state.sns as { published: Array<{ topicArn: string; subject: string; message: string }> }
    ).published;
    expect(published).toHaveLength(before + 1);
    const notice = published.at(-1);
    expect(notice?.topicArn).toBe(ALERT_TOPIC);
    // No state parameter in this environment: every run is a first run, announcing every failure.
    expect(result.changes.notice).toBe('first-run');
    expect(notice?.subject).toBe(
      `eks-kit checks: ${result.changes.newFailures.length} failures in stack lambda-test`,
    );
    for (const f of fails(result)) expect(notice?.message).toContain(`FAIL ${f.check} ${f.resource}`);
    expect(result.notification).toEqual({ kind: 'first-run', messageId: expect.any(String) });
    for (const secret of [credentials.secretAccessKey]) {
      expect(notice?.message).not.toContain(secret);
      expect(text).not.toContain(secret);
      expect(JSON.stringify(result)).not.toContain(secret);
    }
  });

  it('calls no mutating API (but the SNS notice), and only actions its execution policy grants', async () => {
    await invoke({ EKS_KIT_SNS_TOPIC_ARN: ALERT_TOPIC });
    const mutating = emu.calls({ mutating: true });
    expect(mutating.map((c) => `${c.service}:${c.operation}`)).toEqual(['sns:Publish']);
    const granted = new Set(
      checksExecutionPolicy(stack, { accountId: ACCOUNT }).Statement.flatMap((s) => asList(s.Action)),
    );
    // Granted by the template's runtime policy, or needing no permission at all (STS reference).
    const runtime = new Set(['ssm:GetParameter', 'sns:Publish', 'sts:GetCallerIdentity']);
    const called = [...new Set(emu.calls().map((c) => `${c.service}:${c.operation}`))].sort();
    expect(called.filter((a) => !granted.has(a) && !runtime.has(a))).toEqual([]);
  });

  it('reports the same findings when AWS throttles and fails calls (the SDK retries them)', async () => {
    const { result: clean } = await invoke();
    emu.setFaults([
      { kind: 'throttle', count: 4 },
      { kind: 'error5xx', count: 2 },
      { service: 'iam', kind: 'throttle', count: 2 },
    ]);
    try {
      const { result } = await invoke({}, { clientOptions: { credentials, maxAttempts: 8 } });
      expect(result.checkErrors).toBe(0);
      expect(result.findings.map((f) => [f.check, f.resource, f.status])).toEqual(
        clean.findings.map((f) => [f.check, f.resource, f.status]),
      );
      expect(emu.calls().filter((c) => c.error !== undefined).length).toBeGreaterThanOrEqual(6);
    } finally {
      emu.setFaults([]);
    }
  });

  it('reports a check that throws as a failure and still reports every other check', async () => {
    const { result: clean } = await invoke();
    const { result } = await invoke(
      {},
      {
        checkTasks: (s) => [
          ...stackCheckTasks(s),
          {
            name: 'exploding',
            resource: 'cluster lambda-test',
            run: async () => {
              throw new Error('kaboom');
            },
          },
        ],
      },
    );
    expect(result.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          check: 'exploding',
          status: 'fail',
          message: 'check exploding failed: kaboom',
        }),
      ]),
    );
    const others = result.findings.filter((f) => f.check !== 'exploding');
    expect(others.map((f) => [f.check, f.resource, f.status])).toEqual(
      clean.findings.map((f) => [f.check, f.resource, f.status]),
    );
    expect(result.checkErrors).toBe(1);
  });
});

describe('the checks handler configuration', () => {
  it('reads the stack inline (JSON or YAML) as well as from SSM', async () => {
    const { result } = await invoke({ EKS_KIT_STACK_PARAMETER: '', EKS_KIT_STACK: JSON.stringify(stack) });
    expect(result.stack).toBe('lambda-test');
    expect(emu.calls({ service: 'ssm' })).toEqual([]);
  });

  it('refuses a bad configuration before any AWS call, and logs why', async () => {
    const { result, lines } = await captureOutput(() =>
      createChecksHandler({
        env: handlerEnv({ EKS_KIT_CHECK_CONCURRENCY: 'many' }),
        clientOptions: { credentials },
      })({}, context).then(
        () => 'resolved',
        (error: unknown) => error,
      ),
    );
    expect(result).toBeInstanceOf(InvalidInputError);
    expect((result as InvalidInputError).field).toBe('EKS_KIT_CHECK_CONCURRENCY');
    expect(lines).toEqual([
      expect.objectContaining({ level: 'ERROR', message: 'eks-kit checks could not run' }),
    ]);
    expect(emu.calls()).toEqual([]);
  });

  it('refuses an invalid stack with the field and its line', async () => {
    const { result } = await captureOutput(() =>
      createChecksHandler({
        env: handlerEnv({
          EKS_KIT_STACK_PARAMETER: '',
          EKS_KIT_STACK: 'name: x\ncluster:\n  name: x\n  region: nowhere\n  kubernetesVersion: "1.35"\n',
        }),
        clientOptions: { credentials },
      })({}, context).catch((error: unknown) => error),
    );
    expect(result).toBeInstanceOf(InvalidInputError);
    expect((result as InvalidInputError).message).toMatch(/^EKS_KIT_STACK:4: cluster\.region: /);
  });

  it('answers a missing stack parameter with the SSM error', async () => {
    const { result } = await captureOutput(() =>
      createChecksHandler({
        env: handlerEnv({ EKS_KIT_STACK_PARAMETER: '/nope' }),
        clientOptions: { credentials },
      })({}, context).catch((error: unknown) => error),
    );
    expect(String((result as Error).message)).toContain(
      'ssm:GetParameter on /nope failed: ParameterNotFound',
    );
  });
});

describe('the checks handler across accounts', () => {
  it('checks through each assumed role; a role that cannot be assumed is one failure, the others still report', async () => {
    const missing = `arn:aws:iam::${ACCOUNT}:role/not-there`;
    const { result } = await invoke({
      EKS_KIT_ASSUME_ROLE_ARNS: `${CHECKS_ROLE},${missing}`,
      EKS_KIT_TARGET_CONCURRENCY: '2',
    });
    expect(result.targets.map((t) => [t.target, t.status])).toEqual([
      [CHECKS_ROLE, 'fail'],
      [missing, 'fail'],
    ]);
    const [assumed, refused] = result.targets;
    expect(assumed?.checks).toHaveLength(9); // 8 + stack.orphans (issue 16)
    expect(refused?.checks.map((c) => [c.name, c.outcome])).toEqual([['checks.assume-role', 'threw']]);
    expect(result.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          check: 'checks.assume-role',
          resource: missing,
          status: 'fail',
          target: missing,
        }),
      ]),
    );
    // The checks ran with the assumed role's temporary credentials, not the function's.
    const assumedKeys = new Set(emu.calls({ service: 'autoscaling' }).map((c) => c.accessKeyId));
    expect([...assumedKeys].every((k) => k?.startsWith('ASIA'))).toBe(true);
    expect(
      emu
        .calls({ service: 'sts', operation: 'AssumeRole' })
        .map((c) => c.input.RoleArn)
        .sort(),
    ).toEqual([CHECKS_ROLE, missing].sort());
  });
});
