import {
  type Change,
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  GetChangeCommand,
  GetHostedZoneCommand,
  ListHostedZonesByNameCommand,
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.js';
import { clientConfig, failure, startTestEmulator } from './helpers.js';

const world = {
  route53: {
    hostedZones: [
      { name: 'example.com', id: 'ZPUBLIC1' },
      { name: 'example.com', id: 'ZPRIVATE1', private: true },
      { name: 'foo.example.com', id: 'ZFOO' },
      {
        name: 'other.org',
        id: 'ZOTHER',
        records: [{ name: 'www.other.org', type: 'CNAME', value: 'lb.other.org' }],
      },
    ],
  },
};

const cname = (action: 'CREATE' | 'UPSERT' | 'DELETE', name: string, value: string): Change => ({
  Action: action,
  ResourceRecordSet: { Name: name, Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: value }] },
});

describe('Route 53 emulator (restXml 2013-04-01)', () => {
  let emu: Emulator;
  let r53: Route53Client;
  beforeAll(async () => {
    // Emulated time stands (nearly) still: PENDING until advanceClock, however slow the machine.
    emu = await startTestEmulator({ speed: 0.001, seed: world });
    r53 = new Route53Client(clientConfig(emu, { region: 'us-east-1' }));
  });
  beforeEach(() => emu.reset());
  afterAll(() => emu.stop());

  it('ListHostedZonesByName sorts by reversed labels, includes private zones with Config.PrivateZone, and several zones may share a name', async () => {
    const out = await r53.send(new ListHostedZonesByNameCommand({}));
    expect(out.HostedZones?.map((z) => [z.Name, z.Id, z.Config?.PrivateZone])).toEqual([
      ['example.com.', '/hostedzone/ZPRIVATE1', true],
      ['example.com.', '/hostedzone/ZPUBLIC1', false],
      ['foo.example.com.', '/hostedzone/ZFOO', false],
      ['other.org.', '/hostedzone/ZOTHER', false],
    ]);
    const page = await r53.send(new ListHostedZonesByNameCommand({ MaxItems: 2 }));
    expect(page.IsTruncated).toBe(true);
    expect([page.NextDNSName, page.NextHostedZoneId]).toEqual(['foo.example.com.', 'ZFOO']);
    const rest = await r53.send(
      new ListHostedZonesByNameCommand({ DNSName: page.NextDNSName, HostedZoneId: page.NextHostedZoneId }),
    );
    expect(rest.HostedZones?.map((z) => z.Id)).toEqual(['/hostedzone/ZFOO', '/hostedzone/ZOTHER']);
  });

  it('ListHostedZonesByName pages 100 at a time', async () => {
    for (let i = 0; i < 101; i++) {
      await r53.send(
        new CreateHostedZoneCommand({
          Name: `z${String(i).padStart(3, '0')}.test`,
          CallerReference: `ref-${i}`,
        }),
      );
    }
    const first = await r53.send(new ListHostedZonesByNameCommand({ MaxItems: 500 }));
    expect(first.HostedZones).toHaveLength(100);
    expect(first.IsTruncated).toBe(true);
  });

  it('CreateHostedZone answers 201 with NS and a PENDING change; the same CallerReference is refused', async () => {
    const out = await r53.send(
      new CreateHostedZoneCommand({ Name: 'new.example.net', CallerReference: 'r1' }),
    );
    expect(out.HostedZone?.Name).toBe('new.example.net.');
    expect(out.DelegationSet?.NameServers).toHaveLength(4);
    expect(out.ChangeInfo?.Status).toBe('PENDING');
    expect(out.Location).toContain('/2013-04-01/hostedzone/');
    const got = await r53.send(new GetHostedZoneCommand({ Id: out.HostedZone?.Id }));
    expect(got.HostedZone?.ResourceRecordSetCount).toBe(2);
    const err = await failure(
      r53.send(new CreateHostedZoneCommand({ Name: 'x.example.net', CallerReference: 'r1' })),
    );
    expect(err.name).toBe('HostedZoneAlreadyExists');
    const missing = await failure(r53.send(new GetHostedZoneCommand({ Id: 'ZNOPE' })));
    expect(missing).toMatchObject({ name: 'NoSuchHostedZone', $metadata: { httpStatusCode: 404 } });
  });

  it('CREATE of an existing record fails with InvalidChangeBatch and the whole batch is refused (all-or-nothing)', async () => {
    await r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: 'ZFOO',
        ChangeBatch: { Changes: [cname('CREATE', '_a.foo.example.com', '_b.acm-validations.aws.')] },
      }),
    );
    const err = await failure(
      r53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: 'ZFOO',
          ChangeBatch: {
            Changes: [
              cname('CREATE', 'new.foo.example.com', 'x.example.com'),
              cname('CREATE', '_a.foo.example.com', 'y'),
            ],
          },
        }),
      ),
    );
    expect(err.name).toBe('InvalidChangeBatch');
    expect(err.message).toContain(
      "Tried to create resource record set [name='_a.foo.example.com.', type='CNAME'] but it already exists",
    );
    const list = await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: 'ZFOO' }));
    expect(list.ResourceRecordSets?.map((r) => r.Name)).not.toContain('new.foo.example.com.');
  });

  it('UPSERT replaces, DELETE must match exactly, and names come back as FQDNs with `*` as \\052', async () => {
    const send = (changes: Change[]) =>
      r53.send(
        new ChangeResourceRecordSetsCommand({ HostedZoneId: 'ZFOO', ChangeBatch: { Changes: changes } }),
      );
    await send([cname('UPSERT', '*.foo.example.com', 'lb.example.com')]);
    await send([cname('UPSERT', '*.foo.example.com.', 'lb2.example.com')]);
    const list = await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: 'ZFOO' }));
    const wildcard = list.ResourceRecordSets?.find((r) => r.Type === 'CNAME');
    expect(wildcard?.Name).toBe('\\052.foo.example.com.');
    expect(wildcard?.ResourceRecords).toEqual([{ Value: 'lb2.example.com' }]);
    const mismatch = await failure(send([cname('DELETE', '*.foo.example.com', 'lb.example.com')]));
    expect(mismatch.message).toContain('do not match the current values');
    const absent = await failure(send([cname('DELETE', 'nope.foo.example.com', 'x')]));
    expect(absent.message).toContain('but it was not found');
    await send([cname('DELETE', '*.foo.example.com', 'lb2.example.com')]);
  });

  it('refuses more than 1,000 records or 32,000 value characters per request, an UPSERT counting twice', async () => {
    const upserts = Array.from({ length: 501 }, (_, i) => cname('UPSERT', `r${i}.foo.example.com`, `v${i}`));
    const err = await failure(
      r53.send(
        new ChangeResourceRecordSetsCommand({ HostedZoneId: 'ZFOO', ChangeBatch: { Changes: upserts } }),
      ),
    );
    expect(err.name).toBe('InvalidChangeBatch');
    expect(err.message).toContain('1000');
    const ok = await r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: 'ZFOO',
        ChangeBatch: { Changes: upserts.slice(0, 500) },
      }),
    );
    expect(ok.ChangeInfo?.Status).toBe('PENDING');
    const long = 'x'.repeat(250);
    const chars = Array.from({ length: 65 }, (_, i) => cname('UPSERT', `c${i}.foo.example.com`, long));
    const tooLong = await failure(
      r53.send(
        new ChangeResourceRecordSetsCommand({ HostedZoneId: 'ZFOO', ChangeBatch: { Changes: chars } }),
      ),
    );
    expect(tooLong.message).toContain('32000');
  });

  it('pages ListResourceRecordSets with NextRecordName/NextRecordType', async () => {
    const changes = Array.from({ length: 5 }, (_, i) => cname('CREATE', `p${i}.other.org`, 'x.other.org'));
    await r53.send(
      new ChangeResourceRecordSetsCommand({ HostedZoneId: 'ZOTHER', ChangeBatch: { Changes: changes } }),
    );
    const names: string[] = [];
    let start: { StartRecordName?: string; StartRecordType?: 'CNAME' } = {};
    for (;;) {
      const page = await r53.send(
        new ListResourceRecordSetsCommand({ HostedZoneId: 'ZOTHER', MaxItems: 3, ...start }),
      );
      names.push(...(page.ResourceRecordSets ?? []).map((r) => `${r.Name} ${r.Type}`));
      if (!page.IsTruncated) break;
      start = { StartRecordName: page.NextRecordName, StartRecordType: page.NextRecordType as 'CNAME' };
    }
    expect(names).toEqual([
      'other.org. NS',
      'other.org. SOA',
      'p0.other.org. CNAME',
      'p1.other.org. CNAME',
      'p2.other.org. CNAME',
      'p3.other.org. CNAME',
      'p4.other.org. CNAME',
      'www.other.org. CNAME',
    ]);
  });

  it('GetChange is PENDING, then INSYNC after route53SyncSeconds (default 60)', async () => {
    const out = await r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: 'ZFOO',
        ChangeBatch: { Changes: [cname('UPSERT', 'a.foo.example.com', 'b')] },
      }),
    );
    const id = out.ChangeInfo?.Id ?? '';
    expect((await r53.send(new GetChangeCommand({ Id: id }))).ChangeInfo?.Status).toBe('PENDING');
    emu.advanceClock(61);
    expect((await r53.send(new GetChangeCommand({ Id: id }))).ChangeInfo?.Status).toBe('INSYNC');
  });

  it('answers PriorRequestNotComplete as the throttling fault of ChangeResourceRecordSets', async () => {
    emu.setFaults([
      { service: 'route53', operation: 'ChangeResourceRecordSets', kind: 'throttle', count: 1 },
    ]);
    const err = await failure(
      r53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: 'ZFOO',
          ChangeBatch: { Changes: [cname('UPSERT', 'a.foo.example.com', 'b')] },
        }),
      ),
    );
    expect(err.name).toBe('PriorRequestNotComplete');
    const zones = await r53.send(new ListHostedZonesCommand({}));
    expect(zones.HostedZones?.length).toBe(4);
  });

  it('refuses a record outside the zone and a CNAME next to other records of the same name', async () => {
    const outside = await failure(
      r53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: 'ZFOO',
          ChangeBatch: { Changes: [cname('UPSERT', 'a.other.org', 'b')] },
        }),
      ),
    );
    expect(outside.message).toContain('is not permitted in zone foo.example.com.');
    const apex = await failure(
      r53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: 'ZFOO',
          ChangeBatch: { Changes: [cname('UPSERT', 'foo.example.com', 'b')] },
        }),
      ),
    );
    expect(apex.message).toContain('not permitted at apex');
  });
});
