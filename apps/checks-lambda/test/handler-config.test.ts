import { InvalidInputError } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { parseTargets, readHandlerConfig } from '../src/index.js';

function refused(env: Record<string, string>): InvalidInputError {
  try {
    readHandlerConfig(env);
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error('expected an InvalidInputError');
}

describe('readHandlerConfig', () => {
  it('reads an inline stack with the defaults', () => {
    expect(readHandlerConfig({ EKS_KIT_STACK: '{"name":"x"}' })).toEqual({
      stackSource: { kind: 'inline', text: '{"name":"x"}' },
      reminderDays: 7,
      targets: [],
      checkConcurrency: 4,
      targetConcurrency: 2,
      checkTimeoutMs: 60_000,
    });
  });

  it('reads an SSM parameter source, the topic, targets, bounds and the endpoint', () => {
    const config = readHandlerConfig({
      EKS_KIT_STACK_PARAMETER: '/eks-kit/prod/stack',
      EKS_KIT_SNS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111111111111:alerts',
      EKS_KIT_ASSUME_ROLE_ARNS:
        'arn:aws:iam::111111111111:role/a, arn:aws:iam::222222222222:role/b@eu-west-1',
      EKS_KIT_CHECK_CONCURRENCY: '8',
      EKS_KIT_TARGET_CONCURRENCY: '3',
      EKS_KIT_CHECK_TIMEOUT_SECONDS: '30',
      EKS_KIT_STATE_PARAMETER: '/eks-kit/prod/checks-state',
      EKS_KIT_REMINDER_DAYS: '14',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
    });
    expect(config).toEqual({
      stackSource: { kind: 'parameter', name: '/eks-kit/prod/stack' },
      snsTopicArn: 'arn:aws:sns:eu-west-1:111111111111:alerts',
      stateParameter: '/eks-kit/prod/checks-state',
      reminderDays: 14,
      targets: [
        { roleArn: 'arn:aws:iam::111111111111:role/a' },
        { roleArn: 'arn:aws:iam::222222222222:role/b', region: 'eu-west-1' },
      ],
      checkConcurrency: 8,
      targetConcurrency: 3,
      checkTimeoutMs: 30_000,
      endpoint: 'http://127.0.0.1:4566',
    });
  });

  it.each([
    [{}, 'EKS_KIT_STACK'],
    [{ EKS_KIT_STACK: 'x', EKS_KIT_STACK_PARAMETER: '/p' }, 'EKS_KIT_STACK_PARAMETER'],
    [{ EKS_KIT_STACK_PARAMETER: 'bad name!' }, 'EKS_KIT_STACK_PARAMETER'],
    [{ EKS_KIT_STACK: 'x', EKS_KIT_STATE_PARAMETER: 'bad name!' }, 'EKS_KIT_STATE_PARAMETER'],
    [{ EKS_KIT_STACK: 'x', EKS_KIT_REMINDER_DAYS: '0' }, 'EKS_KIT_REMINDER_DAYS'],
    [
      { EKS_KIT_STACK: 'x', EKS_KIT_SNS_TOPIC_ARN: 'arn:aws:sqs:eu-west-1:111111111111:q' },
      'EKS_KIT_SNS_TOPIC_ARN',
    ],
    [
      { EKS_KIT_STACK: 'x', EKS_KIT_ASSUME_ROLE_ARNS: 'arn:aws:iam::111111111111:user/u' },
      'EKS_KIT_ASSUME_ROLE_ARNS[0]',
    ],
    [
      { EKS_KIT_STACK: 'x', EKS_KIT_ASSUME_ROLE_ARNS: 'arn:aws:iam::111111111111:role/a@mars-1' },
      'EKS_KIT_ASSUME_ROLE_ARNS[0]',
    ],
    [{ EKS_KIT_STACK: 'x', EKS_KIT_CHECK_CONCURRENCY: '0' }, 'EKS_KIT_CHECK_CONCURRENCY'],
    [{ EKS_KIT_STACK: 'x', EKS_KIT_TARGET_CONCURRENCY: '2.5' }, 'EKS_KIT_TARGET_CONCURRENCY'],
    [{ EKS_KIT_STACK: 'x', EKS_KIT_CHECK_TIMEOUT_SECONDS: '9999' }, 'EKS_KIT_CHECK_TIMEOUT_SECONDS'],
    [{ EKS_KIT_STACK: 'x', AWS_ENDPOINT_URL: 'localhost:4566' }, 'AWS_ENDPOINT_URL'],
  ])('refuses %j naming %s', (env, field) => {
    const error = refused(env as Record<string, string>);
    expect(error.field).toBe(field);
    expect(error.message.split('\n')).toHaveLength(1);
  });

  it('parseTargets ignores blanks', () => {
    expect(parseTargets(' , ')).toEqual([]);
    expect(parseTargets(undefined)).toEqual([]);
  });
});
