import { ChangeResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import type { Emulator } from '@eks-kit/aws-emulator';
import { type AwsClients, createClients, InvalidInputError } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import {
  checkCertificates,
  DEFAULT_ACM_RATE_LIMITS,
  ensureCertificate,
  listCertificates,
} from '../src/index.js';
import {
  CHECK_ZONES,
  clientsFor,
  FAST_ACM_RATES as fastRates,
  fastSchedule,
  LB,
  rejection,
  startFastEmulator,
  useFastEmulator,
} from './helpers.js';

describe('checkCertificates against the emulator', () => {
  let emu: Emulator;
  let clients: AwsClients;
  useFastEmulator(
    {
      route53: { hostedZones: CHECK_ZONES },
      acm: {
        certificates: [
          {
            arn: 'arn:aws:acm:ap-northeast-1:123456789012:certificate/soon',
            domainName: 'soon.example.com',
            expiresInDays: 5,
            inUseBy: [LB],
          },
          {
            arn: 'arn:aws:acm:ap-northeast-1:123456789012:certificate/unused',
            domainName: 'unused.example.com',
            expiresInDays: 200,
            tags: { 'eks-kit:stack': 'demo' },
          },
          {
            arn: 'arn:aws:acm:ap-northeast-1:123456789012:certificate/caa',
            domainName: 'www.strict.example.com',
            expiresInDays: 200,
            inUseBy: [LB],
          },
          {
            arn: 'arn:aws:acm:ap-northeast-1:123456789012:certificate/failed',
            domainName: 'bad.example.com',
            status: 'FAILED',
            failureReason: 'CAA_ERROR',
          },
        ],
      },
    },
    (e, c) => {
      emu = e;
      clients = c;
    },
  );

  const of = (findings: Awaited<ReturnType<typeof checkCertificates>>, check: string, resourcePart: string) =>
    findings.filter((f) => f.check === check && f.resource.includes(resourcePart));

  it('reports status, expiry, in-use and CAA per certificate', async () => {
    const findings = await checkCertificates(clients, { warnDays: 30, failDays: 7, rateLimits: fastRates });
    expect(of(findings, 'certificate.expiry', '/soon')[0]?.status).toBe('fail');
    expect(of(findings, 'certificate.in-use', '/unused')[0]).toMatchObject({
      status: 'warn',
      message: expect.stringContaining('will not renew'),
    });
    expect(of(findings, 'certificate.status', '/failed')[0]).toMatchObject({
      status: 'fail',
      message: 'FAILED (CAA_ERROR)',
    });
    // ACM renews only certificates in use: RenewalEligibility INELIGIBLE gives a renewal warning too.
    expect(of(findings, 'certificate.renewal', '/unused')[0]).toMatchObject({
      status: 'warn',
      message: 'not eligible for managed renewal',
    });
    expect(of(findings, 'certificate.in-use', '/soon')[0]?.status).toBe('ok');
    expect(of(findings, 'certificate.caa', '/caa')[0]).toMatchObject({
      status: 'fail',
      resource: 'arn:aws:acm:ap-northeast-1:123456789012:certificate/caa www.strict.example.com',
      message: expect.stringContaining('at strict.example.com'),
      hint: expect.stringContaining('amazon.com'),
    });
    expect(of(findings, 'certificate.caa', '/soon')[0]?.status).toBeUndefined();
    expect(of(findings, 'certificate.renewal', '/soon')[0]?.status).toBe('warn'); // in the window, CNAME missing
  });

  it('selects by stack tag and by ARN', async () => {
    const byStack = await checkCertificates(clients, { select: { stack: 'demo' }, rateLimits: fastRates });
    expect(new Set(byStack.map((f) => f.resource.split(' ')[0]))).toEqual(
      new Set(['arn:aws:acm:ap-northeast-1:123456789012:certificate/unused']),
    );
    const byArn = await checkCertificates(clients, {
      select: { arns: ['arn:aws:acm:ap-northeast-1:123456789012:certificate/soon'] },
    });
    expect(byArn.every((f) => f.resource.includes('/soon'))).toBe(true);
    expect(emu.calls({ operation: 'ListCertificates' })).toHaveLength(1);
  });

  it('pipelines tags, describe and Route 53 per certificate with the same calls as reading in phases', async () => {
    const findings = await checkCertificates(clients, {
      select: { stack: 'demo' },
      rateLimits: fastRates,
      concurrency: 3,
    });
    // Every certificate's tags once, a describe only for the one tagged for the stack, Route 53 once.
    expect(emu.calls({ operation: 'ListCertificates' })).toHaveLength(1);
    expect(emu.calls({ operation: 'ListTagsForCertificate' })).toHaveLength(4);
    expect(
      emu
        .calls({ operation: 'DescribeCertificate' })
        .map((c) => (c.input as { CertificateArn?: string }).CertificateArn),
    ).toEqual(['arn:aws:acm:ap-northeast-1:123456789012:certificate/unused']);
    expect(emu.calls({ operation: 'ListHostedZonesByName' })).toHaveLength(1);
    emu.resetCalls();
    // Without a selection: findings stay grouped per certificate, in ListCertificates' order.
    const all = await checkCertificates(clients, { rateLimits: fastRates, concurrency: 4 });
    expect(emu.calls({ operation: 'DescribeCertificate' })).toHaveLength(4);
    expect(emu.calls({ operation: 'ListHostedZonesByName' })).toHaveLength(1);
    const listed = (await listCertificates(clients, {})).map((s) => s.CertificateArn);
    const order = [...new Set(all.map((f) => f.resource.split(' ')[0]))];
    expect(order).toEqual(listed);
    expect(findings.length).toBeGreaterThan(0);
  });

  it('reports a deleted validation CNAME (the most common renewal failure, docs/AWS-FACTS.md#acm-statuses-and-renewal)', async () => {
    const { arn, records } = await ensureCertificate(clients, {
      domainName: 'shop.example.com',
      recordsSchedule: fastSchedule,
      wait: { schedule: fastSchedule, timeout: 20_000 },
    });
    const before = await checkCertificates(clients, { select: { arns: [arn as string] } });
    expect(of(before, 'certificate.validation-record', 'shop')[0]?.status).toBe('ok');
    const record = records[0]!;
    const r53 = await clients.route53();
    await r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: 'ZPUB',
        ChangeBatch: {
          Changes: [
            {
              Action: 'DELETE',
              ResourceRecordSet: {
                Name: `${record.name}.`,
                Type: 'CNAME',
                TTL: 300,
                ResourceRecords: [{ Value: `${record.value}.` }],
              },
            },
          ],
        },
      }),
    );
    const after = await checkCertificates(clients, { select: { arns: [arn as string] } });
    const missing = of(after, 'certificate.validation-record', 'shop')[0];
    expect(missing?.status).toBe('fail');
    expect(missing?.message).toContain('missing');
    expect(missing?.hint).toContain(record.value);
  });

  it('reports a validation CNAME changed to another value, and CAA that allows Amazon as ok', async () => {
    await upsertCaa('example.com', '0 issue "amazon.com"');
    const { arn, records } = await ensureCertificate(clients, {
      domainName: 'pay.example.com',
      recordsSchedule: fastSchedule,
    });
    const record = records[0]!;
    const r53 = await clients.route53();
    await r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: 'ZPUB',
        ChangeBatch: {
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: {
                Name: `${record.name}.`,
                Type: 'CNAME',
                TTL: 300,
                ResourceRecords: [{ Value: 'somewhere-else.example.net.' }],
              },
            },
          ],
        },
      }),
    );
    const findings = await checkCertificates(clients, { select: { arns: [arn as string] } });
    expect(of(findings, 'certificate.validation-record', 'pay')[0]).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('points to somewhere-else.example.net'),
      hint: expect.stringContaining(record.value),
    });
    expect(of(findings, 'certificate.caa', 'pay')[0]).toMatchObject({
      status: 'ok',
      message: 'CAA at example.com allows Amazon',
    });
  });

  const upsertCaa = async (name: string, value: string): Promise<void> => {
    const r53 = await clients.route53();
    await r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: 'ZPUB',
        ChangeBatch: {
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: { Name: name, Type: 'CAA', TTL: 300, ResourceRecords: [{ Value: value }] },
            },
          ],
        },
      }),
    );
  };

  it('refuses bad options before any AWS call', async () => {
    expect(await rejection(checkCertificates(clients, { warnDays: 5, failDays: 10 }))).toBeInstanceOf(
      InvalidInputError,
    );
    expect(
      await rejection(checkCertificates(clients, { rateLimits: { describeCertificatePerSecond: 0 } })),
    ).toBeInstanceOf(InvalidInputError);
    expect(emu.calls()).toEqual([]);
  });
});

