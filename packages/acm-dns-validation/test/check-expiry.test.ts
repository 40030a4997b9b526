import type { AwsClients } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import {
  ACM_PUBLIC_LIFETIME_DAYS,
  ACM_RENEWAL_WINDOW_DAYS,
  checkCertificates,
  DEFAULT_CERT_FAIL_DAYS,
  DEFAULT_CERT_WARN_DAYS,
} from '../src/index.js';
import { CHECK_ZONES, FAST_ACM_RATES as fastRates, LB, useFastEmulator } from './helpers.js';

// Issue 17: since 2026-02-18 ACM issues for 198 days and renews from 45 days before expiry; the
// expiry findings and their defaults are derived from that (docs/AWS-FACTS.md#acm-198-day-certificates-and-the-renewal-window).
const arn = (id: string) => `arn:aws:acm:ap-northeast-1:123456789012:certificate/${id}`;

describe('certificate expiry findings from the 198-day lifetime and the renewal window', () => {
  let clients: AwsClients;
  useFastEmulator(
    {
      route53: { hostedZones: CHECK_ZONES },
      acm: {
        certificates: [
          // In the window, ACM still on it (seeded: the emulator does not move it on).
          {
            arn: arn('in-window'),
            domainName: 'window.example.com',
            expiresInDays: 40,
            inUseBy: [LB],
            renewalStatus: 'PENDING_AUTO_RENEWAL',
          },
          // Overdue, nothing visible blocks renewal.
          {
            arn: arn('stuck'),
            domainName: 'stuck.example.com',
            expiresInDays: 20,
            inUseBy: [LB],
            renewalStatus: 'PENDING_AUTO_RENEWAL',
          },
          { arn: arn('unused'), domainName: 'unused.example.com', expiresInDays: 20 },
          { arn: arn('no-cname'), domainName: 'nocname.example.com', expiresInDays: 20, inUseBy: [LB] },
          {
            arn: arn('caa'),
            domainName: 'www.strict.example.com',
            expiresInDays: 20,
            inUseBy: [LB],
            renewalStatus: 'FAILED',
            renewalStatusReason: 'CAA_ERROR',
          },
          { arn: arn('fresh'), domainName: 'fresh.example.com', expiresInDays: 100, inUseBy: [LB] },
        ],
      },
    },
    (_emu, c) => {
      clients = c;
    },
  );

  const expiryOf = async (id: string, route53 = true) => {
    const findings = await checkCertificates(clients, {
      select: { arns: [arn(id)] },
      rateLimits: fastRates,
      route53,
    });
    const f = findings.find((x) => x.check === 'certificate.expiry');
    if (!f) throw new Error(`no expiry finding for ${id}`);
    return f;
  };

  it('defaults: warn from the renewal window (45 days), fail 15 days later (30), not 30/7', () => {
    expect(ACM_PUBLIC_LIFETIME_DAYS).toBe(198);
    expect(DEFAULT_CERT_WARN_DAYS).toBe(ACM_RENEWAL_WINDOW_DAYS);
    expect(DEFAULT_CERT_FAIL_DAYS).toBe(30);
    expect(DEFAULT_CERT_FAIL_DAYS).toBeLessThan(DEFAULT_CERT_WARN_DAYS);
  });

  it('a certificate in the renewal window is a warning naming the window; outside it, ok', async () => {
    const inWindow = await expiryOf('in-window');
    expect(inWindow.status).toBe('warn');
    expect(inWindow.hint).toContain('from 45 days before expiry');
    expect((await expiryOf('fresh')).status).toBe('ok');
  });

  it('an overdue certificate with nothing visible blocking renewal fails and says so', async () => {
    const stuck = await expiryOf('stuck', false); // Route 53 not read: only what ACM says
    expect(stuck.status).toBe('fail');
    expect(stuck.message).toMatch(/^expires in \d+ days \(.*\) and ACM has not renewed it$/);
    expect(stuck.hint).toContain('nothing visible blocks it');
  });

  it('overdue because not in use: the failure says why', async () => {
    const unused = await expiryOf('unused');
    expect(unused.status).toBe('fail');
    expect(unused.message).toContain('not in use');
    expect(unused.data?.reasons).toContain('not in use: ACM renews only certificates in use');
  });

  it('overdue because the validation record is missing: the failure names the record', async () => {
    const f = await expiryOf('no-cname');
    expect(f.status).toBe('fail');
    expect(f.message).toContain('renewal PENDING_VALIDATION');
    expect(f.message).toMatch(
      /validation record: validation CNAME _[0-9a-f]+\.nocname\.example\.com is missing/,
    );
  });

  it('overdue because CAA does not allow Amazon: the failure says CAA', async () => {
    const f = await expiryOf('caa');
    expect(f.status).toBe('fail');
    expect(f.message).toContain('CAA records do not allow Amazon');
    expect(f.message).toContain('CAA: CAA records at strict.example.com');
  });
});
