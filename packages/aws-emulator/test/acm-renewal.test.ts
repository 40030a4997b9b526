import { type ACMClient, DescribeCertificateCommand, RequestCertificateCommand } from '@aws-sdk/client-acm';
import { ChangeResourceRecordSetsCommand, type Route53Client } from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import type { Emulator, World } from '../src/index.js';
import { useFrozenAcmEmulator } from './helpers.js';

// Issue 17: ACM since 2026-02-18 issues public certificates for 198 days and renews them in place from
// 45 days before expiry (docs/AWS-FACTS.md#acm-198-day-certificates-and-the-renewal-window).
const DAY_S = 86_400;
const DAY_MS = DAY_S * 1000;
const ELB = 'arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:loadbalancer/app/x/1';
const arn = (id: string) => `arn:aws:acm:ap-northeast-1:123456789012:certificate/${id}`;

const world: World = {
  route53: {
    hostedZones: [
      { name: 'example.com', id: 'ZPUB' },
      {
        name: 'caa.example.com',
        id: 'ZCAA',
        records: [{ name: 'caa.example.com', type: 'CAA', values: ['0 issue "letsencrypt.org"'] }],
      },
    ],
  },
  acm: {
    certificates: [
      { arn: arn('renews'), domainName: 'renews.example.com', inUseBy: [ELB], expiresInDays: 50 },
      { arn: arn('no-cname'), domainName: 'nocname.example.com', inUseBy: [ELB], expiresInDays: 50 },
      { arn: arn('unused'), domainName: 'unused.example.com', expiresInDays: 50 },
      { arn: arn('caa'), domainName: 'www.caa.example.com', inUseBy: [ELB], expiresInDays: 50 },
    ],
  },
};

describe('ACM emulator: 198-day lifetime and managed renewal', () => {
  let emu: Emulator;
  let acm: ACMClient;
  let r53: Route53Client;
  useFrozenAcmEmulator(world, (env) => {
    ({ emu, acm, r53 } = env);
  });

  const describeCert = async (id: string) =>
    (await acm.send(new DescribeCertificateCommand({ CertificateArn: id }))).Certificate!;
  const putCname = async (zone: string, id: string) => {
    const record = (await describeCert(id)).DomainValidationOptions![0]!.ResourceRecord!;
    await r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zone,
        ChangeBatch: {
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: {
                Name: record.Name!,
                Type: 'CNAME',
                TTL: 300,
                ResourceRecords: [{ Value: record.Value! }],
              },
            },
          ],
        },
      }),
    );
  };

  it('issues a requested certificate for 198 days', async () => {
    const { CertificateArn } = await acm.send(
      new RequestCertificateCommand({ DomainName: 'new.example.com', ValidationMethod: 'DNS' }),
    );
    emu.advanceClock(6);
    await putCname('ZPUB', CertificateArn!);
    emu.advanceClock(21);
    const cert = await describeCert(CertificateArn!);
    expect(cert.Status).toBe('ISSUED');
    expect(cert.NotAfter!.getTime() - cert.NotBefore!.getTime()).toBe(198 * DAY_MS);
  });

  it('renews in place (same ARN, new dates, SUCCESS) from 45 days before expiry when in use with its CNAME', async () => {
    await putCname('ZPUB', arn('renews'));
    const before = await describeCert(arn('renews'));
    expect(before.NotAfter!.getTime() - before.NotBefore!.getTime()).toBe(198 * DAY_MS);
    expect(before.RenewalSummary).toBeUndefined(); // 50 days left: outside the window
    emu.advanceClock(5 * DAY_S + 5); // 45 days left: in the window, not yet renewed
    const pending = await describeCert(arn('renews'));
    expect(pending.RenewalSummary?.RenewalStatus).toBe('PENDING_AUTO_RENEWAL');
    expect(pending.NotAfter).toEqual(before.NotAfter);
    emu.advanceClock(20);
    const renewed = await describeCert(arn('renews'));
    expect(renewed.CertificateArn).toBe(arn('renews'));
    expect(renewed.Status).toBe('ISSUED');
    expect(renewed.RenewalSummary?.RenewalStatus).toBe('SUCCESS');
    expect(renewed.NotAfter!.getTime()).toBe(renewed.NotBefore!.getTime() + 198 * DAY_MS);
    expect(renewed.NotAfter!.getTime()).toBeGreaterThan(before.NotAfter!.getTime() + 100 * DAY_MS);
  });

  it('without the validation CNAME the renewal is PENDING_VALIDATION and the certificate expires', async () => {
    emu.advanceClock(10 * DAY_S);
    const pending = await describeCert(arn('no-cname'));
    expect(pending.RenewalSummary?.RenewalStatus).toBe('PENDING_VALIDATION');
    emu.advanceClock(41 * DAY_S);
    expect((await describeCert(arn('no-cname'))).Status).toBe('EXPIRED');
  });

  it('a certificate not in use is not renewed (INELIGIBLE, no renewal summary)', async () => {
    await putCname('ZPUB', arn('unused'));
    emu.advanceClock(10 * DAY_S);
    const cert = await describeCert(arn('unused'));
    expect(cert.RenewalEligibility).toBe('INELIGIBLE');
    expect(cert.RenewalSummary).toBeUndefined();
    emu.advanceClock(41 * DAY_S);
    expect((await describeCert(arn('unused'))).Status).toBe('EXPIRED');
  });

  it('a CAA record that does not allow Amazon makes the renewal FAILED (CAA_ERROR)', async () => {
    await putCname('ZCAA', arn('caa'));
    emu.advanceClock(6 * DAY_S);
    const cert = await describeCert(arn('caa'));
    expect(cert.RenewalSummary).toMatchObject({ RenewalStatus: 'FAILED', RenewalStatusReason: 'CAA_ERROR' });
    expect(cert.Status).toBe('ISSUED');
  });
});
