/** Issue 22: the process-wide quota buckets, asserted by behaviour (who waited, who is let through), never by timings. */
import { describe, expect, it } from 'vitest';
import { API_QUOTAS, createQuotas, processQuotas, type RateLimiterClock } from '../src/index.js';

/** Time stands still unless a bucket sleeps: whether a call waits is arithmetic, not machine load. */
function frozenClock(): RateLimiterClock & { slept: number[] } {
  let t = 1_000_000;
  const slept: number[] = [];
  return {
    slept,
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
  };
}

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
    const clock = frozenClock();
    const quotas = createQuotas({ speed: 1000, clock });
    for (let i = 0; i < 10; i++) (await quotas.acquire('acm', 'eu-west-1', 'DescribeCertificate'))();
    (await quotas.acquire('acm', 'eu-west-1', 'ListCertificates'))();
    expect(quotas.waited()).toEqual({});
    (await quotas.acquire('acm', 'eu-west-1', 'ListCertificates'))();
    expect(quotas.waited()).toEqual({ 'acm:ListCertificates': 1 });
    // 1/s at 80% of the documented rate for a bucket of one, 1000x faster: 1.25 ms, rounded up.
    expect(clock.slept).toEqual([2]);
  });

  it('at real speed the second ListCertificates waits 1.25 s (80% of the documented 1/s)', async () => {
    const clock = frozenClock();
    const quotas = createQuotas({ clock });
    (await quotas.acquire('acm', 'eu-west-1', 'ListCertificates'))();
    (await quotas.acquire('acm', 'eu-west-1', 'ListCertificates'))();
    expect(clock.slept).toEqual([1250]);
    expect(quotas.waitedMs()).toEqual({ 'acm:ListCertificates': 1250 });
  });

  it('another principal (an assumed role in another account) has its own buckets', async () => {
    const quotas = createQuotas({ speed: 1000, clock: frozenClock() });
    (await quotas.acquire('acm', 'eu-west-1', 'ListCertificates', undefined, 'AKIA-ONE'))();
    (await quotas.acquire('acm', 'eu-west-1', 'ListCertificates', undefined, 'ASIA-OTHER'))();
    expect(quotas.waited()).toEqual({});
    (await quotas.acquire('acm', 'eu-west-1', 'ListCertificates', undefined, 'AKIA-ONE'))();
    expect(quotas.waited()).toEqual({ 'acm:ListCertificates': 1 });
  });

  it('regions have their own ACM buckets; Route 53 has one per account', async () => {
    const quotas = createQuotas({ speed: 1000, clock: frozenClock() });
    (await quotas.acquire('acm', 'eu-west-1', 'ListCertificates'))();
    (await quotas.acquire('acm', 'us-east-1', 'ListCertificates'))();
    expect(quotas.waited()).toEqual({});
    const small = createQuotas({
      speed: 1000,
      clock: frozenClock(),
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

  it('a retry goes before the calls not sent yet, and still takes a token (issue 21)', async () => {
    const clock = frozenClock();
    const quotas = createQuotas({ clock, concurrency: 1 });
    const order: string[] = [];
    const first = await quotas.acquire('acm', 'eu-west-1', 'ListCertificates');
    const queued = quotas.acquire('acm', 'eu-west-1', 'ListCertificates').then((release) => {
      order.push('new call');
      release();
    });
    const retry = quotas
      .acquire('acm', 'eu-west-1', 'ListCertificates', undefined, '', { retry: true })
      .then((release) => {
        order.push('retry');
        release();
      });
    first();
    await Promise.all([queued, retry]);
    expect(order).toEqual(['retry', 'new call']);
    // Three calls of a 1/s bucket of one: both later ones waited for a token.
    expect(quotas.waited()).toEqual({ 'acm:ListCertificates': 2 });
  });

  it('a call given up (its signal aborted) leaves the queue without a token or a slot (issue 21)', async () => {
    const clock = frozenClock();
    const quotas = createQuotas({ clock, concurrency: 1 });
    const held = await quotas.acquire('acm', 'eu-west-1', 'ListCertificates');
    const controller = new AbortController();
    const waiting = quotas.acquire('acm', 'eu-west-1', 'ListCertificates', controller.signal);
    controller.abort(new Error('endpoint unreachable'));
    await expect(waiting).rejects.toThrow('endpoint unreachable');
    held();
    // The slot goes to the next caller, not to the one given up.
    (await quotas.acquire('acm', 'eu-west-1', 'DescribeCertificate'))();
  });

  it('processQuotas is one set per speed, shared by every caller', () => {
    expect(processQuotas({ speed: 7 })).toBe(processQuotas({ speed: 7 }));
    expect(processQuotas({ speed: 7 })).not.toBe(processQuotas({ speed: 8 }));
  });
});
