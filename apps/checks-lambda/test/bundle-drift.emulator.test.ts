/**
 * What the bundle leaves out (apps/checks-lambda/build/*.ts: the IAM action catalog, unused SDK
 * schemas, zod's unused API, bowser) changes no finding: on a drifted account, the built bundle finds
 * exactly what the checks find from source with everything loaded (the action catalog read, every
 * SDK schema), and never calls EC2 nor reads the catalog (a read would be a check error: the bundle's
 * catalog throws).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Emulator } from '@eks-kit/aws-emulator';
import { startTestEmulator } from '@eks-kit/aws-emulator/testing';
import { type AwsClients, createClients, type Finding } from '@eks-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionFiles } from '../scripts/function-files.mjs';
import { checkTargets, stackCheckTasks, summarizeRuns } from '../src/index.js';
import { convergeStack } from './fixtures/converge.js';
import { deleteValidationRecords, untagGroup, widenInlinePolicy } from './fixtures/drift.js';
import { AUTOSCALER_ROLE, expectDriftFound } from './fixtures/expect-drift.js';
import { type BundleRun, FUNCTION_DIR, invokeBundle } from './fixtures/run-bundle.js';
import { fixtureStack, fixtureText } from './fixtures/stack-files.js';
import { fixtureWorld, REGION } from './fixtures/world.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
let emu: Emulator;
let admin: AwsClients;
let deletedRecord: string;
let fromSource: Finding[];
let bundled: BundleRun;

/** A finding as a line; digits masked (days to expiry move with the emulated clock between two runs). */
function line(f: Finding): string {
  return `${f.status} ${f.check} | ${f.resource} | ${f.message}`.replace(/\d+/g, 'N');
}

beforeAll(async () => {
  emu = (await startTestEmulator({ seed: fixtureWorld() })).emulator;
  admin = await createClients({ region: REGION, endpoint: emu.url, credentials, maxAttempts: 3 });
  const stack = fixtureStack();
  await convergeStack(admin, stack);
  await untagGroup(admin, 'lt-workers-a', 'lambda-test');
  [deletedRecord = ''] = await deleteValidationRecords(admin, 'apps.example.com');
  await widenInlinePolicy(admin, AUTOSCALER_ROLE, 'cluster-autoscaler', 'autoscaling:UpdateAutoScalingGroup');
  // From source, outside withoutActionNameValidation: the action catalog is read as before.
  const config = { targets: [], targetConcurrency: 1, checkConcurrency: 4, checkTimeoutMs: 60_000 };
  fromSource = summarizeRuns(
    stack.name,
    await checkTargets(admin, config, REGION, stackCheckTasks(stack)),
  ).findings;
  emu.resetCalls();
  bundled = await invokeBundle({
    EKS_KIT_STACK: fixtureText(),
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL: emu.url,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  });
});
afterAll(async () => {
  admin?.destroy();
  await emu?.stop();
});

describe('the bundle on a drifted account', () => {
  it('finds the untagged group, the deleted validation CNAME and the changed inline policy', () => {
    expect(bundled.summary.checkErrors).toBe(0);
    expectDriftFound(bundled.summary.findings, deletedRecord);
  });

  it('finds exactly what the checks find from source with the action catalog and every SDK schema', () => {
    expect(fromSource.map(line).sort()).toEqual(bundled.summary.findings.map(line).sort());
    expect(bundled.summary.findings.length).toBeGreaterThan(10);
  });

  it('calls no EC2 API (no check resolves instance types) and nothing that mutates', () => {
    expect(emu.calls().length).toBeGreaterThan(0);
    expect(emu.calls({ service: 'ec2' })).toEqual([]);
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('carries the throwing stand-in of the action catalog, and no EC2 schema no command uses', () => {
    // Every file of the function's code (index.mjs, its chunks, the checks' code loaded at the first invocation).
    const text = functionFiles(FUNCTION_DIR)
      .map((name) => readFileSync(join(FUNCTION_DIR, name), 'utf8'))
      .join('\n');
    expect(text).toContain('is not in the eks-kit checks Lambda bundle');
    // An EC2 operation eks-kit never calls: its request schema was kept whole before (~540 KB of them).
    expect(text).not.toContain('AcceptVpcPeeringConnectionRequest');
  });
});
