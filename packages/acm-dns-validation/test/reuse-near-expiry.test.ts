import type { Emulator } from '@eks-kit/aws-emulator';
import type { AwsClients } from '@eks-kit/core';
import { describe, expect, it } from 'vitest';
import { ensureCertificate, findCertificate, normaliseCertificateRequest } from '../src/index.js';
import { fastSchedule, LB, useFastEmulator } from './helpers.js';

// Issue 17: ACM renews an in-use certificate in place (same ARN); a second certificate for the same
// names, requested because the first is close to expiry, breaks the AWS Load Balancer Controller's
// certificate discovery. Reuse never skips a certificate for being close to expiry.
const NEAR = 'arn:aws:acm:ap-northeast-1:123456789012:certificate/near-expiry';

describe('certificate reuse near expiry', () => {
  let emu: Emulator;
  let clients: AwsClients;
  useFastEmulator(
    {
      route53: { hostedZones: [{ name: 'example.com', id: 'ZEXAMPLE' }] },
      acm: {
        certificates: [
          {
            arn: NEAR,
            domainName: '*.foo.example.com',
            subjectAlternativeNames: ['foo.example.com'],
            expiresInDays: 10,
            inUseBy: [LB],
            renewalStatus: 'PENDING_AUTO_RENEWAL',
            tags: { 'eks-kit:stack': 'demo' },
          },
        ],
      },
    },
    (e, c) => {
      emu = e;
      clients = c;
    },
  );

  const input = {
    domainName: '*.foo.example.com',
    subjectAlternativeNames: ['foo.example.com'],
    stack: 'demo',
    recordsSchedule: fastSchedule,
  };

  it('findCertificate answers the certificate that expires in 10 days', async () => {
    const found = await findCertificate(clients, normaliseCertificateRequest(input, 'ap-northeast-1'));
    expect(found?.arn).toBe(NEAR);
  });

  it('ensureCertificate reuses it and requests no second certificate, now or on a second run', async () => {
    const first = await ensureCertificate(clients, input);
    expect(first.arn).toBe(NEAR);
    const second = await ensureCertificate(clients, input);
    expect(second.arn).toBe(NEAR);
    expect(emu.calls({ operation: 'RequestCertificate' })).toEqual([]);
  });
});
