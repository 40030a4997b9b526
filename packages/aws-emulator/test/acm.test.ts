import {
  ACMClient,
  AddTagsToCertificateCommand,
  DeleteCertificateCommand,
  DescribeCertificateCommand,
  ListCertificatesCommand,
  ListTagsForCertificateCommand,
  RemoveTagsFromCertificateCommand,
  RequestCertificateCommand,
} from '@aws-sdk/client-acm';
import { ChangeResourceRecordSetsCommand, type Route53Client } from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import type { Emulator, World } from '../src/index.js';
import { clientConfig, failure, startTestEmulator, useFrozenAcmEmulator } from './helpers.js';

const world: World = {
  route53: {
    hostedZones: [
      { name: 'example.com', id: 'ZPUB' },
      { name: 'internal.example.com', id: 'ZPRIV', private: true },
      {
        name: 'caa.example.com',
        id: 'ZCAA',
        records: [{ name: 'caa.example.com', type: 'CAA', values: ['0 issue "letsencrypt.org"'] }],
      },
    ],
  },
  acm: {
    certificates: [
      {
        arn: 'arn:aws:acm:ap-northeast-1:123456789012:certificate/in-use',
        domainName: 'used.example.com',
        inUseBy: ['arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:loadbalancer/app/x/1'],
      },
      {
        arn: 'arn:aws:acm:ap-northeast-1:123456789012:certificate/ec',
        domainName: 'ec.example.com',
        keyAlgorithm: 'EC_prime256v1',
        expiresInDays: 20,
      },
    ],
  },
};

