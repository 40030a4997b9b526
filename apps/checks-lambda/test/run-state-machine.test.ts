/**
 * The state machine player (test/fixtures/run-state-machine.ts) holds a run to Step Functions' payload
 * limit as Step Functions does (issue 21 review, item 2): a task's raw result (the Lambda's whole
 * `{ Payload, StatusCode }`, before `ResultSelector` keeps a few fields of it) over 256 KiB fails the
 * execution with `States.DataLimitExceeded`, which a `Catch` on `States.ALL` does not catch
 * (docs/AWS-FACTS.md#checks-over-an-aws-organisation, "A task's raw result"). Task states only: no S3.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { PAYLOAD_LIMIT_BYTES, runFanOut } from './fixtures/run-state-machine.js';

/** Report keeps three fields of the answer, and catches States.ALL into a Pass-like Task. */
const definition = {
  StartAt: 'Report',
  States: {
    Report: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: {
        FunctionName: 'arn:aws:lambda:eu-west-1:100000000000:function:x',
        Payload: { phase: 'report' },
      },
      ResultSelector: { 'status.$': '$.Payload.status', 'missingBatches.$': '$.Payload.missingBatches' },
      ResultPath: '$.report',
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.reportError', Next: 'Caught' }],
      Next: 'Done',
    },
    Caught: { Type: 'Fail', Error: 'Caught' },
    Done: { Type: 'Succeed' },
  },
};

const play = (answer: unknown, over: Partial<typeof definition> = {}) =>
  runFanOut({
    definition: { ...definition, ...over },
    substitutions: {},
    executionName: 'limit',
    s3: {} as S3Client,
    handler: async () => answer,
  });

/** An answer of about `bytes` bytes, of which ResultSelector keeps a few dozen. */
const answerOf = (bytes: number) => ({
  status: 'ok',
  missingBatches: 0,
  targets: 'x'.repeat(bytes),
});

describe('the state machine player and the 256 KiB limit', () => {
  it('fails the execution when a raw task result is over 256 KiB, even if ResultSelector keeps little of it', async () => {
    const run = await play(answerOf(PAYLOAD_LIMIT_BYTES));
    expect(run.status).toBe('FAILED');
    expect(run.error?.Error).toBe('States.DataLimitExceeded');
    expect(run.error?.Cause).toMatch(/^Report raw result: \d+ bytes, over the 262144 bytes/);
    // The Catch on States.ALL did not catch it: the execution did not go to Caught.
    expect(run.report).toBeUndefined();
  });

  it('lets an explicit States.DataLimitExceeded catcher catch it', async () => {
    const run = await play(answerOf(PAYLOAD_LIMIT_BYTES), {
      States: {
        ...definition.States,
        Report: {
          ...definition.States.Report,
          Catch: [{ ErrorEquals: ['States.DataLimitExceeded'], ResultPath: '$.reportError', Next: 'Caught' }],
        },
      },
    });
    expect(run.error?.Error).toBe('Caught');
  });

  it('runs an answer under the limit through ResultSelector, and records the raw size', async () => {
    const run = await play(answerOf(PAYLOAD_LIMIT_BYTES - 1_000));
    expect(run.status).toBe('SUCCEEDED');
    expect(run.report).toEqual({ status: 'ok', missingBatches: 0 });
    const raw = run.payloads.find((p) => p.where === 'Report raw result')?.bytes ?? 0;
    expect(raw).toBeGreaterThan(PAYLOAD_LIMIT_BYTES - 1_000);
    expect(raw).toBeLessThanOrEqual(PAYLOAD_LIMIT_BYTES);
    expect(run.payloads.find((p) => p.where === 'Report result')?.bytes).toBeLessThan(100);
  });

  it('still catches a task that throws with States.ALL', async () => {
    const run = await runFanOut({
      definition,
      substitutions: {},
      executionName: 'throws',
      s3: {} as S3Client,
      handler: async () => {
        throw new Error('Task timed out after 900.00 seconds');
      },
    });
    expect(run.error?.Error).toBe('Caught');
  });
});