describe('checkCertificates at scale', () => {
  it('checks 1,000 certificates with zero throttling errors (count, not time)', async () => {
    // At speed 20 ACM's DescribeCertificate quota (10/s emulated) is 200/s real: below what an
    // unlimited client reaches here, so the limiter is what keeps the count at zero.
    const speed = 20;
    const certificates = Array.from({ length: 1000 }, (_, i) => ({
      domainName: `c${i}.example.com`,
      expiresInDays: 100 + (i % 200),
      inUseBy: i % 2 === 0 ? [LB] : [],
    }));
    const emu = await startFastEmulator(
      {
        region: 'ap-northeast-1',
        route53: { hostedZones: [{ name: 'example.com', id: 'ZPUB' }] },
        acm: { certificates },
      },
      { speed },
    );
    const clients = await clientsFor(emu);
    try {
      // The limiter's rates scale with the emulator's speed: the same quotas in emulated time.
      const scaled = Object.fromEntries(
        Object.entries(DEFAULT_ACM_RATE_LIMITS).map(([k, v]) => [k, v * speed]),
      );
      const findings = await checkCertificates(clients, { rateLimits: scaled, concurrency: 16 });
      expect(findings.length).toBeGreaterThanOrEqual(3000);
      expect(new Set(findings.map((f) => f.resource.split(' ')[0])).size).toBe(1000);
      expect(emu.calls({ service: 'acm', operation: 'DescribeCertificate' })).toHaveLength(1000);
      expect(emu.calls({ service: 'acm' }).filter((c) => c.error !== undefined)).toEqual([]);
    } finally {
      clients.destroy();
      await emu.stop();
    }
  }, 90_000);
});

