/** Issue 22: the process-wide quota buckets, asserted by behaviour (who waited, who is let through), never by timings. */
import { describe, expect, it } from 'vitest';
import { API_QUOTAS, createQuotas, processQuotas } from '../src/index.js';

describe('API_QUOTAS', () => {
  it('carries ACM`s documented rates and Route 53`s account-wide bucket', () => {
    expect(API_QUOTAS.acm.operations.ListCertificates?.ratePerSecond).toBe(1);
    expect(API_QUOTAS.acm.operations.DescribeCertificate?.ratePerSecond).toBe(10);
    expect(API_QUOTAS.route53.scope).toBe('account');
    expect(API_QUOTAS.route53.api).toBeDefined();
  });
});

describe('createQuotas', () => {
  it('a second ListCertificates within its second waits for a token; DescribeCertificate bursts 10', async () => {
    const quotas = createQuotas({ speed: 1000 });
    for (let i = 0; i < 10; i++) (await quotas.acquire('acm', 'eu-west-1', 'DescribeCertificate'))();
    (await quotas.acquire('acm', 'eu-west-1', 'ListCertificates'))();
    expect(quotas.waited()).toEqual({});
    (await quotas.acquire('acm', 'eu-west-1', 'ListCertificates'))();
    expect(quotas.waited()).toEqual({ 'acm:ListCertificates': 1 });
  });

  it('another principal (an assumed role in another account) has its own buckets', async () => {
    const quotas = createQuotas({ speed: 1000 });
    (await quotas.acquire('acm', 'eu-west-1', 'ListCertificates', undefined, 'AKIA-ONE'))();
    (await quotas.acquire('acm', 'eu-west-1', 'ListCertificates', undefined, 'ASIA-OTHER'))();
    expect(quotas.waited()).toEqual({});
    (await quotas.acquire('acm', 'eu-west-1', 'ListCertificates', undefined, 'AKIA-ONE'))();
    expect(quotas.waited()).toEqual({ 'acm:ListCertificates': 1 });
  });

  it('regions have their own ACM buckets; Route 53 has one per account', async () => {
    const quotas = createQuotas({ speed: 1000 });
    (await quotas.acquire('acm', 'eu-west-1', 'ListCertificates'))();
    (await quotas.acquire('acm', 'us-east-1', 'ListCertificates'))();
    expect(quotas.waited()).toEqual({});
    const small = createQuotas({
      speed: 1000,
      quotas: {
        route53: {
          scope: 'account',
          defaultRate: { ratePerSecond: 5, burst: 5 },
          operations: {},
          api: { ratePerSecond: 1, burst: 1 },
          source: 'test',
        },
      },
    });
    (await small.acquire('route53', 'eu-west-1', 'GetChange'))();
    (await small.acquire('route53', 'us-east-1', 'ListHostedZonesByName'))();
    expect(small.waited()).toEqual({ 'route53:ListHostedZonesByName': 1 });
  });

  it('holds a call while `concurrency` calls of the service are in flight', async () => {
    const quotas = createQuotas({ speed: 1000, concurrency: 2 });
    const a = await quotas.acquire('iam', 'eu-west-1', 'GetRole');
    const b = await quotas.acquire('iam', 'eu-west-1', 'GetRole');
    let third = false;
    const pending = quotas.acquire('iam', 'eu-west-1', 'GetRole').then((release) => {
      third = true;
      return release;
    });
    await new Promise((r) => setImmediate(r));
    expect(third).toBe(false);
    a();
    (await pending)();
    expect(third).toBe(true);
    b();
  });

  it('processQuotas is one set per speed, shared by every caller', () => {
    expect(processQuotas({ speed: 7 })).toBe(processQuotas({ speed: 7 }));
    expect(processQuotas({ speed: 7 })).not.toBe(processQuotas({ speed: 8 }));
  });
});
