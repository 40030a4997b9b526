import { DescribeInstanceTypesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.js';
import { fakeEc2 } from './fake-services.js';
import {
  clientConfig,
  failure,
  fastRetries,
  type RetryLog,
  startTestEmulator,
  stsClient,
} from './helpers.js';

describe('requests without SigV4 are refused like AWS', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(() => emu.stop());

  it('awsQuery: 403 MissingAuthenticationToken in an <ErrorResponse>', async () => {
    const res = await fetch(emu.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(res.status).toBe(403);
    const body = await res.text();
    expect(body).toContain('<ErrorResponse');
    expect(body).toContain('<Type>Sender</Type><Code>MissingAuthenticationToken</Code>');
    expect(emu.calls().at(-1)).toMatchObject({
      service: 'sts',
      operation: 'GetCallerIdentity',
      status: 403,
      error: 'MissingAuthenticationToken',
    });
  });

  it('awsJson: 400 MissingAuthenticationTokenException', async () => {
    const res = await fetch(emu.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'CertificateManager.ListCertificates',
      },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      __type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
  });

  it('a signed awsQuery request for an unknown Action is 400 InvalidAction', async () => {
    const res = await fetch(`${emu.url}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=00',
      },
      body: 'Action=CreateUser&Version=2010-05-08',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(
      '<Code>InvalidAction</Code><Message>Could not find operation CreateUser for version 2010-05-08</Message>',
    );
    expect(emu.calls().at(-1)).toMatchObject({
      service: 'iam',
      operation: 'CreateUser',
      error: 'InvalidAction',
    });
  });

  it('a signed request for a service the emulator lacks is 501 NotImplemented', async () => {
    const res = await fetch(`${emu.url}/`, {
      method: 'POST',
      headers: {
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=00',
      },
      body: 'Action=ListQueues',
    });
    expect(res.status).toBe(501);
    expect(await res.text()).toContain('<Code>NotImplemented</Code>');
  });
});

describe('faults', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startTestEmulator({ extraServices: [fakeEc2] });
  });
  beforeEach(() => emu.reset());
  afterAll(() => emu.stop());

  it('throttles the next N calls with the service code; the SDK sees THROTTLING and retries through', async () => {
    emu.setFaults([{ service: 'sts', operation: 'GetCallerIdentity', kind: 'throttle', count: 2 }]);
    const seen: RetryLog = [];
    const sts = new STSClient({ ...clientConfig(emu), retryStrategy: fastRetries(3, seen) });
    const out = await sts.send(new GetCallerIdentityCommand({}));
    expect(out.Account).toBe('123456789012');
    expect(seen).toEqual(['THROTTLING', 'THROTTLING']);
    expect(emu.calls({ service: 'sts' }).map((c) => [c.status, c.error])).toEqual([
      [400, 'Throttling'],
      [400, 'Throttling'],
      [200, undefined],
    ]);
  });

  it('EC2 throttling is RequestLimitExceeded 503', async () => {
    emu.setFaults([{ service: 'ec2', kind: 'throttle', count: 1 }]);
    const seen: RetryLog = [];
    const ec2 = new EC2Client({ ...clientConfig(emu), retryStrategy: fastRetries(1, seen) });
    const err = await failure(ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ['m5.large'] })));
    expect(err).toMatchObject({ name: 'RequestLimitExceeded', $metadata: { httpStatusCode: 503 } });
    expect(seen).toEqual(['THROTTLING']);
  });

  it('error5xx: InternalFailure 500, or ServiceUnavailable with status 503', async () => {
    emu.setFaults([
      { service: 'sts', kind: 'error5xx', count: 1 },
      { service: 'sts', kind: 'error5xx', status: 503, count: 1 },
    ]);
    const sts = stsClient(emu);
    expect(await failure(sts.send(new GetCallerIdentityCommand({})))).toMatchObject({
      name: 'InternalFailure',
      $fault: 'server',
      $metadata: { httpStatusCode: 500 },
    });
    expect(await failure(sts.send(new GetCallerIdentityCommand({})))).toMatchObject({
      name: 'ServiceUnavailable',
      $metadata: { httpStatusCode: 503 },
    });
    await sts.send(new GetCallerIdentityCommand({}));
  });

  it('latency delays then serves', async () => {
    emu.setFaults([{ service: 'sts', kind: 'latency', latencyMs: 2000, count: 1 }]);
    const out = await stsClient(emu).send(new GetCallerIdentityCommand({}));
    expect(out.Arn).toContain(':user/emulator');
    expect(emu.calls({ service: 'sts' })).toHaveLength(1);
  });

  it('probabilistic faults are reproducible from randomSeed', async () => {
    const pattern = async (): Promise<string> => {
      const e = await startTestEmulator({
        randomSeed: 42,
        faults: [{ service: 'sts', kind: 'throttle', probability: 0.5 }],
      });
      try {
        const sts = stsClient(e);
        for (let i = 0; i < 12; i++) await sts.send(new GetCallerIdentityCommand({})).catch(() => undefined);
        return e
          .calls()
          .map((c) => (c.error ? 'x' : '.'))
          .join('');
      } finally {
        await e.stop();
      }
    };
    const first = await pattern();
    expect(first).toMatch(/x/);
    expect(first).toMatch(/\./);
    expect(await pattern()).toBe(first);
  });
});

describe('control endpoints', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startTestEmulator({ seed: { accountId: '111111111111' } });
  });
  afterAll(() => emu.stop());

  const post = (path: string, body: unknown) =>
    fetch(`${emu.url}/_emulator/${path}`, { method: 'POST', body: JSON.stringify(body) });

  it('health, seed, faults, calls and reset', async () => {
    const health = (await (await fetch(`${emu.url}/_emulator/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ ok: true, accountId: '111111111111' });
    expect(health.services).toEqual(expect.arrayContaining(['sts', 'iam']));

    expect((await post('seed', { accountId: '222222222222' })).status).toBe(200);
    expect((await stsClient(emu).send(new GetCallerIdentityCommand({}))).Account).toBe('222222222222');

    expect((await post('faults', [{ service: 'sts', kind: 'throttle', count: 1 }])).status).toBe(200);
    await failure(stsClient(emu).send(new GetCallerIdentityCommand({})));
    const calls = (await (await fetch(`${emu.url}/_emulator/calls?service=sts`)).json()) as Array<{
      error?: string;
    }>;
    expect(calls.map((c) => c.error ?? 'ok')).toEqual(['ok', 'Throttling']);

    expect((await post('faults', [{ kind: 'explode' }])).status).toBe(400);

    expect((await post('reset', {})).status).toBe(200);
    expect(emu.calls()).toEqual([]);
    // reset returns to the last seeded world
    expect((await stsClient(emu).send(new GetCallerIdentityCommand({}))).Account).toBe('222222222222');
  });

  it('behaviour and clock', async () => {
    const before = emu.now();
    const res = await post('clock/advance', { seconds: 3600 });
    expect(res.status).toBe(200);
    expect(emu.now() - before).toBeGreaterThanOrEqual(3_600_000);
    await post('behaviour', { iamPropagationSeconds: 0 });
    expect(emu.behaviour.iamPropagationSeconds).toBe(0);
  });
});
