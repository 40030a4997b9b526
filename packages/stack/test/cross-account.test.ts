import { readFileSync } from 'node:fs';
import {
  describeCertificate,
  findRecordSet,
  upsertValidationRecords,
  validationRecordsOf,
} from '@eks-kit/acm-dns-validation';
import type { Emulator, World } from '@eks-kit/aws-emulator';
import { startTestEmulator } from '@eks-kit/aws-emulator/testing';
import { type AwsClients, createClients, InvalidInputError } from '@eks-kit/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyStack, checkStack, destroyStack, dnsRoleClients, parseStack, planStack } from '../src/index.js';

const root = new URL('../../../examples/cross-account/', import.meta.url);
const text = readFileSync(new URL('eks-kit.yaml', root), 'utf8');
const stack = parseStack(text);
const world = JSON.parse(readFileSync(new URL('world.json', root), 'utf8')) as World;
const WORKLOAD = '111111111111';
const DNS = '222222222222';
const ROLE = `arn:aws:iam::${DNS}:role/eks-kit-dns`;

let emu: Emulator;
let clients: AwsClients;
beforeAll(async () => {
  emu = (await startTestEmulator({ seed: world, dns: true })).emulator;
});
afterAll(async () => {
  clients?.destroy();
  await emu.stop();
});
beforeEach(async () => {
  emu.reset();
  clients?.destroy();
  clients = await createClients({
    region: 'eu-west-1',
    endpoint: emu.url,
    credentials: { accessKeyId: 'AKIDWORKLOAD', secretAccessKey: 'secret' },
    maxAttempts: 3,
  });
});

