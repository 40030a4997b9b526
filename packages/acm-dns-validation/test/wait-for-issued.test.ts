import { DescribeCertificateCommand, RequestCertificateCommand } from '@aws-sdk/client-acm';
import { ChangeResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import type { Emulator } from '@eks-kit/aws-emulator';
import { type AwsClients, InvalidInputError, type ProgressEvent } from '@eks-kit/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_ISSUED_POLL_SCHEDULE,
  describeCertificateStatus,
  issuedPollDelayMs,
  waitUntilIssued,
  waitUntilValidationRecords,
} from '../src/index.js';
import { clientsFor, fastSchedule, rejection, startFastEmulator } from './helpers.js';

const world = {
  route53: {
    hostedZones: [
      { name: 'example.com', id: 'ZPUB' },
      { name: 'corp.example.com', id: 'ZCORPPRIV', private: true },
      { name: 'internal.test', id: 'ZINT', private: true },
    ],
  },
};

describe('waitUntilIssued against the emulator', () => {
  let emu: Emulator;
  let clients: AwsClients;
  beforeAll(async () => {
    emu = await startFastEmulator(world);
    clients = await clientsFor(emu);
  });
  beforeEach(() => emu.reset());
  afterAll(async () => {
    clients.destroy();
    await emu.stop();
  });

  const request = async (domain: string): Promise<string> => {
    const acm = await clients.acm();
    const out = await acm.send(
      new RequestCertificateCommand({ DomainName: domain, ValidationMethod: 'DNS' }),
    );
    return out.CertificateArn as string;
  };
  const putRecord = async (zone: string, name: string, value: string): Promise<string> => {
    const r53 = await clients.route53();
    const out = await r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zone,
        ChangeBatch: {
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: { Name: name, Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: value }] },
            },
          ],
        },
      }),
    );
    return out.ChangeInfo?.Id ?? '';
  };

  it('ends at ISSUED polling on its own schedule, reporting INSYNC as an event', async () => {
    emu.behaviour.route53SyncSeconds = 5;
    // ACM validates only once Route 53 has said INSYNC (the test lowers the delay on that event), so
    // the order does not depend on how fast this machine runs the steps before the wait.
    emu.behaviour.acmValidationSeconds = 10_000_000;
    try {
      const arn = await request('ok.example.com');
      const [record] = await waitUntilValidationRecords(clients, { arn, schedule: fastSchedule });
      const changeId = await putRecord('ZPUB', record!.name, record!.value);
      const events: ProgressEvent[] = [];
      emu.resetCalls();
      const status = await waitUntilIssued(clients, {
        arn,
        changeIds: [changeId],
        // Ask Route 53 from the first look (the default waits 60 s of real time first).
        insyncAfterMs: 0,
        schedule: fastSchedule,
        timeout: 20_000,
        onEvent: (e) => {
          events.push(e);
          if (e.type === 'route53.insync') emu.behaviour.acmValidationSeconds = 0;
        },
      });
      expect(status.status).toBe('ISSUED');
      expect(events.some((e) => e.type === 'certificate.status' && e.status === 'ISSUED')).toBe(true);
      expect(events.filter((e) => e.type === 'route53.insync').map((e) => e.resource)).toEqual([changeId]);
      expect(emu.calls({ operation: 'GetChange' }).length).toBeGreaterThan(0);
    } finally {
      emu.behaviour.route53SyncSeconds = 60;
      emu.behaviour.acmValidationSeconds = 20;
    }
  });

  it('asks Route 53 nothing when the certificate is issued before insyncAfterMs (issue 21: ACM does not need INSYNC)', async () => {
    // PENDING_VALIDATION until the wait's first look has seen it (lowered on that event), then ISSUED.
    emu.behaviour.acmValidationSeconds = 10_000_000;
    try {
      const arn = await request('quick.example.com');
      const [record] = await waitUntilValidationRecords(clients, { arn, schedule: fastSchedule });
      const changeId = await putRecord('ZPUB', record!.name, record!.value);
      emu.resetCalls();
      const status = await waitUntilIssued(clients, {
        arn,
        changeIds: [changeId],
        // An hour: far more than this wait can take on any machine (the default is 60 s).
        insyncAfterMs: 3_600_000,
        schedule: fastSchedule,
        timeout: 20_000,
        onEvent: (e) => {
          if (e.type === 'certificate.status' && e.status === 'PENDING_VALIDATION')
            emu.behaviour.acmValidationSeconds = 0;
        },
      });
      expect(status.status).toBe('ISSUED');
      // A look at PENDING_VALIDATION, then the one at ISSUED, and no GetChange after either.
      expect(emu.calls({ operation: 'DescribeCertificate' })).toHaveLength(2);
      expect(emu.calls({ operation: 'GetChange' })).toEqual([]);
    } finally {
      emu.behaviour.acmValidationSeconds = 20;
    }
  });

  it('looks no more often than its schedule allows while ACM takes half an emulated hour', async () => {
    // Speed 1000: 1 real ms is 1 emulated s, so the default schedule scaled down is 1 ms to 30 ms.
    const schedule = { initialDelayMs: 1, maxDelayMs: 30, jitter: 0 };
    // 2,000 emulated s (2 real s): a loaded machine may spend a second before the wait starts and
    // the wait still spans many looks.
    emu.behaviour.acmValidationSeconds = 2000;
    try {
      const arn = await request('ten.example.com');
      const [record] = await waitUntilValidationRecords(clients, { arn, schedule: fastSchedule });
      await putRecord('ZPUB', record!.name, record!.value);
      emu.resetCalls();
      const startedAt = emu.now();
      const status = await waitUntilIssued(clients, { arn, schedule, timeout: 20_000, checkRecords: false });
      expect(status.status).toBe('ISSUED');
      const looks = emu.calls({ operation: 'DescribeCertificate' });
      const { Certificate } = await (await clients.acm()).send(
        new DescribeCertificateCommand({ CertificateArn: arn }),
      );
      const waitedRealMs = ((Certificate?.IssuedAt?.getTime() ?? 0) - startedAt) / 1000;
      // The most looks the schedule allows before ISSUED, plus the one that sees it.
      let t = 0;
      let allowed = 1;
      while (t < waitedRealMs) {
        t += issuedPollDelayMs(t, schedule);
        allowed++;
      }
      expect(waitedRealMs).toBeGreaterThan(1000);
      expect(looks.length).toBeLessThanOrEqual(allowed);
      expect(looks.length).toBeGreaterThan(3);
      expect(looks.at(-1)?.error).toBeUndefined();
    } finally {
      emu.behaviour.acmValidationSeconds = 20;
    }
  });

  it('refuses a bad schedule before any AWS call', async () => {
    const arn = 'arn:aws:acm:ap-northeast-1:123456789012:certificate/x';
    const error = await rejection(waitUntilIssued(clients, { arn, schedule: { fractionOfElapsed: -1 } }));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).field).toBe('schedule.fractionOfElapsed');
    expect(emu.calls()).toEqual([]);
  });

  it('fails fast when the record is only in a private zone (ACM only sees public DNS)', async () => {
    const arn = await request('api.internal.test');
    const [record] = await waitUntilValidationRecords(clients, { arn, schedule: fastSchedule });
    await putRecord('ZINT', record!.name, record!.value);
    const error = await rejection(waitUntilIssued(clients, { arn, schedule: fastSchedule, timeout: 20_000 }));
    expect(error.code).toBe('RecordInPrivateZone');
    expect(error.message).toContain('ACM only sees public DNS');
    expect(error.hint).toContain('public hosted zone');
  });

  it('fails fast when the record went to a private zone while a public one serves the name', async () => {
    const arn = await request('app.corp.example.com');
    const [record] = await waitUntilValidationRecords(clients, { arn, schedule: fastSchedule });
    await putRecord('ZCORPPRIV', record!.name, record!.value);
    const error = await rejection(waitUntilIssued(clients, { arn, schedule: fastSchedule, timeout: 20_000 }));
    expect(error.code).toBe('RecordInPrivateZone');
    expect(error.hint).toContain('ZPUB');
  });

  it('fails fast on VALIDATION_TIMED_OUT (72 hours) with the fix', async () => {
    const arn = await request('never.example.com');
    emu.advanceClock(73 * 3600);
    const error = await rejection(waitUntilIssued(clients, { arn, schedule: fastSchedule, timeout: 20_000 }));
    expect(error.code).toBe('ValidationTimedOut');
    expect(error.hint).toContain('public');
  });

  it("refuses a region other than the ARN's and a bad timeout before any AWS call (InvalidInputError)", async () => {
    const arn = 'arn:aws:acm:ap-northeast-1:123456789012:certificate/x';
    const wrongRegion = await rejection(waitUntilIssued(clients, { arn, region: 'us-east-1' }));
    expect(wrongRegion).toBeInstanceOf(InvalidInputError);
    expect(wrongRegion.message).toContain('region');
    const badTimeout = await rejection(waitUntilIssued(clients, { arn, timeout: -1 }));
    expect(badTimeout).toBeInstanceOf(InvalidInputError);
    expect(badTimeout.message).toContain('timeout');
    const notAcm = await rejection(waitUntilIssued(clients, { arn: 'arn:aws:iam::123456789012:role/x' }));
    expect(notAcm).toBeInstanceOf(InvalidInputError);
    expect((notAcm as InvalidInputError).field).toBe('arn');
    expect(emu.calls()).toEqual([]);
  });

  it('times out with the last status when nothing happens', async () => {
    const arn = await request('slow.example.com');
    const error = await rejection(
      waitUntilIssued(clients, { arn, schedule: fastSchedule, timeout: 100, checkRecords: false }),
    );
    expect(error.code).toBe('Timeout');
    expect(error.message).toContain('PENDING_VALIDATION');
  });

  it('describeCertificateStatus reports status and records', async () => {
    const arn = await request('desc.example.com');
    emu.advanceClock(10);
    const status = await describeCertificateStatus(clients, { arn });
    expect(status.status).toBe('PENDING_VALIDATION');
    expect(status.recordsReady).toBe(true);
    expect(status.records[0]?.name).toMatch(/\.desc\.example\.com$/);
  });
});

describe('issuedPollDelayMs (the schedule of waitUntilIssued)', () => {
  it('waits 1 s at first, then 10% of the time waited, capped at 30 s', () => {
    const none = { jitter: 0 };
    expect(
      [0, 5_000, 10_000, 120_000, 300_000, 600_000, 3_600_000].map((e) => issuedPollDelayMs(e, none)),
    ).toEqual([1_000, 1_000, 1_000, 12_000, 30_000, 30_000, 30_000]);
  });

  it('never waits longer than max(1 s, 10% of the time waited): jitter only shortens', () => {
    for (let elapsed = 0; elapsed <= 3_600_000; elapsed += 7_919) {
      const bound = Math.max(1_000, 0.1 * elapsed);
      for (const r of [0, 0.5, 1]) {
        const delay = issuedPollDelayMs(elapsed, {}, () => r);
        expect(delay).toBeLessThanOrEqual(Math.ceil(bound));
        expect(delay).toBeGreaterThanOrEqual(
          Math.floor(Math.min(30_000, bound) * (1 - DEFAULT_ISSUED_POLL_SCHEDULE.jitter)),
        );
      }
    }
  });
});
