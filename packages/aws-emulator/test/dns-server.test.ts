import { Resolver } from 'node:dns/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator, World } from '../src/index.js';
import { startTestEmulator } from './helpers.js';

// The emulator derives a zone's name servers from its id: Z0APPS... gets ns-385 ... ns-388.
const NS = [
  'ns-385.awsdns-01.org.',
  'ns-386.awsdns-02.co.uk.',
  'ns-387.awsdns-03.com.',
  'ns-388.awsdns-04.net.',
];
const world = (delegated: boolean): World => ({
  accountId: '111111111111',
  route53: {
    hostedZones: [
      {
        name: 'example.com',
        records: [
          { name: 'www.example.com', type: 'A', values: ['192.0.2.10'] },
          ...(delegated ? [{ name: 'apps.example.com', type: 'NS', values: NS }] : []),
        ],
      },
      {
        name: 'internal.example.com',
        private: true,
        records: [{ name: 'db.internal.example.com', type: 'A', values: ['10.0.0.1'] }],
      },
    ],
  },
  accounts: {
    '222222222222': {
      route53: {
        hostedZones: [
          {
            name: 'apps.example.com',
            id: 'Z0APPSEXAMPLE0000001',
            records: [{ name: '_x.apps.example.com', type: 'CNAME', value: '_y.acm-validations.aws.' }],
          },
        ],
      },
    },
  },
});

describe('the DNS server (UDP and TCP on 127.0.0.1) through Node’s resolver', () => {
  let emu: Emulator;
  let resolver: Resolver;
  beforeAll(async () => {
    emu = await startTestEmulator({ seed: world(true), dns: true });
    // The server answers in this process: a timeout only guards against a hang (2 s, once, lost to a
    // loaded machine as ETIMEOUT where the test expects an answer or ENOTFOUND).
    resolver = new Resolver({ timeout: 60_000, tries: 1 });
    resolver.setServers([`127.0.0.1:${emu.dnsPort}`]);
  });
  afterAll(() => emu.stop());

  it('answers A and CNAME records of public zones, across accounts once delegated', async () => {
    expect(emu.dnsPort).toBeGreaterThan(0);
    expect(await resolver.resolve4('www.example.com')).toEqual(['192.0.2.10']);
    expect(await resolver.resolveCname('_x.apps.example.com')).toEqual(['_y.acm-validations.aws']);
    expect((await resolver.resolveNs('apps.example.com')).sort()).toEqual(
      NS.map((n) => n.slice(0, -1)).sort(),
    );
  });

  it('a sub-zone without matching NS records at its parent, or a private zone, does not resolve', async () => {
    emu.seed(world(false));
    await expect(resolver.resolveCname('_x.apps.example.com')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(resolver.resolve4('db.internal.example.com')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    emu.seed(world(true));
    expect(await resolver.resolveCname('_x.apps.example.com')).toEqual(['_y.acm-validations.aws']);
  });

  it('answers over TCP too (a 2-byte length prefix per message)', async () => {
    const { connect } = await import('node:net');
    const query = Buffer.from([
      0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 3, 119, 119, 119, 7, 101, 120, 97, 109, 112, 108, 101,
      3, 99, 111, 109, 0, 0, 1, 0, 1,
    ]);
    const answer = await new Promise<Buffer>((resolve, reject) => {
      const socket = connect(emu.dnsPort as number, '127.0.0.1', () => {
        const prefix = Buffer.alloc(2);
        prefix.writeUInt16BE(query.length, 0);
        socket.write(Buffer.concat([prefix, query]));
      });
      socket.once('data', (d: Buffer) => {
        socket.end();
        resolve(d);
      });
      socket.once('error', reject);
    });
    const msg = answer.subarray(2);
    expect(msg.readUInt16BE(0)).toBe(0x1234);
    expect(msg.readUInt16BE(2) & 0x000f).toBe(0); // NOERROR
    expect(msg.readUInt16BE(6)).toBe(1); // one answer
    expect([...msg.subarray(msg.length - 4)]).toEqual([192, 0, 2, 10]);
  });
});