describe('certificates whose zone is in another account', () => {
  it('plans with the account and role per record, applies (ACM here, Route 53 there), re-plans to no change', async () => {
    const plan = await planStack(clients, stack);
    expect(emu.calls({ mutating: true })).toEqual([]);
    const route53Changes = plan.changes.filter((c) => c.resource.startsWith('route53'));
    expect(route53Changes.length).toBeGreaterThan(0);
    for (const c of route53Changes) expect(c.summary).toContain(`(account ${DNS} as ${ROLE})`);

    const applied = await applyStack(clients, stack, { yes: true });
    expect(applied.certificates).toMatchObject([{ domainName: '*.apps.example.com', status: 'ISSUED' }]);
    // ACM in the workload account, the validation record in the DNS account.
    expect(emu.calls({ service: 'acm', operation: 'RequestCertificate' })).toMatchObject([
      { account: WORKLOAD, status: 200 },
    ]);
    expect(emu.calls({ service: 'route53', operation: 'ChangeResourceRecordSets' })).toMatchObject([
      { account: DNS, status: 200 },
    ]);
    // In the stack's account Route 53 is only read (the parent zone, for the delegation check).
    expect(emu.calls({ service: 'route53', account: WORKLOAD, mutating: true })).toEqual([]);
    // The external id, a shared secret, is never in the call log.
    expect(JSON.stringify(emu.calls())).not.toContain('shop-eks-kit-dns');

    emu.resetCalls();
    expect((await planStack(clients, stack)).changes).toEqual([]);
    const again = await applyStack(clients, stack, { yes: true });
    expect(again.changes).toEqual([]);
    expect(emu.calls({ mutating: true })).toEqual([]);
    const findings = await checkStack(clients, stack);
    expect(findings.filter((f) => f.status === 'fail')).toEqual([]);
  });

  it('a role that cannot be assumed blocks the apply before the first write, with the policy to create', async () => {
    const wrong = parseStack(text.replace('externalId: shop-eks-kit-dns', 'externalId: not-the-agreed-id'));
    const err = await applyStack(clients, wrong, { yes: true }).catch((e: unknown) => e);
    expect(String((err as Error).message)).toMatch(/cannot assume the DNS role/);
    expect(String((err as Error).message)).toContain(ROLE);
    expect(emu.calls({ mutating: true }).filter((c) => c.operation !== 'AssumeRole')).toEqual([]);
    const plan = await planStack(clients, wrong);
    const blocker = plan.findings.find((f) => f.check === 'certificate.dns-role');
    expect(blocker).toMatchObject({ status: 'fail', resource: ROLE });
    expect(JSON.stringify(blocker?.data)).toContain('route53:ChangeResourceRecordSets');
    expect(JSON.stringify(blocker?.data)).toContain(`arn:aws:iam::${WORKLOAD}:root`);
    expect(JSON.stringify(plan)).not.toContain('not-the-agreed-id');
  });

  it('a role without Route 53 permissions blocks the apply before the first write', async () => {
    emu.seed({ ...world, identities: { ...world.identities, DNSROLE: { arn: ROLE, deny: ['route53:*'] } } });
    const err = await applyStack(clients, stack, { yes: true }).catch((e: unknown) => e);
    expect(String((err as Error).message)).toMatch(/may not call Route 53/);
    expect(emu.calls({ mutating: true }).filter((c) => c.operation !== 'AssumeRole')).toEqual([]);
  });

  it('a certificate dns block wins over the stack one; a bad role ARN names its file line', () => {
    const own = parseStack(
      text.replace(
        '    subjectAlternativeNames: [apps.example.com]',
        '    subjectAlternativeNames: [apps.example.com]\n    dns:\n      roleArn: arn:aws:iam::333333333333:role/other',
      ),
    );
    expect(own.certificates[0]?.dns?.roleArn).toBe('arn:aws:iam::333333333333:role/other');
    let caught: unknown;
    try {
      parseStack(text.replace('role/eks-kit-dns', 'user/eks-kit-dns'), 'eks-kit.yaml');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InvalidInputError);
    expect((caught as Error).message).toMatch(/^eks-kit\.yaml:\d+: dns\.roleArn: expected an IAM role ARN/);
  });

  it('an undelegated sub-zone: apply warns before waiting, check fails with the NS records to add at the parent', async () => {
    const undelegated = structuredClone(world);
    const parent = undelegated.route53?.hostedZones?.[0] as { records?: unknown[] };
    parent.records = [];
    emu.seed(undelegated);
    const events: string[] = [];
    const applied = await applyStack(clients, stack, {
      yes: true,
      timeoutMs: 60_000,
      wait: false,
      onEvent: (e) => events.push(e.message),
    });
    expect(applied.certificates[0]?.status).toBe('PENDING_VALIDATION');
    expect(
      events.some((m) => /will stay PENDING_VALIDATION: apps\.example\.com is not delegated/.test(m)),
    ).toBe(true);
    emu.advanceClock(3600);
    // Public resolution through the emulator's DNS server (checks.dnsServers), emulated "now".
    const withDns = parseStack(`${text}\nchecks:\n  dnsServers: ["127.0.0.1:${emu.dnsPort}"]\n`);
    const findings = await checkStack(clients, withDns, { now: new Date(emu.now()) });
    const resolution = findings.find((f) => f.check === 'certificate.public-resolution');
    expect(resolution?.status).toBe('fail');
    expect(resolution?.message).toMatch(/NXDOMAIN.*known cause: apps\.example\.com is not delegated/);
    const delegation = findings.find((f) => f.check === 'certificate.delegation');
    expect(delegation).toMatchObject({ status: 'fail' });
    expect(delegation?.hint).toBe(
      `add at the parent zone example.com (Z0EXAMPLECOMPARENT01, the stack's account): apps.example.com. NS ns-385.awsdns-01.org. ns-386.awsdns-02.co.uk. ns-387.awsdns-03.com. ns-388.awsdns-04.net.`,
    );
    // Delegated (the example world): the same check is ok.
    emu.seed(world);
    await applyStack(clients, stack, { yes: true });
    const ok = (await checkStack(clients, stack)).find((f) => f.check === 'certificate.delegation');
    expect(ok?.status).toBe('ok');
    // Issued: the public-resolution check has nothing to explain.
    const after = await checkStack(clients, withDns, { now: new Date(emu.now()) });
    expect(after.filter((f) => f.check === 'certificate.public-resolution')).toEqual([]);
  });
});

