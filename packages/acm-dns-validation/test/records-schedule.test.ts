/**
 * Issue 22 item 2: a certificate requested just now is not described at once (ACM has no records
 * for seconds), but 1 s after the request; a caller's own schedule is followed as given.
 * Asserted by call counts: the emulator adds the records 0.5 real seconds after the request (500
 * emulated seconds at 1000x), before the first look that waits at least 1 s, so the first look
 * finds them however slow the machine is.
 */
import type { Emulator } from '@eks-kit/aws-emulator';
import type { AwsClients } from '@eks-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCertificate, RECORDS_SCHEDULE } from '../src/index.js';
import { clientsFor, startFastEmulator } from './helpers.js';

const world = { route53: { hostedZones: [{ name: 'example.com', id: 'ZEXAMPLE' }] } };

describe('the validation records of a new certificate', () => {
  let emu: Emulator;
  let clients: AwsClients;
  beforeAll(async () => {
    emu = await startFastEmulator(world);
    emu.behaviour.acmRecordDelaySeconds = 500;
    clients = await clientsFor(emu);
  });
  afterAll(async () => {
    clients.destroy();
    await emu.stop();
  });

  it('are looked for once, a second after the request, not at once', async () => {
    expect(RECORDS_SCHEDULE.firstLookMs).toBe(1_000);
    emu.resetCalls();
    const result = await ensureCertificate(clients, { domainName: 'app.example.com', stack: 'demo' });
    expect(result.records).toHaveLength(1);
    const ops = emu.calls({ service: 'acm' }).map((c) => c.operation);
    // The request, then one DescribeCertificate that finds the records (at once, it would not have).
    expect(ops.indexOf('RequestCertificate')).toBeGreaterThanOrEqual(0);
    expect(ops.slice(ops.indexOf('RequestCertificate'))).toEqual([
      'RequestCertificate',
      'DescribeCertificate',
    ]);
  });

  it('with a schedule of the caller`s own, looks at once and then as that schedule says', async () => {
    emu.resetCalls();
    const result = await ensureCertificate(clients, {
      domainName: 'api.example.com',
      stack: 'demo',
      recordsSchedule: { initialDelayMs: 50, maxDelayMs: 50, factor: 1, jitter: 0 },
    });
    expect(result.records).toHaveLength(1);
    // The records come 0.5 s after the request: looks every 50 ms from the request on miss them first.
    expect(emu.calls({ operation: 'DescribeCertificate' }).length).toBeGreaterThan(1);
  });
});
