/**
 * The run-time IAM derived from the definition (test/fixtures/template-validators.ts, issue 21), held
 * against what a run really does: the template's state machine is played (test/fixtures/run-state-machine.ts)
 * against the handler and the emulator's S3, the state machine's S3 calls (ItemReader, ResultWriter) signed
 * with one access key and the function's with another. Every S3 call in the emulator's call log is mapped
 * to its IAM action, resource and `s3:prefix`, and must be granted by the role that made it; and every
 * (role, action) the run used must be one the derivation asks for, so the derivation cannot fall behind
 * the handler. Only S3 is held here: it is what the definition drives (Organizations, STS and SSM calls
 * are the handler's own, granted by the runtime policy and tested in deploy-template-organization.test.ts).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { type CallRecord, type Emulator, startEmulator, type World } from '@eks-kit/aws-emulator';
import { describeAccount, finding } from '@eks-kit/core';
import { parseStack } from '@eks-kit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CheckTask, checksDeployTemplate, createChecksHandler } from '../src/index.js';
import { captureOutput } from './fixtures/capture-output.js';
import { runFanOut } from './fixtures/run-state-machine.js';
import {
  DEPLOYED,
  evaluate,
  isGranted,
  type Need,
  neededPermissions,
} from './fixtures/template-validators.js';

const MANAGEMENT = DEPLOYED.account;
const ROLE = 'eks-kit-checks';
const BUCKET = DEPLOYED.runBucket;
const FUNCTION_KEY = 'AKIDFUNCTION';
const MACHINE_KEY = 'AKIDSTATEMACHINE';
const secretAccessKey = 'wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY1';
const STACK = 'name: org\ncluster:\n  name: org\n  region: eu-west-1\n  kubernetesVersion: "1.35"\n';
const member = (i: number) => String(200000000000 + i);
const trust = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MANAGEMENT}:root` }, Action: 'sts:AssumeRole' },
  ],
};

function world(): World {
  const ids = Array.from({ length: 6 }, (_, i) => member(i));
  return {
    accountId: MANAGEMENT,
    region: 'eu-west-1',
    iam: { roles: [{ name: ROLE, assumeRolePolicyDocument: trust }] },
    ssm: { parameters: [{ name: '/eks-kit/org/checks-state', value: '{}' }] },
    s3: { buckets: [BUCKET] },
    organizations: { accounts: ids.map((id, i) => ({ id, name: `workload-${i}` })) },
    accounts: Object.fromEntries(
      ids.map((id) => [id, { iam: { roles: [{ name: ROLE, assumeRolePolicyDocument: trust }] } }]),
    ),
  };
}

const whoAmI: CheckTask = {
  name: 'who-am-i',
  resource: 'org',
  async run(clients) {
    const { accountId } = await describeAccount(clients);
    return [finding('who-am-i', `${accountId}@${clients.region}`, 'ok', 'reached')];
  },
};

/** The IAM action, resource and request context of one S3 call (S3 User Guide, actions per operation). */
function s3Need(call: CallRecord): Omit<Need, 'role' | 'why'> {
  const input = call.input as Record<string, string | undefined>;
  const bucket = `arn:aws:s3:::${input.Bucket}`;
  const object = `${bucket}/${input.Key}`;
  switch (call.operation) {
    case 'PutObject':
    case 'CreateMultipartUpload':
    case 'UploadPart':
    case 'CompleteMultipartUpload':
      return { action: 's3:PutObject', resource: object };
    case 'GetObject':
    case 'HeadObject':
      return { action: 's3:GetObject', resource: object };
    case 'ListObjectsV2':
      return {
        action: 's3:ListBucket',
        resource: bucket,
        context: { 's3:prefix': String(input.prefix ?? input.Prefix ?? '') },
      };
    default:
      throw new Error(`S3 ${call.operation} is not mapped to an IAM action: add it`);
  }
}

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ port: 0, host: '127.0.0.1', speed: 1000, seed: world() });
}, 120_000);
afterAll(async () => {
  await emu?.stop();
});

