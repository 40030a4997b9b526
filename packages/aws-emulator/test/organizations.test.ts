import { ACMClient, ListCertificatesCommand } from '@aws-sdk/client-acm';
import {
  DescribeOrganizationCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  OrganizationsClient,
  paginateListAccounts,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator, World } from '../src/index.js';
import { clientConfig, failure, startTestEmulator, stsClient } from './helpers.js';

const MANAGEMENT = '100000000000';
const MEMBER = '100000000001';
/** A member account registered as a delegated administrator in some tests' worlds. */
const DELEGATED = '100000000011';
const OU_PROD = 'ou-ex12-prod0001';
const OU_PROD_EU = 'ou-ex12-prodeu01';

const accountId = (i: number) => String(100000000001 + i);

const world = (): World => ({
  accountId: MANAGEMENT,
  identities: {
    AKIDMANAGEMENT: { arn: `arn:aws:iam::${MANAGEMENT}:role/checks` },
    AKIDMEMBER: { arn: `arn:aws:iam::${MEMBER}:user/someone` },
    AKIDDELEGATED: { arn: `arn:aws:iam::${DELEGATED}:role/checks` },
  },
  organizations: {
    organizationalUnits: [
      { id: OU_PROD, name: 'prod' },
      { id: OU_PROD_EU, name: 'prod-eu', parentId: OU_PROD },
    ],
    accounts: Array.from({ length: 45 }, (_, i) => ({
      id: accountId(i),
      name: `workload-${i}`,
      ...(i === 3 ? { state: 'SUSPENDED' as const } : {}),
      ...(i < 5 ? { parentId: OU_PROD } : i < 8 ? { parentId: OU_PROD_EU } : {}),
    })),
  },
  accounts: { [MEMBER]: {} },
});

