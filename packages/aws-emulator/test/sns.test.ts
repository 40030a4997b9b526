import { CreateTopicCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.js';
import type { SnsState } from '../src/services/sns.js';
import { clientConfig, failure, startTestEmulator } from './helpers.js';

const ACCOUNT = '123456789012';
const REGION = 'ap-northeast-1';
const ALERTS = `arn:aws:sns:${REGION}:${ACCOUNT}:eks-kit-alerts`;
let emu: Emulator;
let sns: SNSClient;

beforeAll(async () => {
  emu = await startTestEmulator({
    seed: {
      accountId: ACCOUNT,
      region: REGION,
      identities: { AKIDNOPUB: { arn: `arn:aws:iam::${ACCOUNT}:user/no-publish`, deny: ['sns:Publish'] } },
      sns: { topics: ['eks-kit-alerts', { name: 'far-away', region: 'eu-west-1' }] },
    },
  });
  sns = new SNSClient(clientConfig(emu));
});
afterAll(async () => {
  sns.destroy();
  await emu.stop();
});

const state = (): SnsState => emu.state.sns as SnsState;

describe('SNS Publish (awsQuery 2010-03-31)', () => {
  it('publishes to a seeded topic and keeps the message readable in the state', async () => {
    const out = await sns.send(
      new PublishCommand({ TopicArn: ALERTS, Subject: 'eks-kit: 1 failure', Message: 'FAIL x' }),
    );
    expect(out.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(state().published).toEqual([
      expect.objectContaining({
        messageId: out.MessageId,
        topicArn: ALERTS,
        subject: 'eks-kit: 1 failure',
        message: 'FAIL x',
      }),
    ]);
    const [call] = emu.calls({ service: 'sns', operation: 'Publish' });
    expect(call).toMatchObject({
      mutating: true,
      status: 200,
      input: { TopicArn: ALERTS, Subject: 'eks-kit: 1 failure' },
    });
    expect(JSON.stringify(call?.input)).not.toContain('FAIL x');
  });

  it('answers NotFound (404) for an unknown topic, InvalidParameter for a topic of another region (boto/boto3#646)', async () => {
    const err = await failure(sns.send(new PublishCommand({ TopicArn: `${ALERTS}-nope`, Message: 'x' })));
    expect(err.name).toBe('NotFoundException');
    expect(err.$metadata.httpStatusCode).toBe(404);
    expect(err.message).toBe('Topic does not exist');
    const far = await failure(
      sns.send(new PublishCommand({ TopicArn: `arn:aws:sns:eu-west-1:${ACCOUNT}:far-away`, Message: 'x' })),
    );
    expect(far.name).toBe('InvalidParameterException');
    expect(far.message).toBe('Invalid parameter: TopicArn');
    const euSns = new SNSClient(clientConfig(emu, { region: 'eu-west-1' }));
    await euSns.send(
      new PublishCommand({ TopicArn: `arn:aws:sns:eu-west-1:${ACCOUNT}:far-away`, Message: 'x' }),
    );
    euSns.destroy();
  });

  it('refuses an empty message, a subject with a line break, and a subject over 100 characters (InvalidParameter)', async () => {
    for (const input of [
      { TopicArn: ALERTS, Message: '' },
      { TopicArn: ALERTS, Message: 'x', Subject: 'two\nlines' },
      { TopicArn: ALERTS, Message: 'x', Subject: 's'.repeat(101) },
      { TopicArn: ALERTS, Message: 'x'.repeat(262_145) },
    ]) {
      const err = await failure(sns.send(new PublishCommand(input)));
      expect(err.name).toBe('InvalidParameterException');
      expect(err.$metadata.httpStatusCode).toBe(400);
    }
  });

  it('answers AuthorizationError (403) to a caller denied sns:Publish', async () => {
    const denied = new SNSClient(clientConfig(emu, { accessKeyId: 'AKIDNOPUB' }));
    const err = await failure(denied.send(new PublishCommand({ TopicArn: ALERTS, Message: 'x' })));
    expect(err.name).toBe('AuthorizationErrorException');
    expect(err.$metadata.httpStatusCode).toBe(403);
    expect(err.message).toContain(`sns:Publish on resource: ${ALERTS}`);
    denied.destroy();
  });
});

describe('SNS CreateTopic', () => {
  it('creates a topic once: the same name returns the same ARN', async () => {
    const first = await sns.send(
      new CreateTopicCommand({ Name: 'new-topic', Tags: [{ Key: 'eks-kit:stack', Value: 'prod' }] }),
    );
    const second = await sns.send(new CreateTopicCommand({ Name: 'new-topic' }));
    expect(first.TopicArn).toBe(`arn:aws:sns:${REGION}:${ACCOUNT}:new-topic`);
    expect(second.TopicArn).toBe(first.TopicArn);
    expect(state().topics.get(first.TopicArn as string)?.tags).toEqual({ 'eks-kit:stack': 'prod' });
    await sns.send(new PublishCommand({ TopicArn: first.TopicArn, Message: 'hello' }));
  });

  it('refuses bad names and a FIFO topic without .fifo; a FIFO publish needs MessageGroupId', async () => {
    for (const input of [
      { Name: 'bad name' },
      { Name: 'x'.repeat(257) },
      { Name: 'q', Attributes: { FifoTopic: 'true' } },
    ]) {
      const err = await failure(sns.send(new CreateTopicCommand(input)));
      expect(err.name).toBe('InvalidParameterException');
    }
    const fifo = await sns.send(
      new CreateTopicCommand({ Name: 'q.fifo', Attributes: { FifoTopic: 'true' } }),
    );
    const err = await failure(sns.send(new PublishCommand({ TopicArn: fifo.TopicArn, Message: 'x' })));
    expect(err.name).toBe('InvalidParameterException');
    const ok = await sns.send(
      new PublishCommand({ TopicArn: fifo.TopicArn, Message: 'x', MessageGroupId: 'g' }),
    );
    expect(ok.SequenceNumber).toBeDefined();
  });

  it('refuses the same name with different attributes', async () => {
    await sns.send(new CreateTopicCommand({ Name: 'attrs', Attributes: { DisplayName: 'one' } }));
    const err = await failure(
      sns.send(new CreateTopicCommand({ Name: 'attrs', Attributes: { DisplayName: 'two' } })),
    );
    expect(err.name).toBe('InvalidParameterException');
    expect(err.message).toContain('already exists with different attributes');
  });
});
