/**
 * Issue 22 item 1: selected by stack and names (a stack's few certificates), checkCertificates reads
 * a certificate's tags and its description at once; selected by stack alone (every certificate of a
 * region), the tags first, so another stack's certificate costs no DescribeCertificate. Overlap is
 * shown with a gate (the first call is held until the other has arrived), never with timings.
 */
import type { Emulator } from '@eks-kit/aws-emulator';
import { callGate, TEST_CREDENTIALS, TEST_REGION } from '@eks-kit/aws-emulator/testing';
import { type AwsClients, createClients } from '@eks-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCertificates, DEFAULT_ACM_RATE_LIMITS, ensureCertificate } from '../src/index.js';
import { clientsFor, fastSchedule, startFastEmulator } from './helpers.js';

const fastRates = Object.fromEntries(Object.entries(DEFAULT_ACM_RATE_LIMITS).map(([k, v]) => [k, v * 1000]));

describe('checkCertificates: tags and description at once for a stack`s named certificates', () => {
  let emu: Emulator;
  let clients: AwsClients;
  let ours: string;
  beforeAll(async () => {
    emu = await startFastEmulator({ route53: { hostedZones: [{ name: 'example.com', id: 'ZPUB' }] } });
    clients = await clientsFor(emu);
    ours = (
      await ensureCertificate(clients, {
        domainName: 'app.example.com',
        stack: 'demo',
        recordsSchedule: fastSchedule,
      })
    ).arn as string;
    await ensureCertificate(clients, {
      domainName: 'other.example.com',
      stack: 'other',
      recordsSchedule: fastSchedule,
    });
  });
  afterAll(async () => {
    clients.destroy();
    await emu.stop();
  });

  it('by stack and names: ListTagsForCertificate and DescribeCertificate are in flight together', async () => {
    const both = callGate(['ListTagsForCertificate', 'DescribeCertificate'], 2);
    const gated = await createClients({
      region: TEST_REGION,
      endpoint: emu.url,
      credentials: { ...TEST_CREDENTIALS },
      middleware: [both],
      quotas: { speed: 1000 },
    });
    try {
      const findings = await checkCertificates(gated, {
        select: { stack: 'demo', domainNames: ['app.example.com'] },
        rateLimits: fastRates,
      });
      expect(both.arrived().sort()).toEqual(['DescribeCertificate', 'ListTagsForCertificate']);
      expect(findings.some((f) => f.resource.startsWith(ours))).toBe(true);
    } finally {
      gated.destroy();
    }
  });

  it('by stack alone: tags first, another stack`s certificate is not described', async () => {
    emu.resetCalls();
    await checkCertificates(clients, { select: { stack: 'demo' }, rateLimits: fastRates });
    expect(
      emu
        .calls({ operation: 'DescribeCertificate' })
        .map((c) => (c.input as { CertificateArn?: string }).CertificateArn),
    ).toEqual([ours]);
    expect(emu.calls({ operation: 'ListTagsForCertificate' })).toHaveLength(2);
  });
});