describe('the run-time IAM derived from the definition, against a played run', () => {
  it('grants every S3 call of a split run to the role that makes it, and derives every kind of call', async () => {
    const template = checksDeployTemplate(parseStack(STACK, 'eks-kit.yaml'), {
      organization: { roleName: ROLE, batchConcurrency: 2 },
    });
    const machine = template.Resources.ChecksStateMachine?.Properties;
    const handler = createChecksHandler({
      env: {
        EKS_KIT_STACK: STACK,
        AWS_REGION: 'eu-west-1',
        AWS_ENDPOINT_URL: emu.url,
        EKS_KIT_TARGETS_FROM: 'organization',
        EKS_KIT_ORGANIZATION_ROLE_NAME: ROLE,
        // One target at a time, 300 s each: an invocation takes 2 of the 7 targets, so the run splits.
        EKS_KIT_TARGET_CONCURRENCY: '1',
        EKS_KIT_SECONDS_PER_TARGET: '300',
        EKS_KIT_BATCH_CONCURRENCY: '2',
        EKS_KIT_RUN_BUCKET: BUCKET,
        EKS_KIT_STATE_PARAMETER: '/eks-kit/org/checks-state',
      },
      clientOptions: { credentials: { accessKeyId: FUNCTION_KEY, secretAccessKey }, maxAttempts: 4 },
      checkTasks: () => [whoAmI],
    });
    const s3 = new S3Client({
      region: 'eu-west-1',
      endpoint: emu.url,
      forcePathStyle: true,
      credentials: { accessKeyId: MACHINE_KEY, secretAccessKey },
    });
    const context = { getRemainingTimeInMillis: () => 900_000 };
    const { result: run } = await captureOutput(() =>
      runFanOut({
        definition: machine?.Definition,
        substitutions: evaluate(template, machine?.DefinitionSubstitutions),
        executionName: DEPLOYED.executionName,
        s3,
        handler: (event) => handler(event, context),
      }),
    );
    s3.destroy();
    expect(run.children).toBeGreaterThan(1);

    const roleOf: Record<string, string> = {
      [FUNCTION_KEY]: 'ChecksRole',
      [MACHINE_KEY]: 'ChecksStateMachineRole',
    };
    const calls = emu.calls({ service: 's3' });
    expect(new Set(calls.map((c) => c.accessKeyId))).toEqual(new Set([FUNCTION_KEY, MACHINE_KEY]));
    const used = calls.map((c) => ({
      role: roleOf[String(c.accessKeyId)] as string,
      ...s3Need(c),
      why: `${c.operation} #${c.seq}`,
    }));
    const refused = used
      .filter((n) => !isGranted(template, n))
      .map((n) => `${n.role} ${n.action} ${n.resource} (${n.why})`);
    expect(refused).toEqual([]);

    const derived = new Set(neededPermissions(template).map((n) => `${n.role} ${n.action}`));
    const kinds = [...new Set(used.map((n) => `${n.role} ${n.action}`))].sort();
    expect(kinds.filter((k) => !derived.has(k))).toEqual([]);
    // What the run did, for the record: the plan's and batches' writes, the report's list and reads,
    // the map's reader and writer.
    expect(kinds).toEqual([
      'ChecksRole s3:GetObject',
      'ChecksRole s3:ListBucket',
      'ChecksRole s3:PutObject',
      'ChecksStateMachineRole s3:GetObject',
      'ChecksStateMachineRole s3:PutObject',
    ]);
  }, 300_000);

  it('would refuse a call outside the grants (the check can fail)', () => {
    const template = checksDeployTemplate(parseStack(STACK, 'eks-kit.yaml'), {
      organization: { roleName: ROLE },
    });
    const call = {
      seq: 1,
      service: 's3',
      operation: 'PutObject',
      mutating: true,
      status: 200,
      input: { Bucket: BUCKET, Key: 'elsewhere/x.json' },
    };
    expect(isGranted(template, { role: 'ChecksRole', ...s3Need(call), why: 'test' })).toBe(false);
    expect(
      isGranted(template, {
        role: 'ChecksStateMachineRole',
        ...s3Need({ ...call, input: { Bucket: BUCKET, Key: 'runs/r/results/000000.json' } }),
        why: 'test',
      }),
    ).toBe(false);
    expect(() => s3Need({ ...call, operation: 'DeleteObject' })).toThrow(/not mapped/);
  });
});
