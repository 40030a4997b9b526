import { ACMClient, DescribeCertificateCommand, RequestCertificateCommand } from '@aws-sdk/client-acm';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import {
  ChangeResourceRecordSetsCommand,
  GetHostedZoneCommand,
  ListHostedZonesByNameCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator, World } from '../src/index.js';
import { clientConfig, failure, startTestEmulator, stsClient } from './helpers.js';

const WORKLOAD = '111111111111';
const DNS = '222222222222';
const DNS_ROLE = `arn:aws:iam::${DNS}:role/eks-kit-dns`;

const trust = (principal: string, externalId?: string) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: principal },
      Action: 'sts:AssumeRole',
      ...(externalId ? { Condition: { StringEquals: { 'sts:ExternalId': externalId } } } : {}),
    },
  ],
});

const world = (): World => ({
  accountId: WORKLOAD,
  identities: {
    AKIDWORKLOAD: { arn: `arn:aws:iam::${WORKLOAD}:user/ci` },
    AKIDOTHER: { arn: `arn:aws:iam::333333333333:user/stranger` },
  },
  iam: { roles: [{ name: 'workload-only' }] },
  route53: { hostedZones: [{ name: 'example.com' }] },
  accounts: {
    [DNS]: {
      iam: {
        roles: [
          { name: 'eks-kit-dns', assumeRolePolicyDocument: trust(`arn:aws:iam::${WORKLOAD}:root`) },
          { name: 'with-external-id', assumeRolePolicyDocument: trust(WORKLOAD, 'shared-secret-1') },
        ],
      },
      route53: { hostedZones: [{ name: 'apps.example.com' }] },
    },
  },
});

