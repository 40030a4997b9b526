/**
 * Issue 21 review: when the caller has just written the validation records (`recordsJustWritten`,
 * eks-kit apply), waitUntilIssued's first look waits the schedule's first interval instead of being
 * made at once, when ACM cannot have validated yet (docs/AWS-FACTS.md#acm-time-to-validate). Time is
 * the emulator's, frozen and moved only by the wait's injected clock: the order of the wait's sleeps
 * and its DescribeCertificate calls is read from the clock's log and the emulator's call log.
 */
import { RequestCertificateCommand } from '@aws-sdk/client-acm';
import type { Emulator } from '@eks-kit/aws-emulator';
import type { AwsClients, RateLimiterClock } from '@eks-kit/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_ISSUED_POLL_SCHEDULE,
  ensureValidationRecords,
  listHostedZones,
  waitUntilIssued,
  waitUntilValidationRecords,
} from '../src/index.js';
import { clientsFor, startFastEmulator } from './helpers.js';

const world = { route53: { hostedZones: [{ name: 'example.com', id: 'ZPUB' }] } };
const schedule = { ...DEFAULT_ISSUED_POLL_SCHEDULE, jitter: 0 };

let emu: Emulator;
let clients: AwsClients;
beforeAll(async () => {
  // Frozen emulated time (0.001x): only the test's clock moves it.
  emu = await startFastEmulator(world, { speed: 0.001 });
  clients = await clientsFor(emu);
});
beforeEach(() => emu.reset());
afterAll(async () => {
  clients.destroy();
  await emu.stop();
});

/** A clock on the emulator's time: each sleep is logged with the DescribeCertificate calls sent before it. */
function emulatorClock(): { clock: RateLimiterClock; sleeps: Array<{ ms: number; looksBefore: number }> } {
  const sleeps: Array<{ ms: number; looksBefore: number }> = [];
  return {
    sleeps,
    clock: {
      now: () => emu.now(),
      async sleep(ms) {
        sleeps.push({ ms, looksBefore: emu.calls({ operation: 'DescribeCertificate' }).length });
        emu.advanceClock(ms / 1000);
      },
    },
  };
}

/** A certificate whose validation record was just written; ACM validates it `validationSeconds` later. */
async function certificateWithRecordJustWritten(validationSeconds: number): Promise<string> {
  emu.behaviour.acmValidationSeconds = validationSeconds;
  const acm = await clients.acm();
  const { CertificateArn } = await acm.send(
    new RequestCertificateCommand({ DomainName: 'app.example.com', ValidationMethod: 'DNS' }),
  );
  const arn = CertificateArn as string;
  emu.advanceClock(5); // ACM shows the record (acmRecordDelaySeconds)
  const records = await waitUntilValidationRecords(clients, { arn, schedule: { initialDelayMs: 1 } });
  const zones = await listHostedZones(clients);
  await ensureValidationRecords(clients, { records, zones, explicitZones: {} });
  emu.resetCalls();
  return arn;
}

describe('waitUntilIssued: the first look after records written an instant ago', () => {
  it('recordsJustWritten: waits one interval first, then one look finds ISSUED', async () => {
    const arn = await certificateWithRecordJustWritten(1);
    const { clock, sleeps } = emulatorClock();
    const status = await waitUntilIssued(clients, { arn, schedule, clock, recordsJustWritten: true });
    expect(status.status).toBe('ISSUED');
    expect(sleeps[0]).toEqual({ ms: DEFAULT_ISSUED_POLL_SCHEDULE.initialDelayMs, looksBefore: 0 });
    expect(emu.calls({ operation: 'DescribeCertificate' })).toHaveLength(1);
  });

  it('by default (eks-kit cert, library callers) the first look is at once, as before', async () => {
    const arn = await certificateWithRecordJustWritten(1);
    const { clock, sleeps } = emulatorClock();
    const status = await waitUntilIssued(clients, { arn, schedule, clock });
    expect(status.status).toBe('ISSUED');
    // A look before the first sleep found it PENDING_VALIDATION; the second found ISSUED.
    expect(sleeps[0]).toEqual({ ms: DEFAULT_ISSUED_POLL_SCHEDULE.initialDelayMs, looksBefore: 1 });
    expect(emu.calls({ operation: 'DescribeCertificate' })).toHaveLength(2);
  });

  it('a slower validation: the schedule counts the first interval as time waited, ISSUED seen within its bound', async () => {
    const arn = await certificateWithRecordJustWritten(100);
    const { clock, sleeps } = emulatorClock();
    const started = emu.now();
    const status = await waitUntilIssued(clients, { arn, schedule, clock, recordsJustWritten: true });
    expect(status.status).toBe('ISSUED');
    expect(sleeps.map((s) => s.looksBefore)).toEqual(sleeps.map((_, i) => i));
    // Each delay is 10% of the time waited since the wait began (1 s floor), the first interval included.
    let waited = 0;
    for (const { ms } of sleeps) {
      // (within 1 ms: the calls' round trips move the frozen clock by microseconds)
      expect(Math.abs(ms - Math.max(1000, Math.round(0.1 * waited)))).toBeLessThanOrEqual(1);
      waited += ms;
    }
    const issuedAfterMs = 100_000;
    const returnedAfterMs = emu.now() - started;
    expect(returnedAfterMs).toBeGreaterThanOrEqual(issuedAfterMs);
    expect(returnedAfterMs - issuedAfterMs).toBeLessThanOrEqual(Math.max(1000, issuedAfterMs / 10));
  });
});
