/**
 * An organisation of 5,000 member accounts (issue 21): the deploy template's state machine played
 * against the handler and the emulator's S3 (test/fixtures/run-state-machine.ts): every target reported
 * exactly once, no state's input or output near Step Functions' 256 KiB, a task's raw result included (the
 * batches and results go through S3: ItemReader, the batches' own objects, ResultWriter; the report answers
 * counts only), and the failures of thousands of
 * targets kept whole between runs in the run bucket, where the SSM parameter would drop them.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { type Emulator, startEmulator, type World } from '@eks-kit/aws-emulator';
import { createClients, describeAccount, finding } from '@eks-kit/core';
import { parseStack } from '@eks-kit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CheckState,
  type CheckTask,
  checksDeployTemplate,
  createChecksHandler,
  getJson,
  readCheckStateObject,
  STATE_MAX_CHARS,
  SUMMARY_TARGETS_LOGGED,
  serializeCheckState,
  writeCheckStateObject,
} from '../src/index.js';
import { captureOutput, type LoggedSummary, loggedSummary } from './fixtures/capture-output.js';
import { PAYLOAD_LIMIT_BYTES, runFanOut } from './fixtures/run-state-machine.js';

const MANAGEMENT = '100000000000';
const ROLE = 'eks-kit-checks';
const BUCKET = 'eks-kit-checks-org-runs';
const COUNT = 5_000;
const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY1',
};
const STACK = 'name: org\ncluster:\n  name: org\n  region: eu-west-1\n  kubernetesVersion: "1.35"\n';
const member = (i: number) => String(200000000000 + i);
// Every 1,000th account is suspended, every 1,000th + 1 has no role.
const SUSPENDED = new Set(Array.from({ length: COUNT / 1000 }, (_, k) => member(k * 1000)));
const NO_ROLE = new Set(Array.from({ length: COUNT / 1000 }, (_, k) => member(k * 1000 + 1)));
const trust = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MANAGEMENT}:root` }, Action: 'sts:AssumeRole' },
  ],
};

function world(): World {
  const ids = Array.from({ length: COUNT }, (_, i) => member(i));
  const accounts: NonNullable<World['accounts']> = {};
  for (const id of ids) {
    accounts[id] = NO_ROLE.has(id)
      ? {}
      : { iam: { roles: [{ name: ROLE, assumeRolePolicyDocument: trust }] } };
  }
  return {
    accountId: MANAGEMENT,
    region: 'eu-west-1',
    iam: { roles: [{ name: ROLE, assumeRolePolicyDocument: trust }] },
    ssm: { parameters: [{ name: '/eks-kit/org/checks-state', value: '{}' }] },
    s3: { buckets: [BUCKET] },
    organizations: {
      accounts: ids.map((id, i) => ({
        id,
        name: `workload-${i}`,
        ...(SUSPENDED.has(id) ? { state: 'SUSPENDED' as const } : {}),
      })),
    },
    accounts,
  };
}

/** One check per target: the account its clients act in (answered by the AssumeRole: no call). */
const whoAmI: CheckTask = {
  name: 'who-am-i',
  resource: 'org',
  async run(clients) {
    const { accountId } = await describeAccount(clients);
    return [finding('who-am-i', `${accountId}@${clients.region}`, 'ok', 'reached')];
  },
};

let emu: Emulator;
let s3: S3Client;
beforeAll(async () => {
  emu = await startEmulator({ port: 0, host: '127.0.0.1', speed: 1000, seed: world() });
  s3 = new S3Client({ region: 'eu-west-1', endpoint: emu.url, credentials });
}, 120_000);
afterAll(async () => {
  s3?.destroy();
  await emu?.stop();
});

const env = {
  EKS_KIT_STACK: STACK,
  AWS_REGION: 'eu-west-1',
  EKS_KIT_TARGETS_FROM: 'organization',
  EKS_KIT_ORGANIZATION_ROLE_NAME: ROLE,
  EKS_KIT_TARGET_CONCURRENCY: '16',
  EKS_KIT_ASSUME_ROLE_RATE: '100',
  EKS_KIT_SECONDS_PER_TARGET: '30',
  EKS_KIT_BATCH_CONCURRENCY: '4',
  EKS_KIT_RUN_BUCKET: BUCKET,
  EKS_KIT_STATE_PARAMETER: '/eks-kit/org/checks-state',
};