describe('several accounts in one world', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startTestEmulator({ seed: world() });
  });
  beforeEach(() => emu.reset());
  afterAll(() => emu.stop());

  const assumeDns = async (extra: { ExternalId?: string; RoleArn?: string } = {}) => {
    const out = await stsClient(emu, { accessKeyId: 'AKIDWORKLOAD' }).send(
      new AssumeRoleCommand({ RoleArn: DNS_ROLE, RoleSessionName: 'eks-kit', ...extra }),
    );
    return {
      accessKeyId: out.Credentials?.AccessKeyId as string,
      secretAccessKey: out.Credentials?.SecretAccessKey as string,
      sessionToken: out.Credentials?.SessionToken as string,
    };
  };

  it('GetCallerIdentity answers per account: the world identity, then the assumed role in the DNS account', async () => {
    const me = await stsClient(emu, { accessKeyId: 'AKIDWORKLOAD' }).send(new GetCallerIdentityCommand({}));
    expect(me).toMatchObject({ Account: WORKLOAD, Arn: `arn:aws:iam::${WORKLOAD}:user/ci` });
    const creds = await assumeDns();
    const sts = new STSClient({ ...clientConfig(emu), credentials: creds });
    const assumed = await sts.send(new GetCallerIdentityCommand({}));
    expect(assumed.Account).toBe(DNS);
    expect(assumed.Arn).toBe(`arn:aws:sts::${DNS}:assumed-role/eks-kit-dns/eks-kit`);
    expect(assumed.UserId).toMatch(/^AROA[A-Z0-9]{17}:eks-kit$/);
  });

  it('each account sees only its own state (Route 53 zones, IAM roles)', async () => {
    const workloadR53 = new Route53Client(clientConfig(emu, { accessKeyId: 'AKIDWORKLOAD' }));
    const mine = await workloadR53.send(new ListHostedZonesByNameCommand({}));
    expect(mine.HostedZones?.map((z) => z.Name)).toEqual(['example.com.']);
    const creds = await assumeDns();
    const dnsR53 = new Route53Client({ ...clientConfig(emu), credentials: creds });
    const theirs = await dnsR53.send(new ListHostedZonesByNameCommand({}));
    expect(theirs.HostedZones?.map((z) => z.Name)).toEqual(['apps.example.com.']);
    const dnsIam = new IAMClient({ ...clientConfig(emu), region: 'us-east-1', credentials: creds });
    const roles = await dnsIam.send(new ListRolesCommand({}));
    expect(roles.Roles?.map((r) => r.Arn).sort()).toEqual([
      DNS_ROLE,
      `arn:aws:iam::${DNS}:role/with-external-id`,
    ]);
    // The call log names the account whose state served each call.
    expect(emu.calls({ service: 'route53', account: DNS })).toHaveLength(1);
    expect(emu.calls({ service: 'route53', account: WORKLOAD })).toHaveLength(1);
    // Unknown access keys still act in the default account.
    const anon = await new Route53Client(clientConfig(emu)).send(new ListHostedZonesByNameCommand({}));
    expect(anon.HostedZones?.map((z) => z.Name)).toEqual(['example.com.']);
    expect(emu.accountState(DNS)).toHaveProperty('route53');
    expect(emu.accountState('999999999999')).toBeUndefined();
  });

  it('AssumeRole is refused with AccessDenied when the trust policy does not name the caller', async () => {
    const err = await failure(
      stsClient(emu, { accessKeyId: 'AKIDOTHER' }).send(
        new AssumeRoleCommand({ RoleArn: DNS_ROLE, RoleSessionName: 'x1' }),
      ),
    );
    expect(err).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect(err.message).toBe(
      `User: arn:aws:iam::333333333333:user/stranger is not authorized to perform: sts:AssumeRole on resource: ${DNS_ROLE}`,
    );
    expect(emu.calls({ operation: 'AssumeRole' }).at(-1)).toMatchObject({
      status: 403,
      error: 'AccessDenied',
    });
  });

  it('a trust policy with sts:ExternalId needs the right ExternalId, which is never logged', async () => {
    const role = `arn:aws:iam::${DNS}:role/with-external-id`;
    const missing = await failure(assumeDns({ RoleArn: role }));
    expect(missing.name).toBe('AccessDenied');
    const wrong = await failure(assumeDns({ RoleArn: role, ExternalId: 'wrong-secret' }));
    expect(wrong.name).toBe('AccessDenied');
    const ok = await assumeDns({ RoleArn: role, ExternalId: 'shared-secret-1' });
    expect(ok.accessKeyId).toMatch(/^ASIA/);
    expect(JSON.stringify(emu.calls())).not.toContain('shared-secret-1');
  });

  it('in a multi-account world the trust policy also decides inside one account', async () => {
    // workload-only trusts ec2.amazonaws.com only.
    const err = await failure(
      stsClient(emu, { accessKeyId: 'AKIDWORKLOAD' }).send(
        new AssumeRoleCommand({
          RoleArn: `arn:aws:iam::${WORKLOAD}:role/workload-only`,
          RoleSessionName: 's1',
        }),
      ),
    );
    expect(err.name).toBe('AccessDenied');
  });

  it('a role in an account the world does not hold is AccessDenied', async () => {
    const err = await failure(assumeDns({ RoleArn: 'arn:aws:iam::444444444444:role/eks-kit-dns' }));
    expect(err.name).toBe('AccessDenied');
  });

  it('ACM in the workload account validates through a sub-zone in the DNS account only once it is delegated', async () => {
    const acm = new ACMClient(clientConfig(emu, { accessKeyId: 'AKIDWORKLOAD', region: 'us-east-1' }));
    const { CertificateArn } = await acm.send(
      new RequestCertificateCommand({ DomainName: 'web.apps.example.com', ValidationMethod: 'DNS' }),
    );
    emu.advanceClock(30);
    const describe = async () =>
      (await acm.send(new DescribeCertificateCommand({ CertificateArn }))).Certificate;
    const option = (await describe())?.DomainValidationOptions?.[0];
    const record = option?.ResourceRecord;
    expect(record?.Name).toBeDefined();
    const creds = await assumeDns();
    const dnsR53 = new Route53Client({ ...clientConfig(emu), credentials: creds });
    const zone = (await dnsR53.send(new ListHostedZonesByNameCommand({}))).HostedZones?.[0];
    await dnsR53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zone?.Id,
        ChangeBatch: {
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: {
                Name: record?.Name,
                Type: 'CNAME',
                TTL: 300,
                ResourceRecords: [{ Value: record?.Value }],
              },
            },
          ],
        },
      }),
    );
    emu.advanceClock(600);
    expect((await describe())?.Status).toBe('PENDING_VALIDATION');

    // Delegate apps.example.com from example.com (workload account) with the sub-zone's name servers.
    const ns =
      (await dnsR53.send(new GetHostedZoneCommand({ Id: zone?.Id }))).DelegationSet?.NameServers ?? [];
    expect(ns).toHaveLength(4);
    const workloadR53 = new Route53Client(clientConfig(emu, { accessKeyId: 'AKIDWORKLOAD' }));
    const parent = (await workloadR53.send(new ListHostedZonesByNameCommand({}))).HostedZones?.[0];
    await workloadR53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: parent?.Id,
        ChangeBatch: {
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: {
                Name: 'apps.example.com',
                Type: 'NS',
                TTL: 172800,
                ResourceRecords: ns.map((Value) => ({ Value })),
              },
            },
          ],
        },
      }),
    );
    emu.advanceClock(600);
    expect((await describe())?.Status).toBe('ISSUED');
  });
});
