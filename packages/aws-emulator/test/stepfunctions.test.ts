import { DescribeStateMachineCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.js';
import { clientConfig, failure, startTestEmulator } from './helpers.js';

const ACCOUNT = '123456789012';
let emu: Emulator;
let sfn: SFNClient;
let arn: string;

beforeAll(async () => {
  emu = await startTestEmulator({
    seed: {
      accountId: ACCOUNT,
      region: 'ap-northeast-1',
      stepfunctions: {
        stateMachines: [
          {
            name: 'eks-kit-checks-prod-run',
            executions: [
              { name: 'old', status: 'SUCCEEDED', startedSecondsAgo: 172_800, stoppedSecondsAgo: 172_000 },
              { name: 'last', status: 'FAILED', startedSecondsAgo: 86_400, stoppedSecondsAgo: 86_000 },
              { name: 'middle', status: 'TIMED_OUT', startedSecondsAgo: 100_000 },
            ],
          },
        ],
      },
    },
  });
  sfn = new SFNClient(clientConfig(emu));
  arn = `arn:aws:states:${clientConfig(emu).region}:${ACCOUNT}:stateMachine:eks-kit-checks-prod-run`;
});
afterAll(async () => {
  sfn.destroy();
  await emu.stop();
});

describe('Step Functions (awsJson1_0)', () => {
  it('lists executions most recent first, one page at a time, and filters by status', async () => {
    const first = await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 2 }));
    expect(first.executions?.map((e) => [e.name, e.status])).toEqual([
      ['last', 'FAILED'],
      ['middle', 'TIMED_OUT'],
    ]);
    expect(first.executions?.[0]?.stopDate).toBeInstanceOf(Date);
    const rest = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 2, nextToken: first.nextToken }),
    );
    expect(rest.executions?.map((e) => e.name)).toEqual(['old']);
    expect(rest.nextToken).toBeUndefined();
    const ok = await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'SUCCEEDED' }));
    expect(ok.executions?.map((e) => e.name)).toEqual(['old']);
  });

  it('describes the state machine and answers StateMachineDoesNotExist / InvalidArn as AWS does', async () => {
    const m = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    expect(m).toMatchObject({ name: 'eks-kit-checks-prod-run', status: 'ACTIVE', type: 'STANDARD' });
    const missing = await failure(
      sfn.send(new ListExecutionsCommand({ stateMachineArn: arn.replace('prod-run', 'other-run') })),
    );
    expect(missing.name).toBe('StateMachineDoesNotExist');
    expect(missing.$metadata.httpStatusCode).toBe(400);
    const bad = await failure(sfn.send(new ListExecutionsCommand({ stateMachineArn: 'nope' })));
    expect(bad.name).toBe('InvalidArn');
  });
});