describe('an organisation of 5,000 accounts, split by the state machine through S3', () => {
  it('reports every target once, with no Step Functions payload near 256 KiB, and keeps all failures in S3', async () => {
    // The AssumeRole token bucket on a virtual clock: its waits are counted, not slept (the rate, 100/s
    // shared by 4 batches, is the function's; the test checks its arithmetic, not the machine's speed).
    let virtualMs = 0;
    const rateClock = {
      now: () => virtualMs,
      sleep: async (ms: number) => {
        virtualMs += ms;
      },
    };
    const handler = createChecksHandler({
      env: { ...env, AWS_ENDPOINT_URL: emu.url },
      clientOptions: { credentials, maxAttempts: 4 },
      checkTasks: () => [whoAmI],
      rateClock,
    });
    const definition = checksDeployTemplate(parseStack(STACK, 'eks-kit.yaml'), {
      organization: { roleName: ROLE, batchConcurrency: 4 },
    }).Resources.ChecksStateMachine?.Properties.Definition;
    const context = { getRemainingTimeInMillis: () => 900_000 };
    let answer: Record<string, unknown> | undefined;
    const { result: run, lines } = await captureOutput(() =>
      runFanOut({
        definition,
        substitutions: { RunBucket: BUCKET, FunctionArn: 'arn:aws:lambda:eu-west-1:100000000000:function:x' },
        executionName: 'run-5000',
        s3,
        handler: async (event) => {
          const out = await handler(event, context);
          if ((event as { phase?: string }).phase === 'report')
            answer = out as unknown as Record<string, unknown>;
          return out;
        },
      }),
    );

    // The execution succeeded: no payload, the Report task's raw result included (before its
    // ResultSelector), went over Step Functions' 256 KiB (States.DataLimitExceeded, which no Catch on
    // States.ALL catches, would have failed it). With the whole summary as its answer (5,001 targets'
    // results), the Report task's raw result was over 1 MiB and this run failed.
    expect(run.error).toBeUndefined();
    expect(run.status).toBe('SUCCEEDED');
    // The report's answer is counts only; the whole summary is an object of the run bucket (and the log).
    expect(answer).not.toHaveProperty('targets');
    expect(answer).not.toHaveProperty('findings');
    expect(answer?.reportKey).toBe('runs/run-5000/report.json');
    const reader = await createClients({ region: 'eu-west-1', endpoint: emu.url, credentials });
    const summary = (await getJson(reader, BUCKET, answer?.reportKey as string)) as LoggedSummary;
    reader.destroy();
    const logged = loggedSummary(lines);
    expect(logged?.targetCounts).toEqual(summary.targetCounts);
    // The summary log line stays one CloudWatch Logs event (at most 1 MB): the worst targets first,
    // and how many it left out (a 1.2 MB line at 5,001 targets before).
    expect(logged?.targets).toHaveLength(SUMMARY_TARGETS_LOGGED);
    expect((logged?.targets?.[0] as { status?: string } | undefined)?.status).toBe('fail');
    expect((logged as { targetsNotLogged?: number }).targetsNotLogged).toBe(
      COUNT + 1 - SUMMARY_TARGETS_LOGGED,
    );
    expect(Buffer.byteLength(JSON.stringify(logged))).toBeLessThan(1024 * 1024);
    // Every account once (the management account is one of them), in its one region.
    const targets = summary?.targets ?? [];
    const labels = targets.map((t) => t.target);
    expect(labels).toHaveLength(COUNT + 1);
    expect(new Set(labels).size).toBe(COUNT + 1);
    expect(new Set(labels)).toEqual(
      new Set(
        [MANAGEMENT, ...Array.from({ length: COUNT }, (_, i) => member(i))].map((id) => `${id}@eu-west-1`),
      ),
    );
    expect(summary.targetCounts).toEqual({ checked: COUNT + 1 - 10, skipped: 5, unreachable: 5 });
    expect(answer?.targetCounts).toEqual(summary.targetCounts);
    // Every batch wrote its results: the execution ends in its Succeed state.
    expect(answer?.missingBatches).toBe(0);
    for (const t of targets) {
      const id = t.target.split('@')[0] as string;
      if (SUSPENDED.has(id)) expect(t.skipped).toBe('account is SUSPENDED');
      else if (NO_ROLE.has(id)) expect(t.checks.map((c) => c.name)).toEqual(['checks.assume-role']);
      else expect(t.checks.map((c) => c.name)).toEqual(['who-am-i']);
    }
    // Split into batches that each fit one invocation; each child got its batch from the ItemReader.
    expect(run.children).toBeGreaterThan(10);
    const largest = Math.max(...run.payloads.map((p) => p.bytes));
    expect(largest).toBeLessThan(PAYLOAD_LIMIT_BYTES / 2);
    // What grew with the targets before (the plan's answer, the report's input) is now a few hundred bytes.
    for (const where of ['Plan raw result', 'Report payload', 'Report raw result', 'CheckBatches output']) {
      const p = run.payloads.find((x) => x.where === where);
      expect(p?.bytes, where).toBeLessThan(2_000);
    }
    expect(run.mapOutput.ResultWriterDetails.Key).toMatch(/^runs\/sfn-results\/.+\/manifest\.json$/);
    // No GetCallerIdentity per target; one AssumeRole per account that is not suspended.
    expect(emu.calls({ service: 'sts', operation: 'GetCallerIdentity' })).toHaveLength(0);
    expect(emu.calls({ service: 'sts', operation: 'AssumeRole' })).toHaveLength(COUNT + 1 - 5);
    // The batches ran one after another here, each at a quarter of the rate: 4,996 AssumeRole at 25/s.
    expect(virtualMs / 1000).toBeGreaterThanOrEqual((COUNT + 1 - 5 - run.children) / 25);

    // The failures (5 accounts without the role) are kept whole in the run bucket.
    const base = await createClients({ region: 'eu-west-1', endpoint: emu.url, credentials });
    const state = await readCheckStateObject(base, BUCKET);
    base.destroy();
    expect(Object.keys(state?.targets ?? {}).sort()).toEqual(
      [...NO_ROLE].map((id) => `${id}@eu-west-1`).sort(),
    );
  }, 600_000);

  it("keeps 1,500 targets' failures whole in the run bucket, where the SSM parameter would drop most", async () => {
    const clients = await createClients({ region: 'eu-west-1', endpoint: emu.url, credentials });
    const targets: CheckState['targets'] = {};
    for (let i = 0; i < 1_500; i++) {
      targets[`${member(i)}@eu-west-1`] = [
        [
          'checks.assume-role',
          `arn:aws:iam::${member(i)}:role/${ROLE}`,
          'checks.assume-role',
          '2026-12-01T06:00:00.000Z',
        ],
      ];
    }
    const state: CheckState = { v: 1, lastRunAt: '2026-12-06T06:00:00.000Z', targets };
    const { dropped, bytes } = await writeCheckStateObject(
      clients,
      BUCKET,
      state,
      '/eks-kit/org/checks-state',
    );
    expect(dropped).toBe(0);
    expect(bytes).toBeGreaterThan(STATE_MAX_CHARS * 10);
    expect(await readCheckStateObject(clients, BUCKET)).toEqual(state);
    // The parameter keeps the last run's time (what eks-kit check --checker reads) and where the state is.
    const ssm = await clients.ssm();
    const parameter = JSON.parse(
      String(
        (await ssm.send(new GetParameterCommand({ Name: '/eks-kit/org/checks-state' }))).Parameter?.Value,
      ),
    );
    expect(parameter).toMatchObject({ v: 1, lastRunAt: state.lastRunAt, targets: {} });
    expect(parameter.stateObject).toBe(`s3://${BUCKET}/state/checks-state.json`);
    // The SSM form of the same state keeps only what fits in 8 KB.
    expect(serializeCheckState(state).dropped).toBeGreaterThan(1_400);
    clients.destroy();
  });
});