describe('render for the DNS account owners', () => {
  it('emits the DNS role policy and its trust of this account, the external id as a placeholder', async () => {
    const { renderStack } = await import('../src/index.js');
    const files = renderStack(stack, { accountId: WORKLOAD });
    expect(files.map((f) => f.path)).toEqual([
      `dns-account/${DNS}-eks-kit-dns.policy.json`,
      `dns-account/${DNS}-eks-kit-dns.trust.json`,
    ]);
    const trust = JSON.parse(files[1]?.content ?? '{}') as {
      Statement: Array<{ Principal: { AWS: string } }>;
    };
    expect(trust.Statement[0]?.Principal.AWS).toBe(`arn:aws:iam::${WORKLOAD}:root`);
    expect(files.map((f) => f.content).join('')).not.toContain('shop-eks-kit-dns');
    expect(files[0]?.content).toContain('route53:ChangeResourceRecordSets');
  });
});

describe('destroy and apply --prune delete the validation CNAME through the dns role (issue 21)', () => {
  const PARENT = 'Z0EXAMPLECOMPARENT01';
  const APPS = 'Z0APPSEXAMPLE0000001';
  // Apply, then a copy of the validation CNAME made by hand in the stack account's own zone
  // example.com: a zone the stack never wrote to.
  const applyWithCopy = async () => {
    const applied = await applyStack(clients, stack, { yes: true });
    const arn = applied.certificates[0]?.arn as string;
    const detail = await describeCertificate(clients, arn);
    const record = validationRecordsOf(detail.DomainValidationOptions ?? [])?.[0];
    if (!record) throw new Error('no validation record');
    await upsertValidationRecords(clients, [{ zoneId: PARENT, upserts: [record] }]);
    const dns = (await dnsRoleClients(clients, stack.dns as NonNullable<typeof stack.dns>)).clients;
    expect(await findRecordSet(dns, APPS, record.name, 'CNAME')).toBeDefined();
    emu.resetCalls();
    return { record, dns };
  };
  const route53Writes = () =>
    emu.calls({ service: 'route53', mutating: true }).map((c) => `${c.account} ${c.operation}`);

  it('destroy deletes it in the zone apply chose (the DNS account), never the copy in the stack account', async () => {
    const { record, dns } = await applyWithCopy();
    const result = await destroyStack(clients, stack, { yes: true });
    expect(result.deleted).toContainEqual(expect.stringMatching(/^acm certificate \*\.apps\.example\.com/));
    expect(result.kept).toEqual([]);
    // Its change names the account and role, as apply's plan does.
    const route53Changes = result.changes.filter((c) => c.resource.startsWith('route53'));
    expect(route53Changes.map((c) => c.resource)).toEqual([expect.stringContaining(`(zone ${APPS} `)]);
    for (const c of route53Changes) expect(c.summary).toContain(`(account ${DNS} as ${ROLE})`);
    expect(route53Writes()).toEqual([`${DNS} ChangeResourceRecordSets`]);
    expect(await findRecordSet(dns, APPS, record.name, 'CNAME')).toBeUndefined();
    expect(await findRecordSet(clients, PARENT, record.name, 'CNAME')).toBeDefined();
    emu.resetCalls();
    expect((await destroyStack(clients, stack, { yes: true })).changes).toEqual([]);
    expect(emu.calls({ mutating: true }).filter((c) => c.operation !== 'AssumeRole')).toEqual([]);
  });

  it('apply --prune of the certificate: through the dns role the file still names; never the copy', async () => {
    const { record, dns } = await applyWithCopy();
    const without = parseStack(text.slice(0, text.indexOf('certificates:')));
    const pruned = await applyStack(clients, without, { yes: true, prune: true });
    expect(pruned.orphans).toEqual([]);
    expect(route53Writes()).toEqual([`${DNS} ChangeResourceRecordSets`]);
    expect(await findRecordSet(dns, APPS, record.name, 'CNAME')).toBeUndefined();
    expect(await findRecordSet(clients, PARENT, record.name, 'CNAME')).toBeDefined();
  });
});
