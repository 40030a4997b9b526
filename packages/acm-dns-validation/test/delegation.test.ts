import type { Emulator, World } from '@eks-kit/aws-emulator';
import { startTestEmulator } from '@eks-kit/aws-emulator/testing';
import { type AwsClients, createClients } from '@eks-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDelegation } from '../src/index.js';

// Zone id Z0APPS...: the emulator derives its name servers from the id (ns-385 ... ns-388).
const OWN_NS = [
  'ns-385.awsdns-01.org.',
  'ns-386.awsdns-02.co.uk.',
  'ns-387.awsdns-03.com.',
  'ns-388.awsdns-04.net.',
];
const world = (parentNs: string[] | undefined): World => ({
  route53: {
    hostedZones: [
      {
        name: 'example.com',
        id: 'Z0PARENT000000000001',
        records: parentNs ? [{ name: 'apps.example.com', type: 'NS', values: parentNs }] : [],
      },
      { name: 'apps.example.com', id: 'Z0APPSEXAMPLE0000001' },
      { name: 'internal.example.com', id: 'Z0PRIVATE00000000001', private: true },
    ],
  },
});

let emu: Emulator;
let clients: AwsClients;
beforeAll(async () => {
  const env = await startTestEmulator({ seed: world(undefined), region: 'us-east-1', maxAttempts: 1 });
  emu = env.emulator;
  clients = await createClients(env.clientConfig());
});
afterAll(async () => {
  clients.destroy();
  await emu.stop();
});

const run = () =>
  checkDelegation({
    names: ['*.apps.example.com', 'apps.example.com'],
    zones: { clients, label: 'this account' },
  });

describe('checkDelegation', () => {
  it('fails an undelegated sub-zone with the exact NS records to add at the parent, and writes nothing', async () => {
    emu.seed(world(undefined));
    const [f, ...rest] = await run();
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      check: 'certificate.delegation',
      status: 'fail',
      resource: 'route53 zone apps.example.com (Z0APPSEXAMPLE0000001)',
    });
    expect(f?.hint).toBe(
      `add at the parent zone example.com (Z0PARENT000000000001, this account): apps.example.com. NS ${OWN_NS.join(' ')}`,
    );
    expect(f?.data?.recordsToAdd).toEqual(OWN_NS.map((n) => `apps.example.com. 172800 IN NS ${n}`));
    expect(emu.calls({ mutating: true })).toEqual([]);
  });

  it('fails a delegation to other name servers, and passes a matching one (order and trailing dots aside)', async () => {
    emu.seed(world(['ns-1.awsdns-00.com', 'ns-2.awsdns-00.net']));
    const [wrong] = await run();
    expect(wrong?.status).toBe('fail');
    expect(wrong?.message).toContain('other name servers');
    emu.seed(world([...OWN_NS].reverse().map((n) => n.replace(/\.$/, ''))));
    const [ok] = await run();
    expect(ok).toMatchObject({ status: 'ok' });
    expect(ok?.message).toContain('delegated from parent zone example.com');
  });

  it('judges nothing for a top zone or a private zone', async () => {
    emu.seed(world(undefined));
    const findings = await checkDelegation({
      names: ['example.com', 'a.internal.example.com'],
      zones: { clients, label: 'x' },
    });
    expect(findings).toEqual([]);
  });
});

describe('the DNS account guide', () => {
  it('shows exactly the permission policy dnsRolePolicy generates', async () => {
    const { readFileSync } = await import('node:fs');
    const { dnsRolePolicy } = await import('../src/index.js');
    const guide = readFileSync(new URL('../../../docs/DNS-ACCOUNT-GUIDE.md', import.meta.url), 'utf8');
    const blocks = [...guide.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1] ?? ''));
    expect(blocks[1]).toEqual(dnsRolePolicy());
  });
});
