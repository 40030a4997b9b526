import type { Emulator, World } from '@eks-kit/aws-emulator';
import { startTestEmulator } from '@eks-kit/aws-emulator/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPublicResolution } from '../src/index.js';

const NS = ['ns-385.awsdns-01.org', 'ns-386.awsdns-02.co.uk', 'ns-387.awsdns-03.com', 'ns-388.awsdns-04.net'];
const record = {
  name: '_x.apps.example.com',
  type: 'CNAME' as const,
  value: '_y.acm-validations.aws',
  domains: ['apps.example.com'],
};
const world = (options: { delegated: boolean; value?: string }): World => ({
  accountId: '111111111111',
  route53: {
    hostedZones: [
      {
        name: 'example.com',
        records: options.delegated ? [{ name: 'apps.example.com', type: 'NS', values: NS }] : [],
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
            records: [
              {
                name: '_x.apps.example.com',
                type: 'CNAME',
                value: options.value ?? '_y.acm-validations.aws.',
              },
              { name: 'txt.apps.example.com', type: 'TXT', value: '"hello"' },
            ],
          },
        ],
      },
    },
  },
});

let emu: Emulator;
let servers: string[];
beforeAll(async () => {
  emu = (await startTestEmulator({ seed: world({ delegated: true }), dns: true })).emulator;
  servers = [`127.0.0.1:${emu.dnsPort}`];
});
afterAll(() => emu.stop());

const check = (records = [record], causes?: string[]) =>
  checkPublicResolution({
    arn: 'arn:aws:acm:eu-west-1:111111111111:certificate/abc',
    records,
    servers,
    // The emulator's DNS server answers in this process: the timeout only guards against a hang (the
    // default 3 s, twice, could turn a loaded machine into "did not answer" instead of NXDOMAIN).
    timeoutMs: 60_000,
    ...(causes ? { causes } : {}),
  });

describe('checkPublicResolution (Node resolver against the emulator DNS server)', () => {
  it('is ok when the CNAME resolves to ACM value', async () => {
    emu.seed(world({ delegated: true }));
    expect((await check()).map((f) => f.status)).toEqual(['ok']);
  });

  it('fails NXDOMAIN for an undelegated zone, naming a known cause', async () => {
    emu.seed(world({ delegated: false }));
    const [f] = await check([record], ['apps.example.com is not delegated']);
    expect(f?.status).toBe('fail');
    expect(f?.message).toContain('NXDOMAIN');
    expect(f?.message).toContain('known cause: apps.example.com is not delegated');
    expect(f?.hint).toBe('public DNS must answer _x.apps.example.com. CNAME _y.acm-validations.aws.');
  });

  it('fails a wrong value and a name without a CNAME', async () => {
    emu.seed(world({ delegated: true, value: '_other.acm-validations.aws.' }));
    expect((await check())[0]?.message).toContain('(wrong value)');
    const [nodata] = await check([{ ...record, name: 'txt.apps.example.com' }]);
    expect(nodata?.message).toContain('has no CNAME');
  });
});
