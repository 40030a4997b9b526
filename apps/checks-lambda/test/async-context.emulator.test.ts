/**
 * An invocation opens no AsyncLocalStorage context (issue 21). In Node 20 and 22 one context makes Node
 * track every promise the process makes from then on (async hooks): with the stack checks' shared-reads
 * context and withoutActionNameValidation's, import + first invocation under the CPU share took 11-35%
 * longer with one context entered, measured in `node bench/run.mjs --only lambda-init`
 * (docs/PERFORMANCE.md, "The Lambda under its CPU share").
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Emulator } from '@eks-kit/aws-emulator';
import { startTestEmulator } from '@eks-kit/aws-emulator/testing';
import { type AwsClients, createClients } from '@eks-kit/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createChecksHandler } from '../src/index.js';
import { captureOutput } from './fixtures/capture-output.js';
import { convergeStack } from './fixtures/converge.js';
import { fixtureStack } from './fixtures/stack-files.js';
import { fixtureWorld, REGION, STACK_PARAMETER } from './fixtures/world.js';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY1',
};
let emu: Emulator;
let admin: AwsClients;

beforeAll(async () => {
  emu = (await startTestEmulator({ seed: fixtureWorld() })).emulator;
  admin = await createClients({ region: REGION, endpoint: emu.url, credentials, maxAttempts: 3 });
  await convergeStack(admin, fixtureStack());
});
afterAll(async () => {
  admin?.destroy();
  await emu?.stop();
});

describe('async context', () => {
  it('a whole run (every check of the stack) opens no AsyncLocalStorage context, and shares its reads', async () => {
    const run = vi.spyOn(AsyncLocalStorage.prototype, 'run');
    const enterWith = vi.spyOn(AsyncLocalStorage.prototype, 'enterWith');
    emu.resetCalls();
    const handler = createChecksHandler({
      env: { EKS_KIT_STACK_PARAMETER: STACK_PARAMETER, AWS_REGION: REGION, AWS_ENDPOINT_URL: emu.url },
      clientOptions: { credentials, maxAttempts: 3 },
    });
    let contexts: number;
    try {
      const { result } = await captureOutput(() =>
        handler({}, { getRemainingTimeInMillis: () => 300_000, awsRequestId: 'test' }),
      );
      expect(result.checkErrors).toBe(0);
      expect(result.findings.length).toBeGreaterThan(0);
      // Read before mockRestore(), which forgets the calls.
      contexts = run.mock.calls.length + enterWith.mock.calls.length;
    } finally {
      run.mockRestore();
      enterWith.mockRestore();
    }
    expect(contexts).toBe(0);
    // The checks' run still shares the reads that several checks make (one per run).
    expect(emu.calls({ service: 'sts', operation: 'GetCallerIdentity' })).toHaveLength(1);
    expect(emu.calls({ service: 'eks', operation: 'DescribeCluster' })).toHaveLength(1);
  });
});