describe('Organizations', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startTestEmulator({ seed: world() });
  });
  beforeEach(() => emu.reset());
  afterAll(() => emu.stop());

  const orgs = (accessKeyId = 'AKIDMANAGEMENT') =>
    new OrganizationsClient(clientConfig(emu, { accessKeyId, region: 'us-east-1' }));

  it('pages ListAccounts by 20 at most with NextToken, every account once, with State and no retired Status', async () => {
    const ids: string[] = [];
    let pages = 0;
    for await (const page of paginateListAccounts({ client: orgs() }, {})) {
      pages += 1;
      expect(page.Accounts?.length).toBeLessThanOrEqual(20);
      ids.push(...(page.Accounts ?? []).map((a) => a.Id as string));
    }
    expect(pages).toBe(3); // 46 accounts (45 members and the management account)
    expect(ids).toHaveLength(46);
    expect(new Set(ids).size).toBe(46);
    expect(ids[0]).toBe(MANAGEMENT);
    const first = await orgs().send(new ListAccountsCommand({ MaxResults: 5 }));
    expect(first.Accounts).toHaveLength(5);
    const suspended = first.Accounts?.find((a) => a.Id === accountId(3));
    expect(suspended).toMatchObject({ State: 'SUSPENDED', Name: 'workload-3' });
    expect(suspended?.Status).toBeUndefined();
    expect(suspended?.Arn).toBe(`arn:aws:organizations::${MANAGEMENT}:account/o-exampleorg1/${accountId(3)}`);
    expect(emu.calls({ service: 'organizations', operation: 'ListAccounts' })).toHaveLength(4);
  });

  it('refuses MaxResults over 20 and a token it did not make with InvalidInputException', async () => {
    const tooMany = await failure(orgs().send(new ListAccountsCommand({ MaxResults: 21 })));
    expect(tooMany.name).toBe('InvalidInputException');
    const badToken = await failure(orgs().send(new ListAccountsCommand({ NextToken: 'not-a-token' })));
    expect(badToken.name).toBe('InvalidInputException');
  });

  it('walks roots, OUs and their accounts (direct children only)', async () => {
    const roots = await orgs().send(new ListRootsCommand({}));
    expect(roots.Roots?.map((r) => r.Id)).toEqual(['r-ex12']);
    const top = await orgs().send(new ListOrganizationalUnitsForParentCommand({ ParentId: 'r-ex12' }));
    expect(top.OrganizationalUnits?.map((o) => [o.Id, o.Name])).toEqual([[OU_PROD, 'prod']]);
    const nested = await orgs().send(new ListOrganizationalUnitsForParentCommand({ ParentId: OU_PROD }));
    expect(nested.OrganizationalUnits?.map((o) => o.Id)).toEqual([OU_PROD_EU]);
    const inProd = await orgs().send(new ListAccountsForParentCommand({ ParentId: OU_PROD }));
    expect(inProd.Accounts?.map((a) => a.Id)).toEqual([0, 1, 2, 3, 4].map(accountId));
    const inEu = await orgs().send(new ListAccountsForParentCommand({ ParentId: OU_PROD_EU, MaxResults: 2 }));
    expect(inEu.Accounts?.map((a) => a.Id)).toEqual([5, 6].map(accountId));
    expect(inEu.NextToken).toBeDefined();
    const missing = await failure(
      orgs().send(new ListAccountsForParentCommand({ ParentId: 'ou-ex12-nothere1' })),
    );
    expect(missing.name).toBe('ParentNotFoundException');
    const org = await orgs().send(new DescribeOrganizationCommand({}));
    expect(org.Organization).toMatchObject({
      Id: 'o-exampleorg1',
      MasterAccountId: MANAGEMENT,
      FeatureSet: 'ALL',
    });
  });

  it('a member account may not list the organisation; a world without one is not in use', async () => {
    const member = await failure(orgs('AKIDMEMBER').send(new ListAccountsCommand({})));
    expect(member.name).toBe('AccessDeniedException');
    const denied = await failure(
      (async () => {
        emu.seed({
          ...world(),
          identities: {
            AKIDMANAGEMENT: { arn: `arn:aws:iam::${MANAGEMENT}:role/checks`, deny: ['organizations:List*'] },
          },
        });
        return orgs().send(new ListAccountsCommand({}));
      })(),
    );
    expect(denied.name).toBe('AccessDeniedException');
    emu.seed({ accountId: MANAGEMENT });
    const notInUse = await failure(orgs().send(new ListAccountsCommand({})));
    expect(notInUse.name).toBe('AWSOrganizationsNotInUseException');
    emu.seed(world());
  });

  it('answers short and empty pages with a NextToken when the world asks, every account once', async () => {
    emu.seed({ ...world(), organizations: { ...(world().organizations as object), pageSizes: [3, 0, 20] } });
    const sizes: number[] = [];
    const ids: string[] = [];
    for await (const page of paginateListAccounts({ client: orgs() }, {})) {
      sizes.push(page.Accounts?.length ?? 0);
      ids.push(...(page.Accounts ?? []).map((a) => a.Id as string));
    }
    // 46 accounts: 3, none (with a token), 20, 3, none, 20 (the last 20 of them), then the end.
    expect(sizes).toEqual([3, 0, 20, 3, 0, 20]);
    expect(ids).toHaveLength(46);
    expect(new Set(ids).size).toBe(46);
    const empty = await orgs().send(
      new ListAccountsCommand({
        NextToken: (await orgs().send(new ListAccountsCommand({}))).NextToken,
      }),
    );
    expect(empty.Accounts).toEqual([]);
    expect(empty.NextToken).toBeDefined();
    // MaxResults still caps a page; OUs and a parent's accounts page the same way.
    expect((await orgs().send(new ListAccountsCommand({ MaxResults: 2 }))).Accounts).toHaveLength(2);
    const ous = await orgs().send(new ListOrganizationalUnitsForParentCommand({ ParentId: 'r-ex12' }));
    expect(ous.OrganizationalUnits).toHaveLength(1);
    const inProd = await orgs().send(new ListAccountsForParentCommand({ ParentId: OU_PROD }));
    expect(inProd.Accounts).toHaveLength(3);
    expect(inProd.NextToken).toBeDefined();
    // A token of the full-page form is not one of these pages': refused as AWS refuses a foreign token.
    const foreign = Buffer.from('p20', 'utf8').toString('base64url');
    const refused = await failure(orgs().send(new ListAccountsCommand({ NextToken: foreign })));
    expect(refused.name).toBe('InvalidInputException');
    expect(() =>
      emu.seed({ ...world(), organizations: { ...(world().organizations as object), pageSizes: [0] } }),
    ).toThrow(/organizations\.pageSizes/);
    emu.seed(world());
  });

  it('lets a delegated administrator account read the organisation; other members stay refused', async () => {
    emu.seed({
      ...world(),
      organizations: { ...(world().organizations as object), delegatedAdministrators: [DELEGATED] },
    });
    const ids: string[] = [];
    for await (const page of paginateListAccounts({ client: orgs('AKIDDELEGATED') }, {}))
      ids.push(...(page.Accounts ?? []).map((a) => a.Id as string));
    expect(ids).toHaveLength(46);
    expect(ids).toContain(MANAGEMENT);
    const inProd = await orgs('AKIDDELEGATED').send(new ListAccountsForParentCommand({ ParentId: OU_PROD }));
    expect(inProd.Accounts).toHaveLength(5);
    expect(
      (await orgs('AKIDDELEGATED').send(new DescribeOrganizationCommand({}))).Organization?.MasterAccountId,
    ).toBe(MANAGEMENT);
    const member = await failure(orgs('AKIDMEMBER').send(new ListAccountsCommand({})));
    expect(member.name).toBe('AccessDeniedException');
    // Only a member account can be one.
    expect(() =>
      emu.seed({
        ...world(),
        organizations: { ...(world().organizations as object), delegatedAdministrators: [MANAGEMENT] },
      }),
    ).toThrow(/organizations\.delegatedAdministrators\[0\]/);
    expect(() =>
      emu.seed({
        ...world(),
        organizations: { ...(world().organizations as object), delegatedAdministrators: ['999999999999'] },
      }),
    ).toThrow(/organizations\.delegatedAdministrators\[0\]/);
    emu.seed(world());
  });

  it('answers the retired Status too when the world asks for it', async () => {
    emu.seed({
      ...world(),
      organizations: { legacyStatus: true, accounts: [{ id: MEMBER, state: 'CLOSED' }] },
    });
    const out = await orgs().send(new ListAccountsCommand({}));
    expect(out.Accounts?.find((a) => a.Id === MEMBER)).toMatchObject({
      State: 'CLOSED',
      Status: 'SUSPENDED',
    });
    emu.seed(world());
  });

  it('throttles AssumeRole over the behaviour stsAssumeRoleRatePerSecond with Throttling', async () => {
    const trust = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: MANAGEMENT }, Action: 'sts:AssumeRole' }],
    };
    emu.seed({
      ...world(),
      accounts: { [MEMBER]: { iam: { roles: [{ name: 'checks', assumeRolePolicyDocument: trust }] } } },
    });
    // 0.001 a second: the emulator runs 1,000 times faster than real time, so this is one a real second.
    emu.behaviour.stsAssumeRoleRatePerSecond = 0.001;
    const sts = stsClient(emu, { accessKeyId: 'AKIDMANAGEMENT' });
    const assume = () =>
      sts.send(
        new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${MEMBER}:role/checks`, RoleSessionName: 'checks' }),
      );
    await assume();
    const throttled = await failure(assume());
    expect(throttled).toMatchObject({ name: 'Throttling', $metadata: { httpStatusCode: 400 } });
    // The member account's own AssumeRole is not throttled by the management account's.
    const back = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: MEMBER }, Action: 'sts:AssumeRole' }],
    };
    emu.seed({
      ...world(),
      iam: { roles: [{ name: 'back', assumeRolePolicyDocument: back }] },
      accounts: { [MEMBER]: { iam: { roles: [{ name: 'checks', assumeRolePolicyDocument: trust }] } } },
    });
    emu.behaviour.stsAssumeRoleRatePerSecond = 0.001;
    const out = await assume();
    expect((await failure(assume())).name).toBe('Throttling');
    const asMember = new STSClient({
      ...clientConfig(emu),
      credentials: {
        accessKeyId: out.Credentials?.AccessKeyId as string,
        secretAccessKey: out.Credentials?.SecretAccessKey as string,
        sessionToken: out.Credentials?.SessionToken as string,
      },
    });
    await asMember.send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${MANAGEMENT}:role/back`, RoleSessionName: 'back' }),
    );
    emu.behaviour.stsAssumeRoleRatePerSecond = 0;
    await assume();
    // A role that does not exist is AccessDenied, as AWS answers it.
    const missing = await failure(
      sts.send(
        new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${MEMBER}:role/absent`, RoleSessionName: 'checks' }),
      ),
    );
    expect(missing.name).toBe('AccessDenied');
  });

  it('counts request quotas per account: one account at its ACM quota does not throttle another', async () => {
    // Emulated time stands (nearly) still: the two ListCertificates (1 a second) fall in one emulated
    // second however slow the machine (in real time, a loaded machine let the bucket refill between them).
    const slow = await startTestEmulator({
      speed: 0.001,
      seed: {
        ...world(),
        identities: { ...world().identities, AKIDOTHERACCT: { arn: `arn:aws:iam::${MEMBER}:user/other` } },
      },
    });
    try {
      const acm = (key: string) =>
        new ACMClient(clientConfig(slow, { accessKeyId: key, region: 'eu-west-1' }));
      await acm('AKIDMANAGEMENT').send(new ListCertificatesCommand({}));
      expect((await failure(acm('AKIDMANAGEMENT').send(new ListCertificatesCommand({})))).name).toBe(
        'ThrottlingException',
      );
      await acm('AKIDOTHERACCT').send(new ListCertificatesCommand({}));
      expect(slow.calls({ operation: 'ListCertificates' }).map((c) => [c.account, c.status])).toEqual([
        [MANAGEMENT, 200],
        [MANAGEMENT, 400],
        [MEMBER, 200],
      ]);
    } finally {
      await slow.stop();
    }
  });
});
