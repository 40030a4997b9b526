import { ACMClient, DescribeCertificateCommand, ListCertificatesCommand } from '@aws-sdk/client-acm';
import { DescribeInstanceTypesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { ChangeResourceRecordSetsCommand, GetChangeCommand, Route53Client } from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.js';
import { fakeAcm, fakeEc2, fakeEks, fakeRegistry, fakeRoute53 } from './fake-services.js';
import { clientConfig, failure, startTestEmulator } from './helpers.js';

describe('protocol codecs through the real SDK clients', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startTestEmulator({ extraServices: [fakeAcm, fakeRoute53, fakeEks, fakeEc2, fakeRegistry] });
  });
  afterAll(() => emu.stop());

  it('awsJson1_1: routes by X-Amz-Target, Dates as epoch seconds, errors as __type', async () => {
    const acm = new ACMClient(clientConfig(emu));
    const out = await acm.send(new ListCertificatesCommand({}));
    expect(out.CertificateSummaryList?.[0]?.CertificateArn).toContain(':certificate/one');
    expect(out.CertificateSummaryList?.[0]?.CreatedAt).toBeInstanceOf(Date);
    const err = await failure(acm.send(new DescribeCertificateCommand({ CertificateArn: 'arn:aws:acm:x' })));
    expect(err).toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400 } });
    expect(err.message).toBe('Could not find certificate arn:aws:acm:x.');
    expect(emu.calls({ operation: 'DescribeCertificate' })[0]?.input).toEqual({
      CertificateArn: 'arn:aws:acm:x',
    });
  });

  it('rate quotas answer the service throttling error in emulated time (ACM ListCertificates 1/s)', async () => {
    // Emulated time nearly stopped (speed 0.001), moved only by advanceClock: no real-time race.
    const slow = await startTestEmulator({ speed: 0.001, extraServices: [fakeAcm] });
    try {
      const acm = new ACMClient(clientConfig(slow));
      await acm.send(new ListCertificatesCommand({}));
      const err = await failure(acm.send(new ListCertificatesCommand({})));
      expect(err).toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
      slow.advanceClock(1);
      await acm.send(new ListCertificatesCommand({}));
    } finally {
      await slow.stop();
    }
  });

  it('restXml: routes by method and path, parses XML bodies with entities, answers <OpResponse>', async () => {
    const r53 = new Route53Client(clientConfig(emu));
    const out = await r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: '/hostedzone/Z1',
        ChangeBatch: {
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: {
                Name: 'a.example.com',
                Type: 'TXT',
                TTL: 60,
                ResourceRecords: [{ Value: '"x<y&z"' }],
              },
            },
          ],
        },
      }),
    );
    expect(out.ChangeInfo?.Status).toBe('PENDING');
    expect(out.ChangeInfo?.SubmittedAt).toBeInstanceOf(Date);
    expect((emu.state.route53 as { changes: unknown[] }).changes).toEqual([
      { action: 'UPSERT', name: 'a.example.com', value: '"x<y&z"' },
    ]);
    const change = await r53.send(new GetChangeCommand({ Id: '/change/C1' }));
    expect(change.ChangeInfo?.Status).toBe('INSYNC');
    const err = await failure(
      r53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: 'Z9', ChangeBatch: { Changes: [] } })),
    );
    expect(err).toMatchObject({ name: 'NoSuchHostedZone', message: 'No hosted zone found with ID: Z9' });
    expect(err.$metadata.httpStatusCode).toBe(404);
  });

  it('restJson1: path parameters, JSON out, x-amzn-errortype errors', async () => {
    const eks = new EKSClient(clientConfig(emu));
    const out = await eks.send(new DescribeClusterCommand({ name: 'prod' }));
    expect(out.cluster).toMatchObject({ name: 'prod', version: '1.35', tags: { a: 'b' } });
    expect(out.cluster?.createdAt).toBeInstanceOf(Date);
    const err = await failure(eks.send(new DescribeClusterCommand({ name: 'dev' })));
    expect(err).toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'No cluster found for name: dev.',
    });
    expect(err.$metadata.httpStatusCode).toBe(404);
  });

  it('EC2 query: Param.N lists in, <item> lists out, <Response><Errors> errors', async () => {
    const ec2 = new EC2Client(clientConfig(emu));
    const out = await ec2.send(
      new DescribeInstanceTypesCommand({ InstanceTypes: ['m5.large', 'c5.xlarge'] }),
    );
    expect(out.InstanceTypes?.map((t) => [t.InstanceType, t.VCpuInfo?.DefaultVCpus])).toEqual([
      ['m5.large', 2],
      ['c5.xlarge', 4],
    ]);
    const err = await failure(
      ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ['z9.huge' as never] })),
    );
    expect(err).toMatchObject({ name: 'InvalidInstanceType' });
    expect(err.message).toContain('[z9.huge]');
  });

  it('raw routes (docker registry) need no SigV4 and log as service registry', async () => {
    const unauth = await fetch(`${emu.url}/v2/app/blobs/uploads/`, { method: 'POST' });
    expect(unauth.status).toBe(401);
    expect(unauth.headers.get('www-authenticate')).toContain('Basic realm=');
    expect(await unauth.json()).toEqual({
      errors: [{ code: 'UNAUTHORIZED', message: 'authentication required', detail: null }],
    });
    const ok = await fetch(`${emu.url}/v2/app/blobs/uploads/`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('AWS:token').toString('base64')}` },
    });
    expect(ok.status).toBe(202);
    expect(ok.headers.get('location')).toBe('/v2/app/blobs/uploads/u1');
    expect(
      emu.calls({ service: 'registry', mutating: true }).map((c) => [c.operation, c.status, c.input]),
    ).toEqual([
      ['InitiateLayerUpload', 401, { repository: 'app' }],
      ['InitiateLayerUpload', 202, { repository: 'app' }],
    ]);
  });
});