describe('checkCertificates without its limiter', () => {
  it('is throttled by the emulated quota, which is what the limiter prevents', async () => {
    const certificates = Array.from({ length: 40 }, (_, i) => ({ domainName: `t${i}.example.com` }));
    // Emulated time stands (nearly) still: the 40 DescribeCertificate fall in one emulated second, over
    // ACM's 10 a second, however slow the machine (in real time, a slow enough run would stay under it).
    const emu = await startFastEmulator(
      { region: 'ap-northeast-1', acm: { certificates } },
      { speed: 0.001 },
    );
    const clients = await createClients({
      region: 'ap-northeast-1',
      endpoint: emu.url,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 1,
      // Without core's client-side quota buckets too (issue 22): they would prevent it as well.
      quotas: false,
    });
    try {
      const unlimited = {
        listCertificatesPerSecond: 1000,
        describeCertificatePerSecond: 1000,
        listTagsForCertificatePerSecond: 1000,
      };
      const error = await rejection(
        checkCertificates(clients, { rateLimits: unlimited, concurrency: 16, route53: false }),
      );
      expect((error as { awsCode?: string }).awsCode).toBe('ThrottlingException');
      expect(
        emu.calls({ service: 'acm' }).filter((c) => c.error === 'ThrottlingException').length,
      ).toBeGreaterThan(0);
    } finally {
      clients.destroy();
      await emu.stop();
    }
  });
});