describe('ACM emulator (awsJson1_1 CertificateManager)', () => {
  let emu: Emulator;
  let acm: ACMClient;
  let r53: Route53Client;
  useFrozenAcmEmulator(world, (env) => {
    ({ emu, acm, r53 } = env);
  });

  const request = (domain: string, extra: Record<string, unknown> = {}) =>
    acm.send(new RequestCertificateCommand({ DomainName: domain, ValidationMethod: 'DNS', ...extra }));
  const describeCert = async (arn: string) =>
    (await acm.send(new DescribeCertificateCommand({ CertificateArn: arn }))).Certificate!;
  const upsert = (zone: string, name: string, value: string) =>
    r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zone,
        ChangeBatch: {
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: { Name: name, Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: value }] },
            },
          ],
        },
      }),
    );

  it('has no ResourceRecord for acmRecordDelaySeconds, then one CNAME shared by a wildcard and its apex, with trailing dots', async () => {
    const { CertificateArn } = await request('*.foo.example.com', {
      SubjectAlternativeNames: ['*.foo.example.com', 'foo.example.com'],
    });
    const early = await describeCert(CertificateArn!);
    expect(early.Status).toBe('PENDING_VALIDATION');
    expect(early.DomainValidationOptions?.every((o) => o.ResourceRecord === undefined)).toBe(true);
    emu.advanceClock(6);
    const later = await describeCert(CertificateArn!);
    const records = later.DomainValidationOptions?.map((o) => o.ResourceRecord);
    expect(records).toHaveLength(2);
    expect(records?.[0]).toEqual(records?.[1]);
    expect(records?.[0]?.Name).toMatch(/^_[0-9a-f]{32}\.foo\.example\.com\.$/);
    expect(records?.[0]?.Value).toMatch(/\.acm-validations\.aws\.$/);
    const other = await request('foo.example.com', { KeyAlgorithm: 'EC_prime256v1' });
    emu.advanceClock(6);
    expect((await describeCert(other.CertificateArn!)).DomainValidationOptions?.[0]?.ResourceRecord).toEqual(
      records?.[0],
    );
  });

  it('issues only once the exact CNAME is in a public zone for acmValidationSeconds', async () => {
    const { CertificateArn } = await request('app.example.com');
    emu.advanceClock(6);
    const record = (await describeCert(CertificateArn!)).DomainValidationOptions![0]!.ResourceRecord!;
    await upsert('ZPUB', record.Name!, 'wrong.acm-validations.aws.');
    emu.advanceClock(60);
    expect((await describeCert(CertificateArn!)).Status).toBe('PENDING_VALIDATION');
    await upsert('ZPUB', record.Name!, record.Value!);
    emu.advanceClock(10);
    expect((await describeCert(CertificateArn!)).Status).toBe('PENDING_VALIDATION');
    emu.advanceClock(11);
    const issued = await describeCert(CertificateArn!);
    expect(issued.Status).toBe('ISSUED');
    expect(issued.NotAfter!.getTime()).toBeGreaterThan(issued.NotBefore!.getTime());
    expect(issued.RenewalEligibility).toBe('INELIGIBLE');
  });

  it('a CNAME in a private zone is never seen: VALIDATION_TIMED_OUT after 72 hours', async () => {
    const { CertificateArn } = await request('api.internal.example.com');
    emu.advanceClock(6);
    const record = (await describeCert(CertificateArn!)).DomainValidationOptions![0]!.ResourceRecord!;
    await upsert('ZPRIV', record.Name!, record.Value!);
    emu.advanceClock(71 * 3600);
    expect((await describeCert(CertificateArn!)).Status).toBe('PENDING_VALIDATION');
    emu.advanceClock(3600);
    expect((await describeCert(CertificateArn!)).Status).toBe('VALIDATION_TIMED_OUT');
  });

  it('fails with CAA_ERROR when the closest CAA record does not allow Amazon', async () => {
    const { CertificateArn } = await request('www.caa.example.com');
    emu.advanceClock(6);
    const record = (await describeCert(CertificateArn!)).DomainValidationOptions![0]!.ResourceRecord!;
    await upsert('ZCAA', record.Name!, record.Value!);
    emu.advanceClock(30);
    const cert = await describeCert(CertificateArn!);
    expect([cert.Status, cert.FailureReason]).toEqual(['FAILED', 'CAA_ERROR']);
  });

  it('the same IdempotencyToken within one hour gives the same certificate; after the hour a new one', async () => {
    const a = await request('tok.example.com', { IdempotencyToken: 'abc_123' });
    const b = await request('tok.example.com', { IdempotencyToken: 'abc_123' });
    expect(b.CertificateArn).toBe(a.CertificateArn);
    emu.advanceClock(3601);
    const c = await request('tok.example.com', { IdempotencyToken: 'abc_123' });
    expect(c.CertificateArn).not.toBe(a.CertificateArn);
    const bad = await failure(request('tok.example.com', { IdempotencyToken: 'has-hyphen' }));
    expect(bad.name).toBe('ValidationException');
  });

  it('validates DomainName (64 octets), the domain-name quota and the key algorithm', async () => {
    const long = `${'a'.repeat(60)}.example.com`;
    expect((await failure(request(long))).name).toBe('ValidationException');
    const sans = Array.from({ length: 10 }, (_, i) => `n${i}.example.com`);
    expect((await failure(request('a.example.com', { SubjectAlternativeNames: sans }))).name).toBe(
      'LimitExceededException',
    );
    expect((await failure(request('a.example.com', { KeyAlgorithm: 'RSA_4096' }))).name).toBe(
      'InvalidParameterException',
    );
    expect((await failure(request('a..example.com'))).name).toBe('ValidationException');
  });

  it('ListCertificates returns RSA_1024 and RSA_2048 only unless Includes.keyTypes (API reference, Filters), filters statuses and pages', async () => {
    const plain = await acm.send(new ListCertificatesCommand({}));
    expect(plain.CertificateSummaryList?.map((c) => c.DomainName)).toEqual(['used.example.com']);
    emu.advanceClock(2);
    const all = await acm.send(
      new ListCertificatesCommand({ Includes: { keyTypes: ['RSA_2048', 'EC_prime256v1'] } }),
    );
    expect(all.CertificateSummaryList?.map((c) => c.DomainName).sort()).toEqual([
      'ec.example.com',
      'used.example.com',
    ]);
    emu.advanceClock(2);
    const none = await acm.send(new ListCertificatesCommand({ CertificateStatuses: ['PENDING_VALIDATION'] }));
    expect(none.CertificateSummaryList).toEqual([]);
    emu.advanceClock(2);
    const page = await acm.send(
      new ListCertificatesCommand({ Includes: { keyTypes: ['RSA_2048', 'EC_prime256v1'] }, MaxItems: 1 }),
    );
    expect(page.CertificateSummaryList).toHaveLength(1);
    expect(page.NextToken).toBeDefined();
  });

  it('enforces ListCertificates 1/s in emulated time, and acmRateQuotas: false turns it off', async () => {
    await acm.send(new ListCertificatesCommand({}));
    expect((await failure(acm.send(new ListCertificatesCommand({})))).name).toBe('ThrottlingException');
    emu.behaviour.acmRateQuotas = false;
    try {
      await acm.send(new ListCertificatesCommand({}));
    } finally {
      emu.behaviour.acmRateQuotas = true;
    }
  });

  it('tags: add, list, remove; DeleteCertificate refuses a certificate in use', async () => {
    const arn = 'arn:aws:acm:ap-northeast-1:123456789012:certificate/in-use';
    await acm.send(
      new AddTagsToCertificateCommand({
        CertificateArn: arn,
        Tags: [
          { Key: 'team', Value: 'web' },
          { Key: 'env', Value: 'prod' },
        ],
      }),
    );
    await acm.send(new RemoveTagsFromCertificateCommand({ CertificateArn: arn, Tags: [{ Key: 'env' }] }));
    expect((await acm.send(new ListTagsForCertificateCommand({ CertificateArn: arn }))).Tags).toEqual([
      { Key: 'team', Value: 'web' },
    ]);
    expect(
      (
        await failure(
          acm.send(
            new AddTagsToCertificateCommand({ CertificateArn: arn, Tags: [{ Key: 'aws:x', Value: '1' }] }),
          ),
        )
      ).name,
    ).toBe('InvalidTagException');
    expect((await failure(acm.send(new DeleteCertificateCommand({ CertificateArn: arn })))).name).toBe(
      'ResourceInUseException',
    );
    const unused = 'arn:aws:acm:ap-northeast-1:123456789012:certificate/ec';
    await acm.send(new DeleteCertificateCommand({ CertificateArn: unused }));
    expect((await failure(acm.send(new DescribeCertificateCommand({ CertificateArn: unused })))).name).toBe(
      'ResourceNotFoundException',
    );
    expect(emu.calls({ service: 'acm', mutating: true }).map((c) => c.operation)).toContain(
      'DeleteCertificate',
    );
  });

  it('seeded certificates carry InUseBy, expiry and a renewal summary inside the 60-day window', async () => {
    const ec = await describeCert('arn:aws:acm:ap-northeast-1:123456789012:certificate/ec');
    expect(ec.Status).toBe('ISSUED');
    // Real ACM answers the hyphenated form although it takes EC_prime256v1 (ACM User Guide examples).
    expect(ec.KeyAlgorithm).toBe('EC-prime256v1');
    expect(ec.InUseBy).toEqual([]);
    const used = await describeCert('arn:aws:acm:ap-northeast-1:123456789012:certificate/in-use');
    expect(used.RenewalEligibility).toBe('ELIGIBLE');
    expect(used.DomainValidationOptions?.[0]?.ResourceRecord?.Type).toBe('CNAME');
  });

  it('enforces DescribeCertificate 10/s and RequestCertificate 5/s in emulated time (docs/AWS-FACTS.md#acm-request-rate-quotas)', async () => {
    // An emulator whose clock moves a thousand times slower than real time: the burst below lands in
    // one emulated second however loaded the machine is (at speed 1 a busy CI could spread it over two).
    const slow = await startTestEmulator({ speed: 0.001, seed: world });
    const slowAcm = new ACMClient({ ...clientConfig(slow), maxAttempts: 1 });
    try {
      const arn = 'arn:aws:acm:ap-northeast-1:123456789012:certificate/in-use';
      const describes = await Promise.allSettled(
        Array.from({ length: 11 }, () =>
          slowAcm.send(new DescribeCertificateCommand({ CertificateArn: arn })),
        ),
      );
      expect(describes.filter((r) => r.status === 'rejected')).toHaveLength(1);
      const requests = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) =>
          slowAcm.send(
            new RequestCertificateCommand({ DomainName: `q${i}.example.com`, ValidationMethod: 'DNS' }),
          ),
        ),
      );
      expect(
        requests.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.name),
      ).toEqual(['ThrottlingException']);
      slow.advanceClock(1);
      await slowAcm.send(new DescribeCertificateCommand({ CertificateArn: arn }));
    } finally {
      slowAcm.destroy();
      await slow.stop();
    }
  });
});
