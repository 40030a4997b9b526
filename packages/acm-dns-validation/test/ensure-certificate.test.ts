import { ListCertificatesCommand } from '@aws-sdk/client-acm';
import { ChangeResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import type { Emulator } from '@eks-kit/aws-emulator';
import { type AwsClients, InvalidInputError, type ProgressEvent } from '@eks-kit/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ALL_KEY_TYPES, ensureCertificate, listRecordSets } from '../src/index.js';
import { clientsFor, fastSchedule, rejection, startFastEmulator } from './helpers.js';

const world = {
  route53: {
    hostedZones: [
      { name: 'example.com', id: 'ZEXAMPLE' },
      { name: 'foo.example.com', id: 'ZFOO' },
      { name: 'corp.test', id: 'ZCORP', private: true },
      {
        name: 'caa.example.com',
        id: 'ZCAA',
        records: [{ name: 'caa.example.com', type: 'CAA', values: ['0 issue "letsencrypt.org"'] }],
      },
    ],
  },
};

const wildcard = {
  domainName: '*.foo.example.com',
  subjectAlternativeNames: ['foo.example.com'],
  stack: 'demo',
  recordsSchedule: fastSchedule,
};

describe('ensureCertificate against the emulator', () => {
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

  const countCertificates = async (): Promise<number> => {
    const acm = await clients.acm();
    const out = await acm.send(new ListCertificatesCommand({ Includes: { keyTypes: [...ALL_KEY_TYPES] } }));
    return out.CertificateSummaryList?.length ?? 0;
  };

  it('dry run on an empty account plans the request and the records and makes no mutating call', async () => {
    const result = await ensureCertificate(clients, wildcard, { dryRun: true });
    expect(result.changes.map((c) => c.action)).toEqual(['create', 'create']);
    expect(result.arn).toBeUndefined();
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('wildcard + apex make one validation record (docs/AWS-FACTS.md#acm-validation-records: they share one CNAME), in the longest public zone', async () => {
    const result = await ensureCertificate(clients, wildcard);
    expect(result.records).toHaveLength(1);
    expect(result.records[0]?.domains).toEqual(['*.foo.example.com', 'foo.example.com']);
    expect(result.changes.map((c) => c.action)).toEqual(['create', 'create']);
    const upserts = emu.calls({ operation: 'ChangeResourceRecordSets' });
    expect(upserts).toHaveLength(1);
    expect(upserts[0]?.input.Id).toBe('ZFOO');
    const records = await listRecordSets(clients, 'ZFOO');
    expect(records.filter((r) => r.type === 'CNAME').map((r) => r.name)).toEqual([result.records[0]?.name]);
  });

  it('a second run changes nothing and makes no mutating call; its dry run too', async () => {
    const first = await ensureCertificate(clients, wildcard);
    emu.resetCalls();
    const second = await ensureCertificate(clients, wildcard);
    expect(second.changes).toEqual([]);
    expect(second.arn).toBe(first.arn);
    expect(emu.calls({ mutating: true })).toEqual([]);
    const dry = await ensureCertificate(clients, wildcard, { dryRun: true });
    expect(dry.changes).toEqual([]);
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('two concurrent runs leave one certificate (deterministic IdempotencyToken)', async () => {
    const [a, b] = await Promise.all([
      ensureCertificate(clients, wildcard),
      ensureCertificate(clients, wildcard),
    ]);
    expect(a.arn).toBe(b.arn);
    expect(await countCertificates()).toBe(1);
    expect(emu.calls({ operation: 'RequestCertificate' }).length).toBeGreaterThanOrEqual(1);
  });

  it('finds an existing EC certificate although ListCertificates lists RSA_2048 only by default (docs/AWS-FACTS.md#acm-listing-and-key-types)', async () => {
    const input = { ...wildcard, keyAlgorithm: 'EC_secp384r1' as const };
    const first = await ensureCertificate(clients, input);
    emu.resetCalls();
    const second = await ensureCertificate(clients, input);
    expect(second.arn).toBe(first.arn);
    expect(emu.calls({ operation: 'RequestCertificate' })).toEqual([]);
  });

  it("reuses its certificate after ACM's one-hour IdempotencyToken window, although ACM answers RSA-2048 for RSA_2048", async () => {
    const first = await ensureCertificate(clients, wildcard);
    emu.advanceClock(2 * 3600); // past the token's hour: only findCertificate can avoid a second certificate
    emu.resetCalls();
    const second = await ensureCertificate(clients, wildcard);
    expect(second.arn).toBe(first.arn);
    expect(second.changes).toEqual([]);
    expect(emu.calls({ mutating: true })).toEqual([]);
    expect(await countCertificates()).toBe(1);
  });

  it('waits for records ACM adds late, reporting the wait as events', async () => {
    emu.behaviour.acmRecordDelaySeconds = 200;
    const events: ProgressEvent[] = [];
    try {
      const result = await ensureCertificate(
        clients,
        { domainName: 'late.example.com', recordsSchedule: fastSchedule },
        { onEvent: (e) => events.push(e) },
      );
      expect(result.records).toHaveLength(1);
      expect(events.some((e) => e.type === 'certificate.records.waiting')).toBe(true);
    } finally {
      emu.behaviour.acmRecordDelaySeconds = 5;
    }
  });

  it('with wait: true ends ISSUED, INSYNC reported as an event and not waited for', async () => {
    const events: ProgressEvent[] = [];
    const result = await ensureCertificate(
      clients,
      { ...wildcard, wait: { schedule: fastSchedule, timeout: 20_000 } },
      { onEvent: (e) => events.push(e) },
    );
    expect(result.status).toBe('ISSUED');
    const types = events.map((e) => e.type);
    expect(types).toContain('route53.change');
    expect(types.at(-1)).not.toBe('route53.insync');
  });

  it('refuses a name with only a private zone before any mutating call, saying why', async () => {
    const error = await rejection(
      ensureCertificate(clients, { domainName: 'api.corp.test', recordsSchedule: fastSchedule }),
    );
    expect(error.code).toBe('PrivateZoneOnly');
    expect(error.message).toContain('ACM validates through public DNS');
    expect(error.hint).toContain('public hosted zone');
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('fails fast on CAA_ERROR with the reason and the fix', async () => {
    const error = await rejection(
      ensureCertificate(clients, {
        domainName: 'www.caa.example.com',
        recordsSchedule: fastSchedule,
        wait: { schedule: fastSchedule, timeout: 20_000 },
      }),
    );
    expect(error.code).toBe('CertificateFailed');
    expect(error.message).toContain('CAA_ERROR');
    expect(error.hint).toContain('amazon.com');
  });

  it('rejects bad input before any AWS call', async () => {
    const error = await rejection(ensureCertificate(clients, { domainName: 'x.*.example.com' }));
    expect(error).toBeInstanceOf(InvalidInputError);
    // A bad wait option is refused before the request, not after the certificate exists.
    const badWait = await rejection(ensureCertificate(clients, { ...wildcard, wait: { timeout: 0 } }));
    expect(badWait).toMatchObject({ field: 'wait.timeout' });
    const badRecordsTimeout = await rejection(
      ensureCertificate(clients, { ...wildcard, recordsTimeout: -1 }),
    );
    expect(badRecordsTimeout).toMatchObject({ field: 'recordsTimeout' });
    expect(emu.calls()).toEqual([]);
  });

  it('reuses an untagged certificate only when adopting (an adopt change), then reports nothing', async () => {
    const plain = await ensureCertificate(clients, {
      domainName: 'tag.example.com',
      recordsSchedule: fastSchedule,
    });
    emu.advanceClock(3700); // past the idempotency hour
    emu.resetCalls();
    const input = { domainName: 'tag.example.com', stack: 'demo', recordsSchedule: fastSchedule };
    const refused = await rejection(ensureCertificate(clients, input));
    expect(refused.code).toBe('NotOwnedByStack');
    expect(refused.message).toContain(`acm certificate ${plain.arn} exists without the tag eks-kit:stack`);
    expect(emu.calls({ mutating: true })).toEqual([]);
    const plan = await ensureCertificate(clients, input, { dryRun: true });
    expect(plan.changes[0]?.summary).toMatch(/^adopt: .*add eks-kit:stack=demo.*needs apply --adopt/);
    const tagged = await ensureCertificate(clients, input, { adopt: true });
    expect(tagged.arn).toBe(plain.arn);
    expect(tagged.changes.map((c) => c.action)).toEqual(['tag']);
    expect(tagged.changes[0]?.summary).toMatch(/^adopt: /);
    emu.resetCalls();
    const again = await ensureCertificate(clients, {
      domainName: 'tag.example.com',
      stack: 'demo',
      recordsSchedule: fastSchedule,
    });
    expect(again.changes).toEqual([]);
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('puts records in the zone an explicit map names', async () => {
    const result = await ensureCertificate(clients, {
      ...wildcard,
      zones: { 'foo.example.com': 'ZEXAMPLE' },
    });
    expect(result.records).toHaveLength(1);
    expect(emu.calls({ operation: 'ChangeResourceRecordSets' })[0]?.input.Id).toBe('ZEXAMPLE');
  });

  it('a crash-like loss of the record is planned in dry run (no mutating call) and restored by the next run', async () => {
    const first = await ensureCertificate(clients, wildcard);
    const record = first.records[0]!;
    const r53 = await clients.route53();
    await r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: 'ZFOO',
        ChangeBatch: {
          Changes: [
            {
              Action: 'DELETE',
              ResourceRecordSet: {
                Name: record.name,
                Type: 'CNAME',
                TTL: 300,
                ResourceRecords: [{ Value: `${record.value}.` }],
              },
            },
          ],
        },
      }),
    );
    emu.resetCalls();
    const dry = await ensureCertificate(clients, wildcard, { dryRun: true });
    expect(dry.changes.map((c) => c.action)).toEqual(['create']);
    expect(emu.calls({ mutating: true })).toEqual([]);
    const fixed = await ensureCertificate(clients, wildcard);
    expect(fixed.changes.map((c) => c.action)).toEqual(['create']);
    expect(emu.calls({ mutating: true }).map((c) => c.operation)).toEqual(['ChangeResourceRecordSets']);
  });

  it('survives throttling of RequestCertificate and PriorRequestNotComplete on the UPSERT (SDK retries)', async () => {
    emu.setFaults([
      { service: 'acm', operation: 'RequestCertificate', kind: 'throttle', count: 1 },
      { service: 'route53', operation: 'ChangeResourceRecordSets', kind: 'throttle', count: 1 },
    ]);
    const result = await ensureCertificate(clients, wildcard);
    expect(result.records).toHaveLength(1);
    expect(emu.calls({ operation: 'ChangeResourceRecordSets' }).map((c) => c.error)).toEqual([
      'PriorRequestNotComplete',
      undefined,
    ]);
    expect(await countCertificates()).toBe(1);
  });
});
